// Package nsxv is a fake NSX for vSphere Manager held to the NSX-v API-only-user document and
// PROTOCOLS.md section 2: CLI users exist only once created on its "console" (the manager
// starts with admin and api; POST /_fake/cli-users adds one, lower-case names only); an auth
// token from POST /api/2.0/services/auth/token (Basic credentials) used as
// "Authorization: AUTHTOKEN <token>", with an expiry; Basic credentials accepted on every
// call; 403 "VC user does not have any role on NSX Manager" for a user without a role; role
// assignment at /api/2.0/services/usermgmt/role/{userId}?isCli=true in XML with the
// document's statuses and role-scope rules; errors in NSX-v's XML error shape; and the
// version at /api/1.0/appliance-management/global/info.
package nsxv

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts that no primary source settled live here, in one place (see PROTOCOLS.md section 2).
const (
	noRoleMessage = "VC user does not have any role on NSX Manager" // the document
	authFailed    = "Authentication failed. Check the user name and password."
	tokenInvalid  = "The authentication token is invalid or has expired."
	// NSX-v's API guide gives no table of error codes. Two are quoted from real answers by
	// Cloud Foundry's vSphere CPI (cloudfoundry/bosh-vsphere-cpi-release,
	// src/vsphere_cpi/lib/cloud/vsphere/nsx.rb and
	// src/vsphere_cpi/spec/unit/cloud/vsphere/nsx_spec.rb): 202 with HTTP 500,
	// "The requested object : vm-… could not be found" (module core-services), and 300,
	// "Requested member vm-… could not be found for addition to Security Group …". The
	// provider reads a missing object by either HTTP 404 or 202 (both tested:
	// TestNotFoundReadsBothWays) and matches no other NSX-v code: the rest are reported as they
	// come, so their values here are the fake's own (UNCONFIRMED, relied on by nothing).
	errCodeNotFound = 202
	errCodeExists   = 203 // the fake's own; the provider reads "already has a role" too
	errCodeAuth     = 1
	errCodeBadInput = 300 // the CPI's code for a request naming what NSX-v cannot use; the fake's for any bad input
	errCodeNoDelete = 209
	errCodeNoPerm   = 125023
	moduleName      = "core-services"
	// TokenLifetime is NSX-v's default token lifetime.
	TokenLifetime = 90 * time.Minute
)

// Roles NSX-v knows, and the ones releases after 6.2 allow for CLI users.
var (
	Roles    = []string{"super_user", "vshield_admin", "enterprise_admin", "security_admin", "auditor"}
	cliRoles = map[string]bool{"super_user": true, "security_admin": true, "auditor": true}
	scoped   = map[string]bool{"security_admin": true, "auditor": true}
	// Inventory is the objects a role's scope may name.
	Inventory = []string{"globalroot-0", "datacenter-2", "datacenter-21", "securitygroup-10", "edge-1"}
)

