package nsxt

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
	"unicode"
)

// Who gets in, as the fake NSX holds it: the authentication and password policy of each
// node (GET/PUT /api/v1/node/aaa/auth-policy), whose lockout counts and periods the fake
// enforces per node (a change of the API lockout fields restarts that node's API service);
// the node's properties (/api/v1/node); the login banner (read at /api/v1/loginbanner,
// written at /policy/api/v1/loginbanner); the local users (/api/v1/node/users), kept in the
// cluster's database and so the same on every node (Broadcom KB 419567), with the password
// rules of the node that takes a password; and the role bindings of the policy API.

const (
	AuthPolicyPath  = "/api/v1/node/aaa/auth-policy"
	NodePath        = "/api/v1/node"
	BannerPath      = "/api/v1/loginbanner"
	BannerWritePath = "/policy/api/v1/loginbanner"
	usersPath       = "/api/v1/node/users"
	bindingsPath    = "/policy/api/v1/aaa/role-bindings"
	errCodePassword = 290 // UNCONFIRMED: NSX's code for a password the policy refuses; the provider takes this code or NSX's words (TestUnconfirmedRefusalsReadBothWays)
)

// apiLockoutFields restart a node's API service when written (NSX documents it).
var apiLockoutFields = []string{"api_max_auth_failures", "api_failed_auth_reset_period", "api_failed_auth_lockout_period"}

// authPolicyDef is the node's AuthenticationPolicyProperties. Ranges not in the API reference
// are UNCONFIRMED and kept here, in one place: the fake's own bounds (no document gives them;
// the minimums of 0 and 8 are the API reference's), on which the provider does not rely (its
// plan-time checks are the documented minimums only).
func authPolicyDef() *objectDef {
	credit := intRule(-128, 128) // UNCONFIRMED bound, the fake's own
	return &objectDef{
		path: AuthPolicyPath, schema: "AuthenticationPolicyProperties", perNode: true, status: http.StatusAccepted,
		fields: map[string]rule{
			"api_failed_auth_lockout_period": intRule(0, 9000),
			"api_failed_auth_reset_period":   intRule(0, 9000),
			// The NSX CLI Guide (latest), set auth-policy api max-auth-failures: "in the range of 0
			// to 50"; set auth-policy cli max-auth-failures: "in the range of 0 to 10".
			"api_max_auth_failures":          intRule(0, 50),
			"cli_failed_auth_lockout_period": intRule(0, 9000), // UNCONFIRMED upper bound, the fake's own
			"cli_max_auth_failures":          intRule(0, 10),
			"minimum_password_length":        intRule(8, 128),
			"maximum_password_length":        intRule(8, 128),
			"digits":                         credit, "lower_chars": credit, "upper_chars": credit, "special_chars": credit,
			"max_repeats":          intRule(0, 128), // UNCONFIRMED upper bound, the fake's own
			"max_sequence":         intRule(0, 128), // UNCONFIRMED upper bound, the fake's own
			"minimum_unique_chars": intRule(0, 128), // UNCONFIRMED upper bound, the fake's own
			"password_remembrance": intRule(0, 128), // UNCONFIRMED upper bound, the fake's own
			"hash_algorithm":       enumRule("sha512", "sha256"),
		},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{
				"api_failed_auth_lockout_period": int64(900), "api_failed_auth_reset_period": int64(900), "api_max_auth_failures": int64(5),
				"cli_failed_auth_lockout_period": int64(900), "cli_max_auth_failures": int64(5),
				"minimum_password_length": int64(12), "maximum_password_length": int64(128),
				"digits": int64(-1), "lower_chars": int64(-1), "upper_chars": int64(-1), "special_chars": int64(-1),
				"max_repeats": int64(0), "max_sequence": int64(0), "minimum_unique_chars": int64(0), "password_remembrance": int64(0),
				"hash_algorithm": "sha512",
			}
		},
		written: func(f *Fake, node int, before, after map[string]any) bool {
			for _, k := range apiLockoutFields {
				if before[k] != after[k] {
					return true
				}
			}
			return false
		},
	}
}

