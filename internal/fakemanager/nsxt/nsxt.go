// Package nsxt is a fake NSX Manager cluster held to the NSX session-cookie document: form
// login at /api/session/create answering a JSESSIONID cookie and an X-XSRF-TOKEN header, both
// required on every later call; sessions scoped to the node that issued them; idle sessions
// and destroyed sessions answered with 403; per-node account lockout after repeated failures;
// the api-service configuration with `_revision`, whose own rate and concurrency limits the
// fake enforces (429 error_code 102, 503) and whose writes can restart the API service (all
// sessions dropped, 503 for a window); policy segments with cursor paging; and the node
// version.
package nsxt

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"golang.org/x/time/rate"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts that no primary source settled live here, in one place (see PROTOCOLS.md).
const (
	credentialsMessage = "The credentials were incorrect or the account specified has been locked."
	xsrfMessage        = "Bad XSRF token."
	staleMessage       = "The object was modified by somebody else. Please retry."
	errCodeBadXSRF     = 98
	errCodeCredentials = 403
	errCodeStale       = 500087
	errCodeBadRequest  = 255
	errCodeNotFound    = 404
	errCodePermission  = 401 // UNCONFIRMED: NSX's code for a valid session without the role; the provider relies only on its being neither 98 nor 403, the documented session codes (nsxt.Auth.Expired)
	maxPageSize        = 1000
	// Version is what /api/v1/node/version answers.
	Version = "4.2.1.0.0.24304122"
	// Version90 is what a VCF 9 fake answers.
	Version90 = "9.0.0.0.24733063"
)

// Options shape the fake.
type Options struct {
	Username string
	Password string
	Segments int
	// Idle, when set, overrides the session_timeout of the api-service configuration.
	Idle time.Duration
	// ExtraFields are api-service fields of a newer NSX release that this fake then knows:
	// it accepts, stores and returns them, where an unknown field is refused.
	ExtraFields []string
	// SegmentList, when set, are the segments the manager holds instead of Segments made-up
	// ones (a module test's fixture).
	SegmentList []Segment
	// APIService overrides fields of the api-service configuration it starts with, as JSON
	// field names and values (a fixture).
	APIService map[string]any
	// LoginLatency is how long a login takes (remote authentication through vIDM or LDAP
	// takes about a second).
	LoginLatency time.Duration
	// Release is the NSX release the fake plays: Release42 (default) or Release90.
	Release string
	// InUse are addresses other hosts on the network hold: setting one as the cluster's
	// virtual IP is refused without force.
	InUse []string
	// BannerWrite is where the login banner takes a write: BannerWritePolicy (default, PUT
	// /policy/api/v1/loginbanner), BannerWriteNode (PUT /api/v1/loginbanner) or BannerWriteNone
	// (the UI only). Which one NSX takes is not known for any release (the vendor's own
	// automation found writes refused at the node path, and has its policy-path task disabled
	// as refused too): the fake plays each, and reads answer at both paths in every case.
	BannerWrite string
	// OldPasswordCountsAsFailure plays the other reading of an undocumented behaviour: a
	// password change whose old_password is wrong counts as a failed authentication of that
	// user on that node, towards its lockout (by default it does not). Whether NSX counts it is
	// not documented; the provider sends a current password once per change and never again in
	// the run, so either reading costs at most one failure (TestWrongOldPasswordCostsOneFailureAtMost).
	OldPasswordCountsAsFailure bool
	// VidmForCluster plays the other reading of where NSX keeps the vIDM provider: one
	// object for the cluster, which a write on any node sets for all (by default each node
	// keeps its own; see idp.go).
	VidmForCluster bool
	// Infra is a hierarchical policy body (what PATCH /policy/api/v1/infra takes) the
	// manager starts with: gateways and their routing configuration. Start refuses one NSX
	// would refuse.
	Infra json.RawMessage
}

// The login banner's write behaviours (Options.BannerWrite).
const (
	BannerWritePolicy = "policy"
	BannerWriteNode   = "node"
	BannerWriteNone   = "none"
)

