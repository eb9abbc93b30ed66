// Package stigcheck runs the checks of the vendor's InSpec profile for the VMware Cloud
// Foundation 9.x NSX Manager STIG Readiness Guide (vmware/dod-compliance-and-automation,
// vcf/9.x/Y25M06-srg, nsx/manager, profile version 1.0.1) against one NSX Manager node, the way
// the profile does: a session cookie and X-XSRF-TOKEN, the same GETs, the same conditions on
// the same fields, with the profile's inputs. The tests run it on every node of the fake NSX
// after the STIG module is applied: the STIG's own checks decide whether the module works.
//
// Where the profile compares with `be_in "#{input(...)}"` (a substring of the list's text),
// this port checks membership in the list, which is stricter: what passes here passes there.
package stigcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Inputs are the profile's inputs (inspec.yml).
type Inputs struct {
	SyslogServers []string
	NTPServers    []string
	// AuthorizedPermissions: user → the role display name it may hold.
	AuthorizedPermissions map[string]string
	AllowedProtocols      []string
	AllowedCiphers        []string
}

// DefaultInputs are the profile's defaults, with the servers given.
func DefaultInputs(syslog, ntp []string) Inputs {
	return Inputs{
		SyslogServers: syslog, NTPServers: ntp,
		AuthorizedPermissions: map[string]string{"admin": "Enterprise Admin", "audit": "Auditor", "guestuser1": "Auditor", "guestuser2": "Auditor"},
		AllowedProtocols:      []string{"TLSv1.2", "TLSv1.3"},
		AllowedCiphers: []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
			"TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"},
	}
}

// DoDBanner is the banner text control 000013 compares with, byte for byte.
const DoDBanner = "You are accessing a U.S. Government (USG) Information System (IS) that is provided for USG-authorized use only.\n\n" +
	"By using this IS (which includes any device attached to this IS), you consent to the following conditions:\n" +
	"-The USG routinely intercepts and monitors communications on this IS for purposes including, but not limited to, penetration testing, COMSEC monitoring, network operations and defense, personnel misconduct (PM), law enforcement (LE), and counterintelligence (CI) investigations.\n" +
	"-At any time, the USG may inspect and seize data stored on this IS.\n" +
	"-Communications using, or data stored on, this IS are not private, are subject to routine monitoring, interception, and search, and may be disclosed or used for any USG-authorized purpose.\n" +
	"-This IS includes security measures (e.g., authentication and access controls) to protect USG interests--not for your personal benefit or privacy.\n" +
	"-Notwithstanding the above, using this IS does not constitute consent to PM, LE or CI investigative searching or monitoring of the content of privileged communications, or work product, related to personal representation or services by attorneys, psychotherapists, or clergy, and their assistants. Such communications and work product are private and confidential. See User Agreement for details."

// Controls are the profile's 23 control ids.
var Controls = []string{"VCFN-9X-000007", "VCFN-9X-000010", "VCFN-9X-000012", "VCFN-9X-000013", "VCFN-9X-000034", "VCFN-9X-000037",
	"VCFN-9X-000038", "VCFN-9X-000039", "VCFN-9X-000040", "VCFN-9X-000041", "VCFN-9X-000042", "VCFN-9X-000043", "VCFN-9X-000050",
	"VCFN-9X-000065", "VCFN-9X-000075", "VCFN-9X-000076", "VCFN-9X-000085", "VCFN-9X-000086", "VCFN-9X-000091", "VCFN-9X-000111",
	"VCFN-9X-000113", "VCFN-9X-000114", "VCFN-9X-000115"}

// Report is one node's results: control id → its failed expectations (none: passed).
type Report map[string][]string