// nodeDef is the node's NodeProperties: what a PUT may change, and what it reports.
func nodeDef() *objectDef {
	ro := map[string]bool{}
	for _, k := range []string{"export_type", "kernel_version", "node_type", "node_uuid", "node_version", "product_version",
		"system_datetime", "system_time", "fully_qualified_domain_name"} {
		ro[k] = true
	}
	return &objectDef{
		path: NodePath, schema: "NodeProperties", perNode: true, readOnly: ro,
		fields: map[string]rule{
			// UNCONFIRMED upper bounds, the fake's own (no document gives one); the provider
			// does not rely on them.
			"cli_timeout":         intRule(0, 86400),
			"cli_history_size":    intRule(0, 10000),
			"cli_output_datetime": boolRule(),
			"timezone":            {kind: "string", pattern: timezonePattern},
			"hostname":            {kind: "string", pattern: regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)},
			// CoreDumpConfig, as the SDK's model has it; a fresh manager's values are not
			// documented (the fake's: two files, a ten-minute threshold, no per-process limit).
			"cli_coredump_config": objectRule(map[string]rule{
				"global_file_limit": intRule(0, 100), "global_frequency_threshold": intRule(0, 86400),
				"process_config": stringsRule(objectRule(map[string]rule{"process_name": stringRule(255), "limit": intRule(0, 100)})),
			}),
		},
		defaults: func(f *Fake, node int) map[string]any {
			return map[string]any{
				"cli_timeout": int64(600), "cli_history_size": int64(500), "cli_output_datetime": false, "timezone": "UTC",
				"hostname": fmt.Sprintf("nsx-manager-%d", node+1), "cli_coredump_config": map[string]any{"global_file_limit": int64(2), "global_frequency_threshold": int64(600), "process_config": []any{}},
				"export_type": "UNRESTRICTED", "kernel_version": "5.10.0", "node_type": "NSX Manager",
				"node_uuid":    fmt.Sprintf("4230%04x-74fc-4ec4-bee2-2cb0d59bb%03d", node, node),
				"node_version": f.version(), "product_version": f.version(), "system_datetime": "", "system_time": int64(0),
				"fully_qualified_domain_name": fmt.Sprintf("nsx-manager-%d.example.com", node+1),
			}
		},
	}
}