// Fake is the NSX application shared by every node: one data store, one session table per node.
type Fake struct {
	// Secrets lists what it handed out, under a lock of its own.
	fakemanager.Secrets

	opts  Options
	stats *fakemanager.Stats
	srv   atomic.Pointer[fakemanager.Server]

	mu       sync.Mutex
	sessions []map[string]*session // per node, by JSESSIONID
	failures []map[string]*failures
	limits   []*nodeLimits
	config   APIService
	segments []Segment
	// policy is the policy tree's routing objects by path (policytree.go); policyUser is who
	// writes the operations being applied.
	policy     map[string]*policyObj
	policyUser string
	infraErr   error // Options.Infra refused
	// oidc are the OpenID Connect providers by id (idp.go).
	oidc map[string]map[string]any
	// lastPut is the body of the last PUT to the api-service, as received.
	lastPut []byte
	// tampers are changes another client makes right after the next write of an object on a
	// node (see TamperAfterWrite).
	tampers []Tamper
	// defs are the settings objects beyond the api-service, objects their values; users
	// and bindings are the local users and role bindings.
	defs     []*objectDef
	objects  objectStore
	users    map[int64]*user
	bindings map[string]*binding
	// running are the services running on each node; exporters each node's syslog
	// exporters; vip the cluster's virtual IPv4 and IPv6 addresses ("": unset).
	running   []map[string]bool
	exporters [][]map[string]any
	vip       [2]string
	// principals are the principal identities by id, certs the certificates they
	// registered, revoked the fingerprints refused, owners the objects (by path) a
	// protected identity wrote; ca issues client certificates (Control).
	principals map[string]*principal
	certs      map[string]*storedCert
	revoked    map[string]bool
	owners     map[string]string
	ca         *fakemanager.CA
}

type session struct {
	user     string
	xsrf     string
	lastUsed time.Time
}

type failures struct {
	count       int
	first       time.Time
	lockedUntil time.Time
}

// allDefs are the settings objects the fake serves, as o has them.
func allDefs(o Options) []*objectDef {
	defs := []*objectDef{authPolicyDef(), nodeDef(), bannerDef(), globalConfigDef(), backupDef(), telemetryDef(), vidmDef(!o.VidmForCluster)}
	return append(defs, serviceDefs()...)
}

// version is the release the fake answers.
func (f *Fake) version() string {
	if f.opts.Release == Release90 {
		return Version90
	}
	return Version
}

// Start runs a fake NSX cluster of opts.Nodes nodes.
func Start(o Options, so fakemanager.Options) (*Fake, *fakemanager.Server, error) {
	if so.Nodes < 1 {
		so.Nodes = 1
	}
	switch o.BannerWrite {
	case "":
		o.BannerWrite = BannerWritePolicy
	case BannerWritePolicy, BannerWriteNode, BannerWriteNone:
	default:
		return nil, nil, fmt.Errorf("fake nsxt: BannerWrite %q is not %s, %s or %s", o.BannerWrite, BannerWritePolicy, BannerWriteNode, BannerWriteNone)
	}
	f := &Fake{opts: o, stats: &fakemanager.Stats{}, defs: allDefs(o), ca: so.CA}
	f.sessions = make([]map[string]*session, so.Nodes)
	f.failures = make([]map[string]*failures, so.Nodes)
	f.limits = make([]*nodeLimits, so.Nodes)
	f.reset()
	if f.infraErr != nil {
		return nil, nil, f.infraErr
	}
	srv, err := fakemanager.Start("nsxt", f, f.stats, so)
	if err != nil {
		return nil, nil, err
	}
	f.srv.Store(srv)
	return f, srv, nil
}