// Failed are the ids of the controls that failed, sorted.
func (r Report) Failed() []string {
	var out []string
	for id, f := range r {
		if len(f) > 0 {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (r Report) String() string {
	var b strings.Builder
	for _, id := range r.Failed() {
		fmt.Fprintf(&b, "%s: %s\n", id, strings.Join(r[id], "; "))
	}
	return b.String()
}

// node is one logged-in node.
type node struct {
	c      *http.Client
	base   string
	cookie string
	token  string
}

// Run logs in to the node at base (https://host:port) as user, runs every control, and logs
// out.
func Run(ctx context.Context, c *http.Client, base, user, password string, in Inputs) (Report, error) {
	return runProfile(ctx, c, base, user, password, in, Controls, func(n *node) []func(context.Context, Inputs, Report) error {
		return []func(context.Context, Inputs, Report) error{
			n.c007, n.c010, n.authPolicy, n.c013, n.c034, n.apiService, n.nodeProps, n.c085, n.c086, n.c091, n.c111, n.c113, n.c114, n.c115,
		}
	})
}

// runProfile runs a profile's checks (those of checks, on the node) on the node at base, in
// order; the report holds each of ids, a passed control with no finding.
func runProfile[I any](ctx context.Context, c *http.Client, base, user, password string, in I, ids []string,
	checks func(*node) []func(context.Context, I, Report) error) (Report, error) {
	r := Report{}
	for _, id := range ids {
		r[id] = nil
	}
	err := loggedIn(ctx, c, base, user, password, func(n *node) error {
		for _, check := range checks(n) {
			if err := check(ctx, in, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// loggedIn logs in to the node at base as user, runs fn on it, and logs out.
func loggedIn(ctx context.Context, c *http.Client, base, user, password string, fn func(*node) error) error {
	n := &node{c: c, base: strings.TrimSuffix(base, "/")}
	if err := n.login(ctx, user, password); err != nil {
		return err
	}
	defer n.logout(ctx)
	return fn(n)
}

func (n *node) login(ctx context.Context, user, password string) error {
	form := url.Values{"j_username": {user}, "j_password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/session/create", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := n.c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login to %s: %s", n.base, resp.Status)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "JSESSIONID" {
			n.cookie = "JSESSIONID=" + ck.Value
		}
	}
	n.token = resp.Header.Get("X-XSRF-TOKEN")
	if n.cookie == "" || n.token == "" {
		return fmt.Errorf("login to %s: no session cookie or token", n.base)
	}
	return nil
}

func (n *node) logout(ctx context.Context) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/session/destroy", nil)
	if err != nil {
		return
	}
	n.headers(req)
	if resp, err := n.c.Do(req); err == nil {
		_ = resp.Body.Close()
	}
}

func (n *node) headers(req *http.Request) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-XSRF-TOKEN", n.token)
	req.Header.Set("Cookie", n.cookie)
}

// get is the profile's `http(...)` GET: the status must be 200 (a finding of id otherwise),
// and the body decodes into out.
func (n *node) get(ctx context.Context, id, path string, r Report, out any) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.base+path, nil)
	if err != nil {
		return false, err
	}
	n.headers(req)
	resp, err := n.c.Do(req)
	if err != nil {
		return false, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return false, err
	}
	if resp.StatusCode != http.StatusOK {
		r[id] = append(r[id], fmt.Sprintf("GET %s answered %d, not 200", path, resp.StatusCode))
		return false, nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return false, fmt.Errorf("GET %s: %w", path, err)
	}
	return true, nil
}

func fail(r Report, id string, format string, args ...any) {
	r[id] = append(r[id], fmt.Sprintf(format, args...))
}

type serviceProps struct {
	ServiceProperties map[string]any `json:"service_properties"`
}

// 000007: the logging level of five services is INFO.
func (n *node) c007(ctx context.Context, _ Inputs, r Report) error {
	return n.servicesLogAtInfo(ctx, "VCFN-9X-000007", r)
}

// servicesLogAtInfo is the check both profiles make under their own id (VCFN-9X-000007,
// NMGR-4X-000007): five services log at INFO.
func (n *node) servicesLogAtInfo(ctx context.Context, id string, r Report) error {
	for _, svc := range []string{"async_replicator", "auth", "http", "manager", "telemetry"} {
		d, err := n.doc(ctx, id, "/api/v1/node/services/"+svc, r)
		if err != nil {
			return err
		}
		if d != nil {
			level := field(d, "service_properties", "logging_level")
			want(r, id, cmp(level, "INFO"), "%s logging_level is %v", svc, level)
		}
	}
	return nil
}

// 000010: every role of every binding is the authorised one of its user; a user not
// authorised holds none. VCFN-9X-000010.rb also fails an empty listing.
func (n *node) c010(ctx context.Context, in Inputs, r Report) error {
	return n.roleBindings(ctx, "VCFN-9X-000010", in.AuthorizedPermissions, true, r)
}

// roleBindings is the role check both profiles make under their own id; the VCF 9 one fails an
// empty listing ("Unable to validate assigned roles. No results returned."), the 4.x one does not.
func (n *node) roleBindings(ctx context.Context, id string, authorized map[string]string, emptyFails bool, r Report) error {
	bindings, err := listing[struct {
		Name  string `json:"name"`
		Roles []struct {
			Role            string `json:"role"`
			RoleDisplayName string `json:"role_display_name"`
		} `json:"roles"`
	}](ctx, n, id, "/policy/api/v1/aaa/role-bindings", "role bindings", emptyFails, r)
	for _, b := range bindings {
		for _, role := range b.Roles {
			want, known := authorized[b.Name]
			switch {
			case !known:
				fail(r, id, "%s is not an authorised user (holds %s)", b.Name, role.RoleDisplayName)
			case !cmp(role.RoleDisplayName, want):
				fail(r, id, "%s holds %s, authorised %s", b.Name, role.RoleDisplayName, want)
			}
		}
	}
	return err
}

// getAll is get for a document several controls judge: what the node answers instead of the
// document is a finding of each of ids. ok is false where there is nothing more to judge.
func (n *node) getAll(ctx context.Context, ids []string, path string, r Report, out any) (bool, error) {
	ok, err := n.get(ctx, ids[0], path, r, out)
	if err == nil && !ok {
		for _, id := range ids[1:] {
			r[id] = append(r[id], r[ids[0]]...)
		}
	}
	return ok && err == nil, err
}

// 000012, 000038 to 000043: the auth policy.
func (n *node) authPolicy(ctx context.Context, _ Inputs, r Report) error {
	var p map[string]any
	ids := []string{"VCFN-9X-000012", "VCFN-9X-000038", "VCFN-9X-000039", "VCFN-9X-000040", "VCFN-9X-000041", "VCFN-9X-000042", "VCFN-9X-000043"}
	if ok, err := n.getAll(ctx, ids, "/api/v1/node/aaa/auth-policy", r, &p); !ok {
		return err
	}
	expect := func(id, field, op string, v float64) {
		got, isNum := num(p[field])
		pass := isNum
		switch op {
		case "<=":
			pass = pass && got <= v
		case ">=":
			pass = pass && got >= v
		case "==":
			pass = pass && got == v
		case "!=":
			pass = pass && got != v
		}
		if !pass {
			fail(r, id, "%s is %v, expected %s %v", field, p[field], op, v)
		}
	}
	expect("VCFN-9X-000012", "api_failed_auth_reset_period", "<=", 900)
	expect("VCFN-9X-000012", "api_failed_auth_lockout_period", ">=", 900)
	expect("VCFN-9X-000012", "api_failed_auth_lockout_period", "!=", 0)
	expect("VCFN-9X-000012", "api_max_auth_failures", "==", 3)
	expect("VCFN-9X-000012", "cli_failed_auth_lockout_period", ">=", 900)
	expect("VCFN-9X-000012", "cli_failed_auth_lockout_period", "!=", 0)
	expect("VCFN-9X-000012", "cli_max_auth_failures", "==", 3)
	expect("VCFN-9X-000038", "minimum_password_length", ">=", 15)
	expect("VCFN-9X-000039", "upper_chars", "<=", -1)
	expect("VCFN-9X-000040", "lower_chars", "<=", -1)
	expect("VCFN-9X-000041", "digits", "<=", -1)
	expect("VCFN-9X-000042", "special_chars", "<=", -1)
	expect("VCFN-9X-000043", "max_repeats", "<=", 8)
	return nil
}

// 000013: the banner, as /api/v1/loginbanner shows it.
func (n *node) c013(ctx context.Context, _ Inputs, r Report) error {
	var b map[string]any
	ok, err := n.get(ctx, "VCFN-9X-000013", "/api/v1/loginbanner", r, &b)
	if err != nil || !ok {
		return err
	}
	if b["login_banner_content"] != DoDBanner {
		fail(r, "VCFN-9X-000013", "login_banner_content is not the DoD notice")
	}
	for _, f := range []string{"login_banner_checkbox_flag", "login_banner_status"} {
		if !cmp(b[f], "true") {
			fail(r, "VCFN-9X-000013", "%s is %v", f, b[f])
		}
	}
	return nil
}

// 000034: audit, guestuser1 and guestuser2 are NOT_ACTIVATED; VCFN-9X-000034.rb also fails an
// empty listing.
func (n *node) c034(ctx context.Context, _ Inputs, r Report) error {
	return n.guestUsers(ctx, "VCFN-9X-000034", true, r)
}

// listing GETs a listing for control id: its results, or none where the GET was a finding of
// id; an empty listing is a finding where emptyFails (the VCF 9 files' "No results returned.").
func listing[T any](ctx context.Context, n *node, id, path, what string, emptyFails bool, r Report) ([]T, error) {
	var out struct {
		Results []T `json:"results"`
	}
	ok, err := n.get(ctx, id, path, r, &out)
	if err != nil || !ok {
		return nil, err
	}
	if emptyFails && len(out.Results) == 0 {
		fail(r, id, "no %s returned", what)
	}
	return out.Results, nil
}

// guestUsers is the local-user check both profiles make (NMGR-4X-000035.rb does not fail an
// empty listing).
func (n *node) guestUsers(ctx context.Context, id string, emptyFails bool, r Report) error {
	users, err := listing[struct {
		Username string `json:"username"`
		Status   string `json:"status"`
	}](ctx, n, id, "/api/v1/node/users", "users", emptyFails, r)
	for _, u := range users {
		if slices.Contains([]string{"audit", "guestuser1", "guestuser2"}, u.Username) && !cmp(u.Status, "NOT_ACTIVATED") {
			fail(r, id, "%s is %s", u.Username, u.Status)
		}
	}
	return err
}

// 000037, 000050 (session_timeout), 000075, 000076: the API service. An enabled protocol or
// cipher must be allowed, a disabled one must not be.
func (n *node) apiService(ctx context.Context, in Inputs, r Report) error {
	var d map[string]any
	ids := []string{"VCFN-9X-000037", "VCFN-9X-000075", "VCFN-9X-000076", "VCFN-9X-000050"}
	if ok, err := n.getAll(ctx, ids, "/api/v1/cluster/api-service", r, &d); !ok {
		return err
	}
	toggles := func(id, what string, list any, allowed []string) {
		items, _ := list.([]any)
		if len(items) == 0 {
			fail(r, id, "no %s returned", what)
		}
		for _, item := range items {
			t, _ := item.(map[string]any)
			name, _ := t["name"].(string)
			enabled := t["enabled"] == true
			if enabled && !slices.Contains(allowed, name) {
				fail(r, id, "enabled %s %s is not allowed", what, name)
			}
			if !enabled && slices.Contains(allowed, name) {
				fail(r, id, "disabled %s %s is in the allowed list", what, name)
			}
		}
	}
	toggles("VCFN-9X-000037", "protocol", d["protocol_versions"], in.AllowedProtocols)
	toggles("VCFN-9X-000075", "cipher suite", d["cipher_suites"], in.AllowedCiphers)
	apiLimits(r, "VCFN-9X-000076", d)
	if got, ok := num(d["session_timeout"]); !ok || got > 300 || got == 0 {
		fail(r, "VCFN-9X-000050", "session_timeout is %v", d["session_timeout"])
	}
	return nil
}

// apiLimits is the check both profiles make under their own id (VCFN-9X-000076,
// NMGR-4X-000079): the API limits are NSX's defaults, 40, 100 and 199.
func apiLimits(r Report, id string, d map[string]any) {
	for _, l := range []struct {
		name  string
		value float64
	}{{"client_api_concurrency_limit", 40}, {"client_api_rate_limit", 100}, {"global_api_concurrency_limit", 199}} {
		got, ok := num(d[l.name])
		want(r, id, ok && got == l.value, "%s is %v, expected %v", l.name, d[l.name], l.value)
	}
}

// 000050 (cli_timeout), 000065: the node's properties.
func (n *node) nodeProps(ctx context.Context, _ Inputs, r Report) error {
	var p map[string]any
	ok, err := n.get(ctx, "VCFN-9X-000050", "/api/v1/node", r, &p)
	if err != nil {
		return err
	}
	if !ok {
		r["VCFN-9X-000065"] = append(r["VCFN-9X-000065"], r["VCFN-9X-000050"]...)
		return nil
	}
	if got, ok := num(p["cli_timeout"]); !ok || got > 300 || got == 0 {
		fail(r, "VCFN-9X-000050", "cli_timeout is %v", p["cli_timeout"])
	}
	if !cmp(p["timezone"], "UTC") && !cmp(p["timezone"], "Etc/UTC") {
		fail(r, "VCFN-9X-000065", "timezone is %v", p["timezone"])
	}
	return nil
}

// 000085: syslog running; every exporter at INFO to an authorised server; at least one.
func (n *node) c085(ctx context.Context, in Inputs, r Report) error {
	if err := n.serviceState(ctx, "VCFN-9X-000085", "syslog", "running", r); err != nil {
		return err
	}
	exporters, err := listing[struct {
		Server string `json:"server"`
		Level  string `json:"level"`
	}](ctx, n, "VCFN-9X-000085", "/api/v1/node/services/syslog/exporters", "syslog exporters", true, r)
	for _, e := range exporters {
		if !cmp(e.Level, "INFO") {
			fail(r, "VCFN-9X-000085", "exporter to %s at level %s", e.Server, e.Level)
		}
		if !slices.Contains(in.SyslogServers, e.Server) {
			fail(r, "VCFN-9X-000085", "exporter to %s, not an authorised server", e.Server)
		}
	}
	return err
}

// serviceState is a service's `/status` check both profiles make: its runtime_state is
// want (a finding of id otherwise, or where the GET is not 200).
func (n *node) serviceState(ctx context.Context, id, service, want string, r Report) error {
	st, err := n.doc(ctx, id, "/api/v1/node/services/"+service+"/status", r)
	if st != nil && !cmp(st["runtime_state"], want) {
		fail(r, id, "%s is %v", service, st["runtime_state"])
	}
	return err
}

// 000086: SSH stopped, not started on boot, no root login.
func (n *node) c086(ctx context.Context, _ Inputs, r Report) error {
	if err := n.serviceState(ctx, "VCFN-9X-000086", "ssh", "stopped", r); err != nil {
		return err
	}
	var s serviceProps
	ok, err := n.get(ctx, "VCFN-9X-000086", "/api/v1/node/services/ssh", r, &s)
	if err != nil || !ok {
		return err
	}
	for _, f := range []string{"start_on_boot", "root_login"} {
		if !cmp(s.ServiceProperties[f], "false") {
			fail(r, "VCFN-9X-000086", "ssh %s is %v", f, s.ServiceProperties[f])
		}
	}
	return nil
}

// 000091: backups enabled on an interval or weekly schedule.
func (n *node) c091(ctx context.Context, _ Inputs, r Report) error {
	var b struct {
		BackupEnabled  any `json:"backup_enabled"`
		BackupSchedule struct {
			ResourceType string `json:"resource_type"`
		} `json:"backup_schedule"`
	}
	ok, err := n.get(ctx, "VCFN-9X-000091", "/api/v1/cluster/backups/config", r, &b)
	if err != nil || !ok {
		return err
	}
	if !cmp(b.BackupEnabled, "true") {
		fail(r, "VCFN-9X-000091", "backup_enabled is %v", b.BackupEnabled)
	}
	if !slices.Contains([]string{"IntervalBackupSchedule", "WeeklyBackupSchedule"}, b.BackupSchedule.ResourceType) {
		fail(r, "VCFN-9X-000091", "backup_schedule is %q", b.BackupSchedule.ResourceType)
	}
	return nil
}

// 000111: NTP servers, all authorised, started on boot.
func (n *node) c111(ctx context.Context, in Inputs, r Report) error {
	var s struct {
		ServiceProperties struct {
			Servers     []string `json:"servers"`
			StartOnBoot any      `json:"start_on_boot"`
		} `json:"service_properties"`
	}
	ok, err := n.get(ctx, "VCFN-9X-000111", "/api/v1/node/services/ntp", r, &s)
	if err != nil || !ok {
		return err
	}
	if len(s.ServiceProperties.Servers) == 0 {
		fail(r, "VCFN-9X-000111", "no NTP servers")
		return nil
	}
	if !cmp(s.ServiceProperties.StartOnBoot, "true") {
		fail(r, "VCFN-9X-000111", "ntp start_on_boot is %v", s.ServiceProperties.StartOnBoot)
	}
	for _, srv := range s.ServiceProperties.Servers {
		if !slices.Contains(in.NTPServers, srv) {
			fail(r, "VCFN-9X-000111", "NTP server %s is not authorised", srv)
		}
	}
	return nil
}

// 000113: SNMP v2c not configured.
func (n *node) c113(ctx context.Context, _ Inputs, r Report) error {
	return n.fieldIs(ctx, "VCFN-9X-000113", "/api/v1/node/services/snmp", "false", r, "service_properties", "v2_configured")
}

// 000114: FIPS mode for load balancers.
func (n *node) c114(ctx context.Context, _ Inputs, r Report) error {
	return n.fieldIs(ctx, "VCFN-9X-000114", "/policy/api/v1/infra/global-config", "true", r, "fips", "lb_fips_enabled")
}

// fieldIs is a check both profiles make under their own id: the field at keys of the document
// at path is value (a document the node does not answer is get's finding).
func (n *node) fieldIs(ctx context.Context, id, path, value string, r Report, keys ...string) error {
	d, err := n.doc(ctx, id, path, r)
	if err == nil && d != nil {
		v := field(d, keys...)
		want(r, id, cmp(v, value), "%s is %v", keys[len(keys)-1], v)
	}
	return err
}

// 000115: control cluster STABLE, three management nodes online, a virtual IP.
func (n *node) c115(ctx context.Context, _ Inputs, r Report) error {
	var st struct {
		Control struct {
			Status string `json:"status"`
		} `json:"control_cluster_status"`
		Mgmt struct {
			OnlineNodes []any `json:"online_nodes"`
		} `json:"mgmt_cluster_status"`
	}
	if ok, err := n.get(ctx, "VCFN-9X-000115", "/api/v1/cluster/status", r, &st); err != nil {
		return err
	} else if ok {
		if !cmp(st.Control.Status, "STABLE") {
			fail(r, "VCFN-9X-000115", "control cluster is %s", st.Control.Status)
		}
		if len(st.Mgmt.OnlineNodes) != 3 {
			fail(r, "VCFN-9X-000115", "%d management nodes online", len(st.Mgmt.OnlineNodes))
		}
	}
	var vip struct {
		IP  string `json:"ip_address"`
		IP6 string `json:"ip6_address"`
	}
	ok, err := n.get(ctx, "VCFN-9X-000115", "/api/v1/cluster/api-virtual-ip", r, &vip)
	if err != nil || !ok {
		return err
	}
	if (vip.IP == "" || vip.IP == "0.0.0.0") && (vip.IP6 == "" || vip.IP6 == "::") {
		fail(r, "VCFN-9X-000115", "no virtual IP")
	}
	return nil
}

// cmp is InSpec's `cmp` for a value and a string: equal ignoring case for strings and
// booleans, numerically for numbers.
func cmp(v any, want string) bool {
	switch v := v.(type) {
	case string:
		return strings.EqualFold(v, want)
	case bool:
		return strings.EqualFold(fmt.Sprint(v), want)
	case float64:
		return fmt.Sprint(v) == want
	}
	return false
}

func num(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		var f float64
		_, err := fmt.Sscan(v, &f)
		return f, err == nil
	}
	return 0, false
}