// timezonePattern is an IANA zone name ("UTC", "Etc/UTC", "Europe/Berlin").
var timezonePattern = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z_+-]+(/[A-Za-z0-9_+-]+){1,2})$`)

// bannerDef is the login banner: the UI's login consent settings, one for the manager.
func bannerDef() *objectDef {
	return &objectDef{
		path: BannerWritePath, schema: "LoginBanner",
		fields: map[string]rule{
			"login_banner_title":         stringRule(255),
			"login_banner_content":       stringRule(64000),
			"login_banner_checkbox_flag": boolRule(),
			"login_banner_status":        boolRule(),
		},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{"login_banner_title": "", "login_banner_content": "", "login_banner_checkbox_flag": false, "login_banner_status": false}
		},
	}
}

// policyOf is node's auth policy (f.mu held).
func (f *Fake) policyOf(node int) map[string]any { return f.object(AuthPolicyPath, node) }

func num(m map[string]any, k string) int64 {
	n, _ := m[k].(int64)
	return n
}

// immune reports whether addr is one of the api-service's lockout_immune_addresses.
func (f *Fake) immune(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	return slices.Contains(f.config.LockoutImmuneAddresses, host)
}

// user is a local user.
type user struct {
	ID        int64
	Name      string
	FullName  string
	Password  string
	Active    bool
	Frequency int64
	Warning   int64
	Reset     bool
	Changed   int64
	// history are the user's earlier passwords, newest last.
	history []string
}

func (u *user) properties() map[string]any {
	status := "NOT_ACTIVATED"
	if u.Active {
		status = "ACTIVE"
	}
	if u.Active && u.Reset {
		status = "PASSWORD_EXPIRED"
	}
	return map[string]any{
		"userid": u.ID, "username": u.Name, "full_name": u.FullName, "status": status,
		"password_change_frequency": u.Frequency, "password_change_warning": u.Warning,
		"password_reset_required": u.Reset, "last_password_change": u.Changed,
	}
}

// defaultUsers are a fresh manager's local users: admin (the account the provider uses),
// audit (activated at deployment, as VCF deploys NSX with an audit password) and the two
// guest users, which are not active until someone activates them.
func (f *Fake) defaultUsers() map[int64]*user {
	days := time.Now().UnixMilli()
	return map[int64]*user{
		10000: {ID: 10000, Name: f.opts.Username, FullName: "", Password: f.opts.Password, Active: true, Frequency: 90, Warning: 7, Changed: days},
		10002: {ID: 10002, Name: "audit", FullName: "", Password: auditPassword, Active: true, Frequency: 90, Warning: 7, Changed: days},
		10003: {ID: 10003, Name: "guestuser1", FullName: "", Frequency: 90, Warning: 7},
		10004: {ID: 10004, Name: "guestuser2", FullName: "", Frequency: 90, Warning: 7},
	}
}

// auditPassword is the audit user's password on a fresh fake.
const auditPassword = "Aud1t-Fake-Pass!" //nolint:gosec // a made-up credential of the fake

func (f *Fake) userNamed(name string) *user {
	for _, u := range f.users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// passwordProblem is the rule of node's auth policy that password breaks ("" : none), with
// the user's current and earlier passwords for the history rules (f.mu held).
func (f *Fake) passwordProblem(node int, password string, u *user) string {
	p := f.policyOf(node)
	n := int64(len([]rune(password)))
	if minLen := num(p, "minimum_password_length"); n < minLen {
		return fmt.Sprintf("the password must be at least %d characters long", minLen)
	}
	if maxLen := num(p, "maximum_password_length"); n > maxLen {
		return fmt.Sprintf("the password must be at most %d characters long", maxLen)
	}
	count := func(in func(rune) bool) int64 {
		c := int64(0)
		for _, r := range password {
			if in(r) {
				c++
			}
		}
		return c
	}
	special := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for _, x := range []struct {
		field, what string
		in          func(rune) bool
	}{{"upper_chars", "upper-case letters", unicode.IsUpper}, {"lower_chars", "lower-case letters", unicode.IsLower},
		{"digits", "digits", unicode.IsDigit}, {"special_chars", "special characters", special}} {
		if want := -num(p, x.field); want > 0 && count(x.in) < want {
			return fmt.Sprintf("the password must contain at least %d %s", want, x.what)
		}
	}
	if most := num(p, "max_repeats"); most > 0 {
		run, prev := int64(0), rune(-1)
		for _, r := range password {
			if r == prev {
				run++
			} else {
				run = 1
			}
			prev = r
			if run > most {
				return fmt.Sprintf("the password must not repeat a character more than %d times in a row", most)
			}
		}
	}
	if most := num(p, "max_sequence"); most > 0 {
		rs := []rune(password)
		up, down := int64(1), int64(1)
		for i := 1; i < len(rs); i++ {
			if rs[i] == rs[i-1]+1 {
				up++
			} else {
				up = 1
			}
			if rs[i] == rs[i-1]-1 {
				down++
			} else {
				down = 1
			}
			if up > most || down > most {
				return fmt.Sprintf("the password must not hold a monotonic sequence longer than %d characters", most)
			}
		}
	}
	if u != nil && u.Password != "" {
		if want := num(p, "minimum_unique_chars"); want > 0 && differing(u.Password, password) < want {
			return fmt.Sprintf("the new password must differ from the old one in at least %d characters", want)
		}
		if keep := num(p, "password_remembrance"); keep > 0 {
			recent := append(append([]string(nil), u.history...), u.Password)
			if int64(len(recent)) > keep {
				recent = recent[int64(len(recent))-keep:]
			}
			if slices.Contains(recent, password) {
				return fmt.Sprintf("the password was used within the last %d passwords", keep)
			}
		}
	}
	return ""
}

// differing counts the positions in which two passwords differ, the longer one's extra
// characters included.
func differing(a, b string) int64 {
	ra, rb := []rune(a), []rune(b)
	n := int64(0)
	for i := 0; i < max(len(ra), len(rb)); i++ {
		if i >= len(ra) || i >= len(rb) || ra[i] != rb[i] {
			n++
		}
	}
	return n
}

// setPassword sets u's password after node's rules, or answers the refusal (f.mu held).
func (f *Fake) setPassword(w http.ResponseWriter, node int, u *user, password string) bool {
	if problem := f.passwordProblem(node, password, u); problem != "" {
		f.stats.Add("refused_passwords", 1)
		apiError(w, http.StatusBadRequest, errCodePassword, "The specified password does not meet the complexity requirements: "+problem+".")
		return false
	}
	if u.Password != "" {
		u.history = append(u.history, u.Password)
	}
	u.Password, u.Reset, u.Changed = password, false, time.Now().UnixMilli()
	f.Issue(password) // for the leak checks
	return true
}

// Users are the local users as NSX answers them, by user id order (root aside).
func (f *Fake) Users() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]map[string]any, 0, len(f.users))
	for _, id := range slices.Sorted(maps.Keys(f.users)) {
		out = append(out, f.users[id].properties())
	}
	return out
}

func (f *Fake) listUsers(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int64, 0, len(f.users))
	for id := range f.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	results := []map[string]any{{"userid": int64(0), "username": "root", "full_name": "", "status": "ACTIVE",
		"password_change_frequency": int64(90), "password_change_warning": int64(7), "last_password_change": int64(0)}}
	for _, id := range ids {
		results = append(results, f.users[id].properties())
	}
	writeJSON(w, http.StatusOK, map[string]any{"result_count": len(results), "results": results})
}

func (f *Fake) userFromPath(w http.ResponseWriter, r *http.Request) *user {
	id, err := strconv.ParseInt(r.PathValue("userid"), 10, 64)
	u := f.users[id]
	if err != nil || u == nil {
		apiError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("User with id %s not found.", r.PathValue("userid")))
		return nil
	}
	return u
}

// userOtherThanAdmin is userFromPath for what NSX refuses on admin (10000), with its words.
func (f *Fake) userOtherThanAdmin(w http.ResponseWriter, r *http.Request, refusal string) *user {
	u := f.userFromPath(w, r)
	if u != nil && u.ID == 10000 {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, refusal)
		return nil
	}
	return u
}

func (f *Fake) getUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.userFromPath(w, r); u != nil {
		writeJSON(w, http.StatusOK, u.properties())
	}
}

// userWrite is what a user's PUT and create_user take.
type userWrite struct {
	Username  *string `json:"username"`
	FullName  *string `json:"full_name"`
	Password  *string `json:"password"`
	Old       *string `json:"old_password"`
	Frequency *int64  `json:"password_change_frequency"`
	Warning   *int64  `json:"password_change_warning"`
	Reset     *bool   `json:"password_reset_required"`
	// Read-only fields a client may send back as read.
	UserID  *int64  `json:"userid"`
	Status  *string `json:"status"`
	Changed *int64  `json:"last_password_change"`
}

var userName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9._-]{0,31}$`)