func (f *Fake) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.sessions {
		f.sessions[i] = map[string]*session{}
		f.failures[i] = map[string]*failures{}
		f.limits[i] = &nodeLimits{buckets: map[string]*rate.Limiter{}, inflight: map[string]int{}}
	}
	f.config = defaultAPIService(f.opts.Release)
	if len(f.opts.APIService) > 0 {
		// Fields as a PUT would set them, so a fixture is checked like a write.
		b, _ := json.Marshal(f.config)
		var obj map[string]any
		_ = json.Unmarshal(b, &obj)
		maps.Copy(obj, f.opts.APIService)
		b, _ = json.Marshal(obj)
		_ = json.Unmarshal(b, &f.config)
	}
	f.segments = makeSegments(f.opts.Segments)
	if f.opts.SegmentList != nil {
		f.segments = nil
		for i, s := range f.opts.SegmentList {
			f.segments = append(f.segments, fixSegment(s, i))
		}
		sort.Slice(f.segments, func(a, b int) bool { return f.segments[a].DisplayName < f.segments[b].DisplayName })
	}
	f.Forget()
	f.lastPut = nil
	f.tampers = nil
	f.resetObjects()
	f.resetPolicy()
	f.oidc = map[string]map[string]any{}
	f.infraErr = f.startingInfra()
	f.resetServices()
	f.vip = [2]string{}
	f.users = f.defaultUsers()
	f.bindings = defaultBindings(f.opts.Username)
	f.principals, f.certs, f.revoked, f.owners = map[string]*principal{}, map[string]*storedCert{}, map[string]bool{}, map[string]string{}
}

// Reset implements fakemanager.App.
func (f *Fake) Reset() { f.reset() }

// ExpireSessions implements fakemanager.App.
func (f *Fake) ExpireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.sessions {
		f.sessions[i] = map[string]*session{}
	}
}

// ExpireNodeSessions implements fakemanager.NodeSessionExpirer: a node's API service
// restart ends that node's sessions only.
func (f *Fake) ExpireNodeSessions(node int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[node] = map[string]*session{}
}

// ActiveSessions implements fakemanager.App.
func (f *Fake) ActiveSessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepIdle(time.Now())
	n := 0
	for i := range f.sessions {
		n += len(f.sessions[i])
	}
	return n
}

// sweepIdle ends every session idle beyond the timeout in force (f.mu held). Expiry is
// otherwise judged when a session is used; NSX ends a session when it lapses, so a later,
// longer timeout must not bring it back: the api-service write sweeps before it applies one.
func (f *Fake) sweepIdle(now time.Time) {
	for i := range f.sessions {
		for id, s := range f.sessions[i] {
			if f.idledOut(s, now) {
				delete(f.sessions[i], id)
			}
		}
	}
}

// idleTimeout is the configured override, else the api-service session_timeout (0: none).
func (f *Fake) idleTimeout() time.Duration {
	if f.opts.Idle > 0 {
		return f.opts.Idle
	}
	return time.Duration(f.config.SessionTimeout) * time.Second
}

func (f *Fake) idledOut(s *session, now time.Time) bool {
	idle := f.idleTimeout()
	return idle > 0 && now.Sub(s.lastUsed) > idle
}

