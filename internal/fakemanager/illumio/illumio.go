// Package illumio is a fake Illumio PCE held to the session-credentials document and
// PROTOCOLS.md section 5: the two-step login (login_users/authenticate answering an auth
// token valid 30 seconds, users/login trading it for auth_username and session_token, used
// as Basic credentials), session tokens that idle out after 10 minutes, persistent API keys,
// logout; labels with the documented filters, the 500-item cap of synchronous answers,
// X-Total-Count, max_results and the async collection flow; 429 above 500 requests a minute
// per credential; header names matched case-insensitively and sent in lower case; and error
// bodies as the PCE sends them.
package illumio

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"golang.org/x/time/rate"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts that no primary source settled live here, in one place (see PROTOCOLS.md section 5).
const (
	AuthTokenTTL = 30 * time.Second
	Idle         = 10 * time.Minute
	SyncCap      = 500
	// RatePerMinute is the documented per-credential limit.
	RatePerMinute = 500
	Version       = "23.5.10"
	Build         = 2781
	userHref      = "/users/4"
	authUsername  = "user_4"
)

// LabelKeys are the label types the fake PCE knows (the four built-in dimensions and one
// custom type).
var LabelKeys = []string{"role", "app", "env", "loc", "bu"}

// Options shape the fake.
type Options struct {
	Email    string
	Password string
	// APIKeyUsername and APIKeySecret are a persistent API key.
	APIKeyUsername string
	APIKeySecret   string
	// Orgs the user belongs to (default: org 1).
	Orgs []int64
	// Labels is how many labels org 1 starts with.
	Labels       int
	AuthTokenTTL time.Duration
	Idle         time.Duration
	// JobDelay is how long an async job runs; JobRetryAfter the Retry-After it advertises.
	JobDelay      time.Duration
	JobRetryAfter int
	// LabelList, when set, are the labels org 1 starts with instead of Labels made-up ones
	// (a fixture).
	LabelList []LabelFixture
	// Location is the form of the async answer's Location header, one of the two the PCE
	// documents: LocationRelative ("/orgs/1/jobs/<uuid>", the oldest document's, default) or
	// LocationAbsolute ("https://<pce>/api/v2/orgs/1/jobs/<uuid>").
	Location string
}

// The documented forms of an async answer's Location.
const (
	LocationRelative = "relative"
	LocationAbsolute = "absolute"
)

// Fake is the PCE application.
type Fake struct {
	// Secrets lists what it handed out, under a lock of its own.
	fakemanager.Secrets

	opts  Options
	stats *fakemanager.Stats

	mu         sync.Mutex
	authTokens map[string]time.Time
	sessions   *fakemanager.IdleSessions // by session_token
	limiters   map[string]*rate.Limiter
	labels     map[int64][]*label // by org
	nextID     int64
	jobs       map[string]*job
	files      map[string][]byte
}

type label struct {
	ID                    int64  `json:"-"`
	Href                  string `json:"href"`
	Key                   string `json:"key"`
	Value                 string `json:"value"`
	Deleted               bool   `json:"deleted"`
	ExternalDataSet       string `json:"external_data_set,omitempty"`
	ExternalDataReference string `json:"external_data_reference,omitempty"`
	CreatedAt             string `json:"created_at"`
	UpdatedAt             string `json:"updated_at"`
	CreatedBy             href   `json:"created_by"`
	UpdatedBy             href   `json:"updated_by"`
}

type href struct {
	Href string `json:"href"`
}

type job struct {
	org     int64
	path    string
	readyAt time.Time
	data    []byte
	at      time.Time
}

// Start runs the fake on one node.
func Start(o Options, so fakemanager.Options) (*Fake, *fakemanager.Server, error) {
	if len(o.Orgs) == 0 {
		o.Orgs = []int64{1}
	}
	if o.AuthTokenTTL <= 0 {
		o.AuthTokenTTL = AuthTokenTTL
	}
	if o.Idle <= 0 {
		o.Idle = Idle
	}
	if o.JobRetryAfter == 0 {
		o.JobRetryAfter = 5
	}
	f := &Fake{opts: o, stats: &fakemanager.Stats{}, sessions: fakemanager.NewIdleSessions(o.Idle)}
	return fakemanager.StartOne("illumio", f, f.stats, so)
}