// decodeStrict reads a request body (at most 1 MiB) as T, refusing a field T does not know,
// as NSX refuses one; false: answered with the refusal.
func decodeStrict[T any](w http.ResponseWriter, r *http.Request) (*T, bool) {
	var in T
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, bodyProblem(err))
		return nil, false
	}
	return &in, true
}

// applyUser writes in over u on node (f.mu held); false: answered with the refusal.
func (f *Fake) applyUser(w http.ResponseWriter, node int, u *user, in *userWrite) bool {
	if in.Frequency != nil && (*in.Frequency < 0 || *in.Frequency > 9999) {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Field password_change_frequency has value %d outside the range 0 to 9999.", *in.Frequency))
		return false
	}
	if in.Warning != nil && (*in.Warning < 0 || *in.Warning > 9999) {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Field password_change_warning has value %d outside the range 0 to 9999.", *in.Warning))
		return false
	}
	if in.Username != nil && *in.Username != u.Name {
		if !userName.MatchString(*in.Username) || f.userNamed(*in.Username) != nil {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("The user name %q is invalid or taken.", *in.Username))
			return false
		}
	}
	if in.Password != nil && !f.setPassword(w, node, u, *in.Password) {
		return false
	}
	if in.Username != nil {
		u.Name = *in.Username
	}
	if in.FullName != nil {
		u.FullName = *in.FullName
	}
	if in.Frequency != nil {
		u.Frequency = *in.Frequency
	}
	if in.Warning != nil {
		u.Warning = *in.Warning
	}
	if in.Reset != nil {
		u.Reset = *in.Reset
	}
	return true
}