var userName = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,31}$`)

// Options shape the fake.
type Options struct {
	Username string // the admin account
	Password string
	// APIPassword is the password of the console user "api" the manager starts with.
	APIPassword string
	// Major, Minor, Patch and Build are the version global/info reports. Before 6.3 CLI users
	// may hold any role; from 6.4 the token endpoint exists.
	Major, Minor, Patch int
	Build               string
	// NoTokenEndpoint plays a manager older than 6.4: the token endpoint answers 404.
	NoTokenEndpoint bool
	// TokenLifetime overrides the 90-minute default.
	TokenLifetime time.Duration
	// CLIUsers are console users the manager starts with beside admin and api (a fixture).
	CLIUsers []CLIUser
}

// CLIUser is a local user created on the NSX Manager console, with its role if it has one.
type CLIUser struct {
	UserID      string   `json:"user_id"`
	Password    string   `json:"password"`
	Role        string   `json:"role,omitempty"`
	ResourceIDs []string `json:"resource_ids,omitempty"`
}

// Fake is the NSX-v application.
type Fake struct {
	// Secrets lists what it handed out, under a lock of its own.
	fakemanager.Secrets

	opts  Options
	stats *fakemanager.Stats

	mu     sync.Mutex
	users  map[string]*cliUser
	tokens map[string]*token
}

type cliUser struct {
	password  string
	role      string
	resources []string
}

type token struct {
	user    string
	expires time.Time
}

// Start runs the fake on one node.
func Start(o Options, so fakemanager.Options) (*Fake, *fakemanager.Server, error) {
	if o.Major == 0 {
		o.Major, o.Minor, o.Patch, o.Build = 6, 4, 14, "20609341"
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = TokenLifetime
	}
	if o.APIPassword == "" {
		o.APIPassword = "Api&Pass-123"
	}
	f := &Fake{opts: o, stats: &fakemanager.Stats{}}
	return fakemanager.StartOne("nsxv", f, f.stats, so)
}

// Reset implements fakemanager.App: data and sessions as a fresh manager has them (StartOne
// calls it before serving).
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users = map[string]*cliUser{
		f.opts.Username: {password: f.opts.Password, role: "super_user"},
		"api":           {password: f.opts.APIPassword},
	}
	for _, u := range f.opts.CLIUsers {
		f.users[u.UserID] = &cliUser{password: u.Password, role: u.Role, resources: u.ResourceIDs}
	}
	f.tokens = map[string]*token{}
	f.Forget()
}

// ExpireSessions implements fakemanager.App: every token stops working.
func (f *Fake) ExpireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]*token{}
}

// ActiveSessions implements fakemanager.App: tokens not yet expired.
func (f *Fake) ActiveSessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, t := range f.tokens {
		if time.Now().Before(t.expires) {
			n++
		}
	}
	return n
}

// Control implements fakemanager.Controller: POST /_fake/cli-users {"user_id": "x",
// "password": "y"} creates a user on the console, as `user x password plaintext y` and
// `user x privilege web-interface` would.
func (f *Fake) Control(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/_fake/cli-users" || r.Method != http.MethodPost {
		return false
	}
	var in struct {
		UserID   string `json:"user_id"`
		Password string `json:"password"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
		return true
	}
	if err := f.AddCLIUser(in.UserID, in.Password); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return true
	}
	w.WriteHeader(http.StatusCreated)
	return true
}

// AddCLIUser creates a user on the console. Like the console, it refuses upper-case letters.
func (f *Fake) AddCLIUser(name, password string) error {
	if !userName.MatchString(name) {
		// The console's own words are cryptic; these are not.
		return fmt.Errorf("%% Invalid user name %q: lower-case letters, digits, '_', '.' and '-' only, starting with a letter", name)
	}
	if password == "" {
		password = "Cli&User-123"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users[name] != nil {
		return fmt.Errorf("%% User %s already exists", name)
	}
	f.users[name] = &cliUser{password: password}
	return nil
}

// Role returns the role and scope of user as stored.
func (f *Fake) Role(user string) (role string, resources []string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[user]
	if u == nil || u.role == "" {
		return "", nil, false
	}
	return u.role, append([]string(nil), u.resources...), true
}

// SetRole changes a role as an administrator in the vSphere Web Client would ("" removes it).
func (f *Fake) SetRole(user, role string, resources []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.users[user]; u != nil {
		u.role, u.resources = role, resources
		f.endSessionsOf(user)
	}
}

// endSessionsOf ends user's tokens, as a role change does; f.mu is held.
func (f *Fake) endSessionsOf(user string) {
	for id, t := range f.tokens {
		if t.user == user {
			delete(f.tokens, id)
		}
	}
}

// Handler implements fakemanager.App.
func (f *Fake) Handler(int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/2.0/services/auth/token", f.issueToken)
	mux.HandleFunc("GET /api/1.0/appliance-management/global/info", f.authed(f.globalInfo))
	mux.HandleFunc("/api/2.0/services/usermgmt/role/{userId}", f.authed(f.role))
	mux.HandleFunc("/", f.authed(func(w http.ResponseWriter, r *http.Request, _ string) {
		xmlError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("The requested URI %s was not found.", r.URL.Path))
	}))
	return mux
}

func (f *Fake) issueToken(w http.ResponseWriter, r *http.Request) {
	if f.opts.NoTokenEndpoint {
		// What a 6.3 manager's servlet container answers for an unknown path.
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><head><title>Error 404 - Not Found</title></head><body>Not Found</body></html>")
		return
	}
	user, pass, ok := r.BasicAuth()
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[user]
	if !ok || u == nil || u.password != pass {
		f.stats.FailedLogins.Add(1)
		xmlError(w, http.StatusForbidden, errCodeAuth, authFailed)
		return
	}
	if u.role == "" {
		f.stats.FailedLogins.Add(1)
		xmlError(w, http.StatusForbidden, errCodeNoPerm, noRoleMessage)
		return
	}
	lifetime := f.opts.TokenLifetime
	if m := r.URL.Query().Get("expiresInMinutes"); m != "" {
		var n int
		if _, err := fmt.Sscan(m, &n); err != nil || n < 1 || n > 24*60 {
			xmlError(w, http.StatusBadRequest, errCodeBadInput, "expiresInMinutes must be between 1 and 1440.")
			return
		}
		lifetime = time.Duration(n) * time.Minute
	}
	id := jwtLike(user)
	expires := time.Now().Add(lifetime)
	f.tokens[id] = &token{user: user, expires: expires}
	f.Issue(id)
	f.stats.Logins.Add(1)
	writeXML(w, http.StatusOK, authToken{Value: id, ExpiresOn: expires.UnixMilli()})
}