// Handler implements fakemanager.App.
func (f *Fake) Handler(node int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session/create", func(w http.ResponseWriter, r *http.Request) { f.login(node, w, r) })
	mux.HandleFunc("POST /api/session/destroy", func(w http.ResponseWriter, r *http.Request) { f.logout(node, w, r) })
	mux.HandleFunc("GET /api/v1/cluster/api-service", f.authed(node, f.getAPIService))
	mux.HandleFunc("PUT /api/v1/cluster/api-service", f.authed(node, f.putAPIService))
	mux.HandleFunc("GET /policy/api/v1/infra/segments", f.authed(node, f.listSegments))
	mux.HandleFunc("GET /policy/api/v1/infra/segments/{id}", f.authed(node, f.getSegment))
	mux.HandleFunc("GET /policy/api/v1/search/query", f.authed(node, f.searchQuery))
	mux.HandleFunc("GET /api/v1/node/version", f.authed(node, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"node_version": f.version(), "product_version": f.version()})
	}))
	mux.HandleFunc("GET "+UpgradeNodesPath, f.authed(node, f.upgradeNodes))
	mux.HandleFunc(OIDCPath, f.authed(node, f.serveOIDC))
	mux.HandleFunc(OIDCPath+"/{id}", f.authed(node, f.serveOIDC))
	f.registerObjects(mux, node)
	f.registerServices(mux, node)
	mux.HandleFunc("GET "+VirtualIPPath, f.authed(node, f.virtualIP))
	mux.HandleFunc("POST "+VirtualIPPath, f.authed(node, f.virtualIP))
	mux.HandleFunc("GET "+ClusterStatusPat, f.authed(node, f.clusterStatus))
	banner := bannerDef()
	mux.HandleFunc("GET "+BannerPath, f.authed(node, f.getObject(banner, node)))
	// The write the behaviour takes (see Options.BannerWrite); the others are refused as NSX
	// refuses a method a path does not serve.
	for path, takes := range map[string]bool{BannerPath: f.opts.BannerWrite == BannerWriteNode, BannerWritePath: f.opts.BannerWrite == BannerWritePolicy} {
		for _, m := range []string{"PUT", "POST", "PATCH"} {
			switch {
			case takes && m == "PUT":
				mux.HandleFunc(m+" "+path, f.authed(node, f.putObject(banner, node)))
			default:
				mux.HandleFunc(m+" "+path, f.authed(node, func(w http.ResponseWriter, r *http.Request) {
					apiError(w, http.StatusMethodNotAllowed, errCodeBadRequest, "Method "+r.Method+" is not supported for "+path+".")
				}))
			}
		}
	}
	mux.HandleFunc("GET "+usersPath, f.authed(node, f.listUsers))
	mux.HandleFunc("POST "+usersPath, f.authed(node, f.userAction(node)))
	mux.HandleFunc("GET "+usersPath+"/{userid}", f.authed(node, f.getUser))
	mux.HandleFunc("PUT "+usersPath+"/{userid}", f.authed(node, f.putUser(node)))
	mux.HandleFunc("POST "+usersPath+"/{userid}", f.authed(node, f.userAction(node)))
	mux.HandleFunc("DELETE "+usersPath+"/{userid}", f.authed(node, f.deleteUser))
	mux.HandleFunc("GET "+bindingsPath, f.authed(node, f.listBindings))
	mux.HandleFunc("POST "+bindingsPath, f.authed(node, f.createBinding))
	mux.HandleFunc("GET "+bindingsPath+"/{id}", f.authed(node, f.getBinding))
	mux.HandleFunc("PUT "+bindingsPath+"/{id}", f.authed(node, f.putBinding))
	mux.HandleFunc("DELETE "+bindingsPath+"/{id}", f.authed(node, f.deleteBinding))
	mux.HandleFunc("POST "+principalsPath+"/with-certificate", f.authed(node, f.createPrincipal))
	mux.HandleFunc("GET "+principalsPath, f.authed(node, f.listPrincipals))
	mux.HandleFunc("GET "+principalsPath+"/{id}", f.authed(node, f.getPrincipal))
	mux.HandleFunc("DELETE "+principalsPath+"/{id}", f.authed(node, f.deletePrincipal))
	mux.HandleFunc("GET "+certificatesPath+"/{id}", f.authed(node, f.getCertificate))
	mux.HandleFunc("GET /policy/api/v1/infra", f.authed(node, f.getInfra))
	mux.HandleFunc("PATCH /policy/api/v1/infra", f.authed(node, f.patchInfra))
	for _, c := range PolicyCollections() {
		mux.HandleFunc("/policy/api/v1"+c, f.authed(node, f.servePolicy))
		mux.HandleFunc("/policy/api/v1"+c+"/", f.authed(node, f.servePolicy))
	}
	mux.HandleFunc("/", f.authed(node, func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("The requested URI: %s could not be found.", r.URL.Path))
	}))
	return mux
}

func (f *Fake) login(node int, w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		apiError(w, http.StatusUnsupportedMediaType, errCodeBadRequest, "Content type "+ct+" is not supported; send application/x-www-form-urlencoded.")
		return
	}
	if err := r.ParseForm(); err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, "Malformed form body.")
		return
	}
	user, pass := r.PostForm.Get("j_username"), r.PostForm.Get("j_password")
	if f.opts.LoginLatency > 0 {
		select {
		case <-time.After(f.opts.LoginLatency):
		case <-r.Context().Done():
			return
		}
	}
	now := time.Now()

	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.authenticate(node, user, pass, r.RemoteAddr, now) {
		apiError(w, http.StatusForbidden, errCodeCredentials, credentialsMessage)
		return
	}
	if !f.config.CookieBasedAuthenticationEnabled {
		f.stats.FailedLogins.Add(1)
		apiError(w, http.StatusForbidden, errCodeCredentials, "Cookie-based authentication is disabled.")
		return
	}
	id, xsrf := strings.ToUpper(fakemanager.RandomHex(16)), uuid.NewString()
	f.sessions[node][id] = &session{user: user, xsrf: xsrf, lastUsed: now}
	f.Issue(id, xsrf)
	f.stats.Logins.Add(1)
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.Header().Set("X-XSRF-TOKEN", xsrf)
	w.WriteHeader(http.StatusOK)
}