// Reset implements fakemanager.App: data and sessions as a fresh manager has them (StartOne
// calls it before serving).
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.authTokens, f.limiters = map[string]time.Time{}, map[string]*rate.Limiter{}
	f.sessions.Clear()
	f.jobs, f.files = map[string]*job{}, map[string][]byte{}
	f.Forget()
	f.labels, f.nextID = map[int64][]*label{}, 0
	if f.opts.LabelList != nil {
		for _, l := range f.opts.LabelList {
			f.add(1, l.Key, l.Value, l.ExternalDataSet, l.ExternalDataReference)
		}
		return
	}
	for i := 0; i < f.opts.Labels; i++ {
		key := LabelKeys[i%4]
		f.add(1, key, fmt.Sprintf("%s-%04d", key, i), "", "")
	}
}

// LabelFixture is a label a fixture puts into org 1.
type LabelFixture struct {
	Key                   string `json:"key"`
	Value                 string `json:"value"`
	ExternalDataSet       string `json:"external_data_set,omitempty"`
	ExternalDataReference string `json:"external_data_reference,omitempty"`
}

// add stores a label; f.mu is held.
func (f *Fake) add(org int64, key, value, set, ref string) *label {
	f.nextID++
	now := time.Now().UTC().Format(time.RFC3339Nano)
	l := &label{ID: f.nextID, Href: fmt.Sprintf("/orgs/%d/labels/%d", org, f.nextID), Key: key, Value: value,
		ExternalDataSet: set, ExternalDataReference: ref, CreatedAt: now, UpdatedAt: now,
		CreatedBy: href{userHref}, UpdatedBy: href{userHref}}
	f.labels[org] = append(f.labels[org], l)
	return l
}

// ExpireSessions implements fakemanager.App.
func (f *Fake) ExpireSessions() { f.sessions.Clear() }

// ActiveSessions implements fakemanager.App.
func (f *Fake) ActiveSessions() int { return f.sessions.Active() }

// Label returns the stored label with id in org 1.
func (f *Fake) Label(id string) (key, value string, deleted, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.labels[1] {
		if strconv.FormatInt(l.ID, 10) == id {
			return l.Key, l.Value, l.Deleted, true
		}
	}
	return "", "", false, false
}

// DeleteLabel marks a label deleted, as someone in the PCE's web console would.
func (f *Fake) DeleteLabel(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.labels[1] {
		if strconv.FormatInt(l.ID, 10) == id {
			l.Deleted = true
		}
	}
}

// SetValue changes a label's value, as someone in the web console would.
func (f *Fake) SetValue(id, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.labels[1] {
		if strconv.FormatInt(l.ID, 10) == id {
			l.Value = value
		}
	}
}

// Handler implements fakemanager.App.
func (f *Fake) Handler(int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/login_users/authenticate", f.authenticate)
	mux.HandleFunc("GET /api/v2/users/login", f.usersLogin)
	mux.HandleFunc("PUT /api/v2/users/{id}/logout", f.authed(f.logout))
	mux.HandleFunc("GET /api/v2/product_version", f.authed(f.productVersion))
	mux.HandleFunc("GET /api/v2/orgs/{org}/labels", f.authed(f.inOrg(f.listLabels)))
	mux.HandleFunc("POST /api/v2/orgs/{org}/labels", f.authed(f.inOrg(f.createLabel)))
	mux.HandleFunc("/api/v2/orgs/{org}/labels/{id}", f.authed(f.inOrg(f.label)))
	mux.HandleFunc("GET /api/v2/orgs/{org}/jobs/{id}", f.authed(f.inOrg(f.job)))
	mux.HandleFunc("GET /api/v2/orgs/{org}/datafiles/{id}", f.authed(f.inOrg(f.datafile)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pceError(w, http.StatusNotFound, "not_found", "No route matches "+r.URL.Path)
	})
	return mux
}