// authed admits a request carrying a valid token or valid Basic credentials of a user with a
// role, and passes the user on.
func (f *Fake) authed(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		f.mu.Lock()
		user, status, msg := f.authenticate(auth, r)
		f.mu.Unlock()
		if status != 0 {
			f.stats.Add("rejected_requests", 1)
			code := errCodeAuth
			if msg == noRoleMessage {
				code = errCodeNoPerm
			}
			xmlError(w, status, code, msg)
			return
		}
		h(w, r, user)
	}
}

// authenticate checks an Authorization header; f.mu is held.
func (f *Fake) authenticate(auth string, r *http.Request) (user string, status int, msg string) {
	scheme, value, _ := strings.Cut(auth, " ")
	switch strings.ToUpper(scheme) {
	case "AUTHTOKEN":
		t := f.tokens[value]
		if t == nil || time.Now().After(t.expires) {
			delete(f.tokens, value)
			return "", http.StatusForbidden, tokenInvalid
		}
		if u := f.users[t.user]; u == nil || u.role == "" {
			return "", http.StatusForbidden, noRoleMessage
		}
		return t.user, 0, ""
	case "BASIC":
		name, pass, ok := r.BasicAuth()
		u := f.users[name]
		f.stats.Add("basic_requests", 1)
		if !ok || u == nil || u.password != pass {
			f.stats.FailedLogins.Add(1)
			return "", http.StatusForbidden, authFailed
		}
		if u.role == "" {
			return "", http.StatusForbidden, noRoleMessage
		}
		return name, 0, ""
	}
	return "", http.StatusForbidden, authFailed
}

func (f *Fake) globalInfo(w http.ResponseWriter, _ *http.Request, user string) {
	writeXML(w, http.StatusOK, GlobalInfo{
		CurrentLoggedInUser: user,
		VersionInfo:         VersionInfo{Major: f.opts.Major, Minor: f.opts.Minor, Patch: f.opts.Patch, Build: f.opts.Build},
	})
}

func (f *Fake) role(w http.ResponseWriter, r *http.Request, caller string) {
	userID := r.PathValue("userId")
	isCli := r.URL.Query().Get("isCli") == "true"
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/xml" {
			xmlError(w, http.StatusUnsupportedMediaType, errCodeBadInput, "Unsupported Media Type: send Content-Type application/xml.")
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method != http.MethodGet {
		if cu := f.users[caller]; cu == nil || (cu.role != "super_user" && cu.role != "enterprise_admin") {
			xmlError(w, http.StatusForbidden, errCodeNoPerm, fmt.Sprintf("User %s does not have permission to manage roles.", caller))
			return
		}
	}
	u := f.users[userID]
	if u == nil || (!isCli && r.Method != http.MethodGet) {
		// Without isCli=true the name is looked up among vCenter users, where CLI users are not.
		xmlError(w, http.StatusNotFound, errCodeNotFound,
			fmt.Sprintf("The requested object : %s could not be found. Object identifiers are case sensitive.", userID))
		return
	}
	switch r.Method {
	case http.MethodGet:
		if u.role == "" {
			xmlError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("User %s has no role assigned on NSX Manager.", userID))
			return
		}
		writeXML(w, http.StatusOK, entryOf(u.role, u.resources))
	case http.MethodPost, http.MethodPut:
		var in AccessControlEntry
		if err := xml.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
			xmlError(w, http.StatusBadRequest, errCodeBadInput, "The request body is not a valid accessControlEntry: "+err.Error())
			return
		}
		if r.Method == http.MethodPost && u.role != "" {
			xmlError(w, http.StatusBadRequest, errCodeExists, fmt.Sprintf("User %s already has a role assigned on NSX Manager.", userID))
			return
		}
		if r.Method == http.MethodPut && u.role == "" {
			xmlError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("User %s has no role assigned on NSX Manager.", userID))
			return
		}
		resources, status, msg := f.checkEntry(in)
		if status != 0 {
			f.stats.Add("rejected_writes", 1)
			xmlError(w, status, errCodeBadInput, msg)
			return
		}
		u.role, u.resources = in.Role, resources
		f.stats.Add("role_writes", 1)
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		// Changing a role ends the user's ongoing sessions (the Web Client warns so).
		f.endSessionsOf(userID)
		writeXML(w, http.StatusOK, entryOf(u.role, u.resources))
	case http.MethodDelete:
		if u.role == "" {
			xmlError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("User %s has no role assigned on NSX Manager.", userID))
			return
		}
		// Role deletion works for vCenter users only; every user here is a local CLI user.
		f.stats.Add("refused_deletes", 1)
		xmlError(w, http.StatusBadRequest, errCodeNoDelete,
			fmt.Sprintf("The role of local user %s cannot be deleted.", userID))
	default:
		w.Header().Set("Allow", "GET, POST, PUT, DELETE")
		xmlError(w, http.StatusMethodNotAllowed, errCodeBadInput, "Method not allowed.")
	}
}