func (f *Fake) logout(node int, w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.check(node, w, r)
	if !ok {
		return
	}
	delete(f.sessions[node], id)
	f.stats.Logouts.Add(1)
	w.WriteHeader(http.StatusOK)
}

// authenticate checks a user name and password, by session login or HTTP Basic alike,
// against the local users (a deactivated one never gets in). NSX counts failures per node
// and locks the account after the node's api_max_auth_failures within its
// api_failed_auth_reset_period, for its api_failed_auth_lockout_period (0 failures: no
// lockout), whatever the method; a locked account is refused even with the right password,
// and an address among the api-service's lockout_immune_addresses is never locked. f.mu is
// held.
func (f *Fake) authenticate(node int, name, pass, remote string, now time.Time) bool {
	fl := f.failures[node][name]
	if fl != nil && now.Before(fl.lockedUntil) {
		// A locked account answers exactly like a wrong password, by design.
		f.stats.FailedLogins.Add(1)
		f.stats.Add("locked_refusals", 1)
		return false
	}
	u := f.userNamed(name)
	if u == nil || !u.Active || u.Password != pass {
		f.stats.FailedLogins.Add(1)
		f.countFailure(node, name, remote, now)
		return false
	}
	delete(f.failures[node], name)
	return true
}

// countFailure counts a failed authentication of name on node towards its lockout, per the
// node's auth policy (see authenticate). f.mu is held.
func (f *Fake) countFailure(node int, name, remote string, now time.Time) {
	policy := f.policyOf(node)
	maxFailures := num(policy, "api_max_auth_failures")
	if maxFailures == 0 || f.immune(remote) {
		return
	}
	reset := time.Duration(num(policy, "api_failed_auth_reset_period")) * time.Second
	fl := f.failures[node][name]
	if fl == nil || now.Sub(fl.first) > reset {
		fl = &failures{first: now}
		f.failures[node][name] = fl
	}
	fl.count++
	if int64(fl.count) >= maxFailures {
		fl.lockedUntil = now.Add(time.Duration(num(policy, "api_failed_auth_lockout_period")) * time.Second)
		f.stats.Add("lockouts", 1)
	}
}

// Locked reports whether user is locked out on node now.
func (f *Fake) Locked(node int, user string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.failures[node][user]
	return fl != nil && time.Now().Before(fl.lockedUntil)
}

// Control implements fakemanager.Control: GET /_fake/api-service/last-put answers the body of
// the last PUT to the api-service exactly as received (204 when there was none); POST
// /_fake/client-certificate?cn=NAME issues a client certificate and key from the fake's CA.
func (f *Fake) Control(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/_fake/client-certificate" && r.Method == http.MethodPost && f.ca != nil {
		// A client certificate from the fake's CA and its key, for a principal identity
		// to register (a module test's fixture; NSX itself takes any certificate).
		cert, key, err := f.ca.ClientCertificate(r.URL.Query().Get("cn"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return true
		}
		writeJSON(w, http.StatusOK, map[string]string{"certificate_pem": string(cert), "private_key_pem": string(key)})
		return true
	}
	if r.URL.Path == "/_fake/tamper" && r.Method == http.MethodPost {
		var t Tamper
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&t); err != nil || t.Path == "" || t.Field == "" {
			http.Error(w, "want {\"path\", \"node\", \"field\", \"value\"}", http.StatusBadRequest)
			return true
		}
		f.TamperAfterWrite(t)
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	if r.URL.Path != "/_fake/api-service/last-put" || r.Method != http.MethodGet {
		return false
	}
	body := f.LastPut()
	if body == nil {
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
	return true
}

// LastPut is the body of the last PUT to the api-service, as received.
func (f *Fake) LastPut() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.lastPut...)
}