// oldPasswordGiven enforces NodeUserProperties.old_password, "required on PUT if password
// specified": a PUT that changes the password must carry the current one (f.mu held); false:
// answered with the refusal. NSX's words and codes for either refusal are not documented
// (UNCONFIRMED): the 400 and the module's invalid-request code, with a message that says what
// is wrong. Whether a wrong old password counts as a failed authentication is not documented
// either: by default it does not; Options.OldPasswordCountsAsFailure plays the other reading,
// and the provider is tested under both (TestWrongOldPasswordCostsOneFailureAtMost).
func (f *Fake) oldPasswordGiven(w http.ResponseWriter, r *http.Request, node int, u *user, in *userWrite) bool {
	if in.Password == nil {
		return true
	}
	switch {
	case in.Old == nil || *in.Old == "":
		f.stats.Add("refused_old_password", 1)
		apiError(w, http.StatusBadRequest, errCodeBadRequest, "Field old_password is required when password is specified.")
		return false
	case *in.Old != u.Password:
		f.stats.Add("refused_old_password", 1)
		if f.opts.OldPasswordCountsAsFailure {
			f.stats.Add("old_password_failures", 1)
			f.countFailure(node, u.Name, r.RemoteAddr, time.Now())
		}
		apiError(w, http.StatusBadRequest, errCodeBadRequest, "The old password for user "+u.Name+" is incorrect.")
		return false
	}
	return true
}

func (f *Fake) putUser(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, ok := decodeStrict[userWrite](w, r)
		if !ok {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		u := f.userFromPath(w, r)
		if u == nil || !f.oldPasswordGiven(w, r, node, u, in) || !f.applyUser(w, node, u, in) {
			return
		}
		f.stats.Add("user_writes", 1)
		writeJSON(w, http.StatusOK, u.properties())
	}
}

var nextUserID atomic.Int64

// userAction serves POST /api/v1/node/users/{userid}?action=activate|deactivate and
// POST /api/v1/node/users?action=create_user (NSX 4.1 and later).
func (f *Fake) userAction(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		action := r.URL.Query().Get("action")
		if r.PathValue("userid") == "" {
			if action != "create_user" {
				apiError(w, http.StatusBadRequest, errCodeBadRequest, "Unknown action "+action+".")
				return
			}
			in, ok := decodeStrict[userWrite](w, r)
			if !ok {
				return
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if in.Username == nil || !userName.MatchString(*in.Username) || contains([]string{"root", "admin", "audit"}, *in.Username) || f.userNamed(*in.Username) != nil {
				apiError(w, http.StatusConflict, errCodeBadRequest, "The user name is missing, reserved or taken.")
				return
			}
			u := &user{ID: 10005 + nextUserID.Add(1), Name: *in.Username, Frequency: 90, Warning: 7}
			if !f.applyUser(w, node, u, in) {
				return
			}
			u.Active = u.Password != ""
			f.users[u.ID] = u
			f.stats.Add("users_created", 1)
			writeJSON(w, http.StatusCreated, u.properties())
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		u := f.userOtherThanAdmin(w, r, "This API is not supported for userid 0 and userid 10000.")
		if u == nil {
			return
		}
		switch action {
		case "activate":
			var in struct {
				Password string `json:"password"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Password == "" {
				apiError(w, http.StatusBadRequest, errCodeBadRequest, "Activating a user takes its new password.")
				return
			}
			if !f.setPassword(w, node, u, in.Password) {
				return
			}
			u.Active = true
		case "deactivate":
			u.Active = false
			f.endSessionsOf(u.Name)
		default:
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Unknown action "+action+".")
			return
		}
		f.stats.Add("user_"+action+"s", 1)
		writeJSON(w, http.StatusOK, u.properties())
	}
}

func (f *Fake) deleteUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.userOtherThanAdmin(w, r, "The admin user cannot be deleted.")
	if u == nil {
		return
	}
	delete(f.users, u.ID)
	f.endSessionsOf(u.Name)
	w.WriteHeader(http.StatusOK)
}

// endSessionsOf ends every session of the user, on every node (f.mu held).
func (f *Fake) endSessionsOf(name string) {
	for i := range f.sessions {
		for id, s := range f.sessions[i] {
			if s.user == name {
				delete(f.sessions[i], id)
			}
		}
	}
}