func (f *Fake) authenticate(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("pce_fqdn") == "" {
		pceError(w, http.StatusBadRequest, "pce_fqdn_required", "The pce_fqdn query parameter is required.")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.opts.Email || pass != f.opts.Password {
		f.stats.FailedLogins.Add(1)
		pceError(w, http.StatusUnauthorized, "authentication_failed", "Invalid email or password")
		return
	}
	token := fakemanager.RandomHex(20)
	f.mu.Lock()
	f.authTokens[token] = time.Now().Add(f.opts.AuthTokenTTL)
	f.Issue(token)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"auth_token": token})
}

func (f *Fake) usersLogin(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("authorization"), "Token token=")
	f.mu.Lock()
	expires, known := f.authTokens[token]
	delete(f.authTokens, token) // single use
	f.mu.Unlock()
	if !ok || !known || time.Now().After(expires) {
		f.stats.FailedLogins.Add(1)
		f.stats.Add("late_auth_tokens", 1)
		pceError(w, http.StatusUnauthorized, "invalid_auth_token", "The authentication token is invalid or has expired")
		return
	}
	st := f.sessions.Login(&f.Secrets, f.stats, 20)
	var orgs []map[string]any
	for _, id := range f.opts.Orgs {
		orgs = append(orgs, map[string]any{"org_id": id, "org_href": fmt.Sprintf("/orgs/%d", id), "display_name": fmt.Sprintf("Org %d", id)})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"full_name": "Network Operations", "local": true, "type": "local", "href": userHref,
		"auth_username": authUsername, "session_token": st, "inactivity_expiration_minutes": int(f.opts.Idle.Minutes()),
		"time_zone": "UTC", "orgs": orgs, "product_version": map[string]any{"version": Version, "build": Build},
	})
}

// authed admits Basic credentials that are a live session (auth_username:session_token) or
// the API key, and enforces 500 requests a minute per credential.
func (f *Fake) authed(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, secret, ok := r.BasicAuth()
		cred := ""
		f.mu.Lock()
		switch {
		case !ok:
		case f.opts.APIKeyUsername != "" && user == f.opts.APIKeyUsername && secret == f.opts.APIKeySecret:
			cred = user
			f.stats.Add("api_key_requests", 1)
		case user == authUsername && f.sessions.Use(secret):
			cred = secret
		}
		var lim *rate.Limiter
		if cred != "" {
			lim = f.limiters[cred]
			if lim == nil {
				lim = rate.NewLimiter(rate.Limit(RatePerMinute)/60, RatePerMinute)
				f.limiters[cred] = lim
			}
		}
		f.mu.Unlock()
		if cred == "" {
			f.stats.Add("rejected_requests", 1)
			pceError(w, http.StatusUnauthorized, "authentication_failed", "Authentication failed: invalid or expired credentials")
			return
		}
		if !lim.Allow() {
			f.stats.Add("rate_limited", 1)
			pceError(w, http.StatusTooManyRequests, "too_many_requests", "API rate limit of 500 requests per minute exceeded")
			return
		}
		h(w, r, cred)
	}
}

func (f *Fake) logout(w http.ResponseWriter, r *http.Request, cred string) {
	if "/users/"+r.PathValue("id") != userHref {
		pceError(w, http.StatusForbidden, "forbidden", "Cannot log out another user")
		return
	}
	if !f.sessions.End(cred) {
		pceError(w, http.StatusBadRequest, "api_key_logout", "API keys cannot log out")
		return
	}
	f.stats.Logouts.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) productVersion(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, map[string]any{
		"version": Version, "build": Build, "long_display": fmt.Sprintf("%s-%d", Version, Build),
		"short_display": Version, "engineering_info": nil, "release_info": "GA",
	})
}

// inOrg serves h for a path under /orgs/{org}, with the organization, where the PCE has it;
// any other organization gets the PCE's 403.
func (f *Fake) inOrg(h func(http.ResponseWriter, *http.Request, int64)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, _ string) {
		if org, ok := f.org(w, r); ok {
			h(w, r, org)
		}
	}
}