// checkEntry applies the role-scope rules; f.mu is held.
func (f *Fake) checkEntry(in AccessControlEntry) ([]string, int, string) {
	known := false
	for _, r := range Roles {
		known = known || r == in.Role
	}
	if !known {
		return nil, http.StatusBadRequest, fmt.Sprintf("Invalid role %q. Valid roles: %s.", in.Role, strings.Join(Roles, ", "))
	}
	if (f.opts.Major > 6 || (f.opts.Major == 6 && f.opts.Minor > 2)) && !cliRoles[in.Role] {
		return nil, http.StatusBadRequest, fmt.Sprintf("Role %s cannot be assigned to a CLI user; use auditor, security_admin or super_user.", in.Role)
	}
	var ids []string
	for _, r := range in.Resources {
		ids = append(ids, r.IDs...)
	}
	if !scoped[in.Role] {
		if len(ids) > 0 {
			return nil, http.StatusBadRequest, fmt.Sprintf("Role %s applies to the whole system; a resource scope is accepted only for auditor and security_admin.", in.Role)
		}
		return nil, 0, ""
	}
	if len(ids) == 0 {
		return nil, http.StatusBadRequest, fmt.Sprintf("Role %s needs a resource scope (resourceId), e.g. globalroot-0.", in.Role)
	}
	for _, id := range ids {
		found := false
		for _, o := range Inventory {
			found = found || o == id
		}
		if !found {
			return nil, http.StatusNotFound, fmt.Sprintf("The requested object : %s could not be found. Object identifiers are case sensitive.", id)
		}
	}
	return ids, 0, ""
}

// AccessControlEntry is the role body of the usermgmt API.
type AccessControlEntry struct {
	XMLName   xml.Name   `xml:"accessControlEntry"`
	Role      string     `xml:"role"`
	Resources []Resource `xml:"resource,omitempty"`
}

// Resource is a role's scope.
type Resource struct {
	IDs []string `xml:"resourceId"`
}

func entryOf(role string, ids []string) AccessControlEntry {
	e := AccessControlEntry{Role: role}
	if scoped[role] && len(ids) > 0 {
		e.Resources = []Resource{{IDs: ids}}
	}
	return e
}

type authToken struct {
	XMLName   xml.Name `xml:"authToken"`
	Value     string   `xml:"value"`
	ExpiresOn int64    `xml:"expiresOn"`
}

// GlobalInfo is the answer of GET /api/1.0/appliance-management/global/info.
type GlobalInfo struct {
	XMLName             xml.Name    `xml:"globalInfo"`
	CurrentLoggedInUser string      `xml:"currentLoggedInUser"`
	VersionInfo         VersionInfo `xml:"versionInfo"`
}

// VersionInfo is the version part of GlobalInfo.
type VersionInfo struct {
	Major int    `xml:"majorVersion"`
	Minor int    `xml:"minorVersion"`
	Patch int    `xml:"patchVersion"`
	Build string `xml:"buildNumber"`
}

type xmlErr struct {
	XMLName xml.Name `xml:"error"`
	Details string   `xml:"details"`
	Code    int      `xml:"errorCode"`
	Module  string   `xml:"moduleName"`
}

func xmlError(w http.ResponseWriter, status, code int, details string) {
	writeXML(w, status, xmlErr{Details: details, Code: code, Module: moduleName})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(v)
}

// jwtLike makes an opaque token shaped like the JWT NSX-v issues.
func jwtLike(user string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":%q,"iat":%d}`, user, time.Now().Unix())))
	return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(b)
}