// check authenticates r against node's own session table; f.mu is held. It writes the
// document's 403 and returns false when the cookie or the XSRF token does not hold.
func (f *Fake) check(node int, w http.ResponseWriter, r *http.Request) (string, bool) {
	if user, pass, ok := r.BasicAuth(); ok && f.config.BasicAuthenticationEnabled {
		if f.authenticate(node, user, pass, r.RemoteAddr, time.Now()) {
			return "", true
		}
		apiError(w, http.StatusForbidden, errCodeCredentials, credentialsMessage)
		return "", false
	}
	c, err := r.Cookie("JSESSIONID")
	if err != nil && r.Header.Get("Authorization") == "" {
		if p, shown := f.principalOf(r); shown {
			if p == nil {
				// Refused like bad credentials; no account's failure count moves.
				f.stats.Add("certificate_refusals", 1)
				apiError(w, http.StatusForbidden, errCodeCredentials, credentialsMessage)
				return "", false
			}
			f.stats.Add("certificate_requests", 1)
			return "pi:" + p.ID, true
		}
	}
	if err != nil {
		f.stats.Add("rejected_requests", 1)
		apiError(w, http.StatusForbidden, errCodeCredentials, credentialsMessage)
		return "", false
	}
	s := f.sessions[node][c.Value]
	now := time.Now()
	if s != nil && f.idledOut(s, now) {
		delete(f.sessions[node], c.Value)
		s = nil
	}
	if s == nil {
		// Unknown here: never issued, destroyed, idled out, or issued by another node.
		f.stats.Add("rejected_requests", 1)
		apiError(w, http.StatusForbidden, errCodeCredentials, credentialsMessage)
		return "", false
	}
	if r.Header.Get("X-XSRF-TOKEN") != s.xsrf {
		f.stats.Add("rejected_requests", 1)
		apiError(w, http.StatusForbidden, errCodeBadXSRF, xsrfMessage)
		return "", false
	}
	s.lastUsed = now
	return c.Value, true
}

func (f *Fake) authed(node int, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		id, ok := f.check(node, w, r)
		who := f.caller(node, id, r)
		denied := ok && r.Method != http.MethodGet && f.readOnly(who)
		if denied {
			f.stats.Add("permission_refusals", 1)
		}
		owner := ""
		if ok && !denied {
			if owner = f.protectedBy(r, who); owner != "" {
				f.stats.Add("protected_refusals", 1)
			}
		}
		pi := f.principals[strings.TrimPrefix(id, "pi:")]
		f.mu.Unlock()
		switch {
		case denied:
			// A valid session without the role for it: NSX's permission error, not its
			// session error (another error_code), so that no client takes it for expiry.
			apiError(w, http.StatusForbidden, errCodePermission, "The user does not have permission to perform this operation.")
		case owner != "":
			protectedError(w, who, owner)
		case ok && r.Method == http.MethodGet:
			f.withProtection(w, r, who, h)
		case ok:
			rec := &recorder{ResponseWriter: w}
			h(rec, r)
			if refusedWrite(rec.status) {
				f.stats.Add("rejected_writes", 1)
			}
			f.own(r, pi, rec)
		}
	}
}

// caller is who sent r, whose session id (or HTTP Basic) check took (f.mu held).
func (f *Fake) caller(node int, id string, r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok {
		return user
	}
	if p := f.principals[strings.TrimPrefix(id, "pi:")]; p != nil && strings.HasPrefix(id, "pi:") {
		return p.Name
	}
	if s := f.sessions[node][id]; s != nil {
		return s.user
	}
	return ""
}

// readOnly reports whether user holds only read-only roles (auditor) on "/" (f.mu held).
func (f *Fake) readOnly(user string) bool {
	held := false
	for _, b := range f.bindings {
		if b.Name != user {
			continue
		}
		for _, role := range b.RolesForPaths["/"] {
			if role != "auditor" {
				return false
			}
			held = true
		}
	}
	return held
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{
		"httpStatus":    httpStatusName(status),
		"error_code":    code,
		"module_name":   "common-services",
		"error_message": msg,
	})
}

func httpStatusName(status int) string {
	b := []byte(http.StatusText(status))
	for i, c := range b {
		switch {
		case c == ' ' || c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 32
		}
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