func (f *Fake) org(w http.ResponseWriter, r *http.Request) (int64, bool) {
	org, err := strconv.ParseInt(r.PathValue("org"), 10, 64)
	known := false
	for _, o := range f.opts.Orgs {
		known = known || o == org
	}
	if err != nil || !known {
		pceError(w, http.StatusForbidden, "access_denied", fmt.Sprintf("No access to organization %s", r.PathValue("org")))
		return 0, false
	}
	return org, true
}

// matching applies the documented filters; f.mu is held.
func (f *Fake) matching(org int64, q map[string][]string) []*label {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	key, value := get("key"), strings.ToLower(get("value"))
	withDeleted := get("include_deleted") == "true"
	var out []*label
	for _, l := range f.labels[org] {
		if (key != "" && l.Key != key) || (value != "" && !strings.Contains(strings.ToLower(l.Value), value)) || (l.Deleted && !withDeleted) {
			continue
		}
		if ds := get("external_data_set"); ds != "" && l.ExternalDataSet != ds {
			continue
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (f *Fake) listLabels(w http.ResponseWriter, r *http.Request, org int64) {
	limit := SyncCap
	if s := r.URL.Query().Get("max_results"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			pceError(w, http.StatusNotAcceptable, "invalid_max_results", "max_results must be a non-negative integer")
			return
		}
		limit = min(n, SyncCap)
	}
	f.mu.Lock()
	all := f.matching(org, r.URL.Query())
	body, _ := json.Marshal(all)
	f.mu.Unlock()
	if strings.Contains(strings.ToLower(r.Header.Get("prefer")), "respond-async") {
		id := uuid.NewString()
		f.mu.Lock()
		f.jobs[id] = &job{org: org, path: r.URL.Path, readyAt: time.Now().Add(f.opts.JobDelay), data: body, at: time.Now()}
		f.mu.Unlock()
		f.stats.Add("async_jobs", 1)
		h := w.Header()
		loc := fmt.Sprintf("/orgs/%d/jobs/%s", org, id)
		if f.opts.Location == LocationAbsolute {
			loc = "https://" + r.Host + "/api/v2" + loc
		}
		h["location"] = []string{loc}
		h["retry-after"] = []string{strconv.Itoa(f.opts.JobRetryAfter)}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	page := all[:min(limit, len(all))]
	// Header names go out in lower case: clients must match them case-insensitively.
	w.Header()["x-total-count"] = []string{strconv.Itoa(len(all))}
	writeJSON(w, http.StatusOK, page)
}

func (f *Fake) job(w http.ResponseWriter, r *http.Request, org int64) {
	f.mu.Lock()
	j := f.jobs[r.PathValue("id")]
	f.mu.Unlock()
	if j == nil || j.org != org {
		pceError(w, http.StatusNotFound, "not_found", "No such job")
		return
	}
	out := map[string]any{
		"href": fmt.Sprintf("/orgs/%d/jobs/%s", org, r.PathValue("id")), "job_type": ":illumio/async_requests",
		"description": strings.TrimPrefix(j.path, "/api/v2"), "result": map[string]any{}, "status": "running",
		"requested_at": j.at.UTC().Format(time.RFC3339), "requested_by": href{userHref},
	}
	if time.Now().After(j.readyAt) {
		file := uuid.NewString()
		f.mu.Lock()
		f.files[file] = j.data
		f.mu.Unlock()
		out["status"] = "done"
		out["result"] = href{fmt.Sprintf("/orgs/%d/datafiles/%s", org, file)}
	} else {
		w.Header()["retry-after"] = []string{strconv.Itoa(f.opts.JobRetryAfter)}
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) datafile(w http.ResponseWriter, r *http.Request, _ int64) {
	f.mu.Lock()
	data, ok := f.files[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		pceError(w, http.StatusNotFound, "not_found", "No such datafile")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

type labelBody struct {
	Key                   *string `json:"key"`
	Value                 *string `json:"value"`
	ExternalDataSet       *string `json:"external_data_set"`
	ExternalDataReference *string `json:"external_data_reference"`
}

func (f *Fake) decode(w http.ResponseWriter, r *http.Request) (*labelBody, bool) {
	if !strings.HasPrefix(r.Header.Get("content-type"), "application/json") {
		pceError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send Content-Type: application/json")
		return nil, false
	}
	var b labelBody
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		pceError(w, http.StatusNotAcceptable, "input_validation_error", "Invalid body: "+err.Error())
		return nil, false
	}
	return &b, true
}

func (f *Fake) createLabel(w http.ResponseWriter, r *http.Request, org int64) {
	b, ok := f.decode(w, r)
	if !ok {
		return
	}
	if b.Key == nil || b.Value == nil || strings.TrimSpace(*b.Value) == "" {
		pceError(w, http.StatusNotAcceptable, "input_validation_error", "key and value are required")
		return
	}
	known := false
	for _, k := range LabelKeys {
		known = known || k == *b.Key
	}
	if !known {
		pceError(w, http.StatusNotAcceptable, "invalid_label_key", fmt.Sprintf("Label type %q does not exist. Label types: %s", *b.Key, strings.Join(LabelKeys, ", ")))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.labels[org] {
		if !l.Deleted && l.Key == *b.Key && strings.EqualFold(l.Value, *b.Value) {
			pceError(w, http.StatusNotAcceptable, "label_duplicate_value", fmt.Sprintf("Label with key %s and value %s already exists", l.Key, l.Value))
			return
		}
	}
	l := f.add(org, *b.Key, *b.Value, deref(b.ExternalDataSet), deref(b.ExternalDataReference))
	f.stats.Add("label_writes", 1)
	writeJSON(w, http.StatusCreated, l)
}

func (f *Fake) label(w http.ResponseWriter, r *http.Request, org int64) {
	f.mu.Lock()
	var l *label
	for _, x := range f.labels[org] {
		if strconv.FormatInt(x.ID, 10) == r.PathValue("id") {
			l = x
		}
	}
	f.mu.Unlock()
	if l == nil {
		pceError(w, http.StatusNotFound, "not_found", "Label not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		f.mu.Lock()
		body, _ := json.Marshal(l)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	case http.MethodPut:
		b, ok := f.decode(w, r)
		if !ok {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if l.Deleted {
			pceError(w, http.StatusNotAcceptable, "label_deleted", "The label has been deleted")
			return
		}
		if b.Key != nil && *b.Key != l.Key {
			pceError(w, http.StatusNotAcceptable, "label_key_immutable", "The key of a label cannot be changed")
			return
		}
		if b.Value != nil {
			for _, x := range f.labels[org] {
				if x != l && !x.Deleted && x.Key == l.Key && strings.EqualFold(x.Value, *b.Value) {
					pceError(w, http.StatusNotAcceptable, "label_duplicate_value", fmt.Sprintf("Label with key %s and value %s already exists", x.Key, x.Value))
					return
				}
			}
			l.Value = *b.Value
		}
		if b.ExternalDataSet != nil {
			l.ExternalDataSet = *b.ExternalDataSet
		}
		if b.ExternalDataReference != nil {
			l.ExternalDataReference = *b.ExternalDataReference
		}
		l.UpdatedAt = time.Now().UTC().Format(time.RFC3339Nano)
		f.stats.Add("label_writes", 1)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		f.mu.Lock()
		defer f.mu.Unlock()
		if l.Deleted {
			pceError(w, http.StatusNotAcceptable, "label_already_deleted", "The label has already been deleted")
			return
		}
		l.Deleted = true
		f.stats.Add("label_deletes", 1)
		w.WriteHeader(http.StatusNoContent)
	default:
		pceError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed")
	}
}

func pceError(w http.ResponseWriter, status int, token, msg string) {
	writeJSON(w, status, []map[string]string{{"token": token, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header()["x-request-id"] = []string{uuid.NewString()}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
