package stigcheck

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The NSX 4.x manager part: the 28 controls of the vendor's InSpec profile for the VMware
// NSX 4.x STIG V1R2 (vmware/dod-compliance-and-automation at 698bae09,
// nsx/4.x/v1r2-stig/inspec/vmware-nsx-4.x-stig-baseline/manager/controls/NMGR-4X-*.rb, profile
// 1.0.2), run against one node the way the profile runs them: the same GETs, the same fields,
// the same conditions. Each function names its file.

// NSX4Controls are the profile's 28 manager control ids.
var NSX4Controls = []string{"NMGR-4X-000007", "NMGR-4X-000010", "NMGR-4X-000012", "NMGR-4X-000013", "NMGR-4X-000014", "NMGR-4X-000015",
	"NMGR-4X-000035", "NMGR-4X-000038", "NMGR-4X-000039", "NMGR-4X-000040", "NMGR-4X-000041", "NMGR-4X-000042", "NMGR-4X-000043",
	"NMGR-4X-000044", "NMGR-4X-000052", "NMGR-4X-000067", "NMGR-4X-000068", "NMGR-4X-000079", "NMGR-4X-000087", "NMGR-4X-000088",
	"NMGR-4X-000093", "NMGR-4X-000094", "NMGR-4X-000096", "NMGR-4X-000097", "NMGR-4X-000098", "NMGR-4X-000099", "NMGR-4X-000102",
	"NMGR-4X-000103"}

// NSX4Manual are the controls the profile skips as manual ("This check is a manual or policy
// based check"): they never fail here, and are reviewed by hand.
var NSX4Manual = []string{"NMGR-4X-000103"}

// NSX4Inputs are the profile's inputs (manager/inspec.yml).
type NSX4Inputs struct {
	AuthorizedPermissions map[string]string
	SyslogServers         []string
	NTPServers            []string
	// Version is nsxtVersion, which each node's component_version must match (as a regular
	// expression, as InSpec's `match` takes it).
	Version string
}

// RunNSX4 logs in to the node at base and runs the 28 NMGR-4X controls.
func RunNSX4(ctx context.Context, c *http.Client, base, user, password string, in NSX4Inputs) (Report, error) {
	return runProfile(ctx, c, base, user, password, in, NSX4Controls, func(n *node) []func(context.Context, NSX4Inputs, Report) error {
		return []func(context.Context, NSX4Inputs, Report) error{
			n.x007, n.x010, n.x012, n.x013, n.x015, n.x035, n.x038, n.authPolicy4, n.x052, n.x067, n.x068, n.x079, n.x087, n.x088,
			n.x093, n.x094, n.x096, n.x097, n.x098, n.x099, n.x102,
		}
	})
}

// doc GETs path for control id as a JSON document (a finding of id where the status is not
// 200, as the profile's `its('status') { should cmp 200 }`).
func (n *node) doc(ctx context.Context, id, path string, r Report) (map[string]any, error) {
	var out map[string]any
	ok, err := n.get(ctx, id, path, r, &out)
	if !ok {
		out = nil
	}
	return out, err
}

func field(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

// want records a finding of id where ok is false.
func want(r Report, id string, ok bool, format string, args ...any) {
	if !ok {
		fail(r, id, format, args...)
	}
}

// NMGR-4X-000007.rb: five services log at INFO.
func (n *node) x007(ctx context.Context, _ NSX4Inputs, r Report) error {
	return n.servicesLogAtInfo(ctx, "NMGR-4X-000007", r)
}

// NMGR-4X-000010.rb: every role of an authorised user is its authorised one; an unknown user
// holds none. Unlike VCFN-9X-000010.rb, an empty listing is no finding.
func (n *node) x010(ctx context.Context, in NSX4Inputs, r Report) error {
	return n.roleBindings(ctx, "NMGR-4X-000010", in.AuthorizedPermissions, false, r)
}

// NMGR-4X-000012.rb: lockout 3 failures, reset and lockout 900 s, API and CLI.
func (n *node) x012(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000012"
	d, err := n.doc(ctx, id, "/api/v1/node/aaa/auth-policy", r)
	if err != nil || d == nil {
		return err
	}
	for k, v := range map[string]string{"api_failed_auth_reset_period": "900", "api_failed_auth_lockout_period": "900", "api_max_auth_failures": "3",
		"cli_failed_auth_lockout_period": "900", "cli_max_auth_failures": "3"} {
		want(r, id, cmp(d[k], v), "%s is %v, not %s", k, d[k], v)
	}
	return nil
}

// NMGR-4X-000013.rb and -000014.rb: the DoD banner at /api/v1/loginbanner, on.
func (n *node) x013(ctx context.Context, _ NSX4Inputs, r Report) error {
	for _, id := range []string{"NMGR-4X-000013", "NMGR-4X-000014"} {
		d, err := n.doc(ctx, id, "/api/v1/loginbanner", r)
		if err != nil || d == nil {
			return err
		}
		want(r, id, cmp(d["login_banner_content"], DoDBanner), "the banner is not the DoD notice")
		want(r, id, cmp(d["login_banner_status"], "true"), "login_banner_status is %v", d["login_banner_status"])
	}
	return nil
}

// NMGR-4X-000015.rb: vIDM enabled, or an OIDC provider (describe.one); both GETs must
// answer 200.
func (n *node) x015(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000015"
	vidm, err := n.doc(ctx, id, "/api/v1/node/aaa/providers/vidm", r)
	if err != nil {
		return err
	}
	oidc, err := n.doc(ctx, id, "/api/v1/trust-management/oidc-uris", r)
	if err != nil {
		return err
	}
	results, _ := field(oidc, "results").([]any)
	want(r, id, (vidm != nil && cmp(vidm["vidm_enable"], "true")) || len(results) > 0, "no identity provider: vIDM not enabled and no OIDC provider")
	return nil
}

// NMGR-4X-000035.rb: audit, guestuser1 and guestuser2 NOT_ACTIVATED; an empty listing is no
// finding.
func (n *node) x035(ctx context.Context, _ NSX4Inputs, r Report) error {
	return n.guestUsers(ctx, "NMGR-4X-000035", false, r)
}

// NMGR-4X-000038.rb: TLSv1.1 disabled (the only protocol the profile looks at).
func (n *node) x038(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000038"
	d, err := n.doc(ctx, id, "/api/v1/cluster/api-service", r)
	if err != nil || d == nil {
		return err
	}
	protocols, _ := d["protocol_versions"].([]any)
	for _, p := range protocols {
		pm, _ := p.(map[string]any)
		if pm["name"] == "TLSv1.1" {
			want(r, id, cmp(pm["enabled"], "false"), "TLSv1.1 is enabled")
		}
	}
	return nil
}

// NMGR-4X-000039.rb to -000044.rb: password length ≥ 15, each class required (≤ -1),
// max_repeats ≥ 8.
func (n *node) authPolicy4(ctx context.Context, _ NSX4Inputs, r Report) error {
	d, err := n.doc(ctx, "NMGR-4X-000039", "/api/v1/node/aaa/auth-policy", r)
	if err != nil || d == nil {
		return err
	}
	atLeast := func(id, k string, lim float64) {
		v, ok := num(d[k])
		want(r, id, ok && v >= lim, "%s is %v, not at least %v", k, d[k], lim)
	}
	required := func(id, k string) { // cmp <= -1: the class is required
		v, ok := num(d[k])
		want(r, id, ok && v <= -1, "%s is %v, not at most -1", k, d[k])
	}
	atLeast("NMGR-4X-000039", "minimum_password_length", 15)
	required("NMGR-4X-000040", "upper_chars")
	required("NMGR-4X-000041", "lower_chars")
	required("NMGR-4X-000042", "digits")
	required("NMGR-4X-000043", "special_chars")
	atLeast("NMGR-4X-000044", "max_repeats", 8)
	return nil
}

// NMGR-4X-000052.rb: session_timeout ≤ 300 and cli_timeout ≤ 300.
func (n *node) x052(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000052"
	for path, k := range map[string]string{"/api/v1/cluster/api-service": "session_timeout", "/api/v1/node": "cli_timeout"} {
		d, err := n.doc(ctx, id, path, r)
		if err != nil {
			return err
		}
		if d != nil {
			v, ok := num(d[k])
			want(r, id, ok && v <= 300, "%s is %v", k, d[k])
		}
	}
	return nil
}

// NMGR-4X-000067.rb: NTP servers set; then start on boot, and every server authorised (`be_in`
// the input list's text: membership here, which is stricter).
func (n *node) x067(ctx context.Context, in NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000067"
	d, err := n.doc(ctx, id, "/api/v1/node/services/ntp", r)
	if err != nil || d == nil {
		return err
	}
	servers, _ := field(d, "service_properties", "servers").([]any)
	if len(servers) == 0 {
		fail(r, id, "no NTP servers")
		return nil
	}
	want(r, id, cmp(field(d, "service_properties", "start_on_boot"), "true"), "NTP does not start on boot")
	for _, s := range servers {
		want(r, id, slices.Contains(in.NTPServers, fmt.Sprint(s)), "NTP server %v is not authorised", s)
	}
	return nil
}

// NMGR-4X-000068.rb: time zone UTC or Etc/UTC.
func (n *node) x068(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000068"
	d, err := n.doc(ctx, id, "/api/v1/node", r)
	if err == nil && d != nil {
		want(r, id, cmp(d["timezone"], "UTC") || cmp(d["timezone"], "Etc/UTC"), "timezone is %v", d["timezone"])
	}
	return err
}

// NMGR-4X-000079.rb: API limits 40 / 100 / 199.
func (n *node) x079(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000079"
	d, err := n.doc(ctx, id, "/api/v1/cluster/api-service", r)
	if err != nil || d == nil {
		return err
	}
	apiLimits(r, id, d)
	return nil
}

// NMGR-4X-000087.rb: syslog running; at least one exporter; each at INFO to an authorised
// server.
func (n *node) x087(ctx context.Context, in NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000087"
	if err := n.serviceState(ctx, id, "syslog", "running", r); err != nil {
		return err
	}
	ex, err := n.doc(ctx, id, "/api/v1/node/services/syslog/exporters", r)
	if err != nil || ex == nil {
		return err
	}
	results, _ := ex["results"].([]any)
	if len(results) == 0 {
		fail(r, id, "no syslog exporters")
	}
	for _, e := range results {
		em, _ := e.(map[string]any)
		want(r, id, cmp(em["level"], "INFO"), "exporter %v level %v", em["exporter_name"], em["level"])
		want(r, id, slices.Contains(in.SyslogServers, fmt.Sprint(em["server"])), "exporter %v sends to %v, not an authorised server", em["exporter_name"], em["server"])
	}
	return nil
}

// NMGR-4X-000088.rb: CEIP off.
func (n *node) x088(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000088"
	d, err := n.doc(ctx, id, "/api/v1/telemetry/config", r)
	if err == nil && d != nil {
		want(r, id, cmp(d["ceip_acceptance"], "false"), "ceip_acceptance is %v", d["ceip_acceptance"])
	}
	return err
}

// NMGR-4X-000093.rb: backups enabled on an interval or weekly schedule.
func (n *node) x093(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000093"
	d, err := n.doc(ctx, id, "/api/v1/cluster/backups/config", r)
	if err != nil || d == nil {
		return err
	}
	want(r, id, cmp(d["backup_enabled"], "true"), "backups are off")
	rt := fmt.Sprint(field(d, "backup_schedule", "resource_type"))
	want(r, id, rt == "IntervalBackupSchedule" || rt == "WeeklyBackupSchedule", "backup schedule %s", rt)
	return nil
}

// NMGR-4X-000094.rb: the certificate the node serves on 443 is issued by the U.S. Government
// (InSpec's ssl_certificate issuer_organization; here the node's own address and port).
func (n *node) x094(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000094"
	u, err := url.Parse(n.base)
	if err != nil {
		return err
	}
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the profile reads the certificate, it does not trust it
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates //nolint:forcetypeassert // a tls.Dialer's connection
	org := ""
	if len(certs) > 0 && len(certs[0].Issuer.Organization) > 0 {
		org = certs[0].Issuer.Organization[0]
	}
	want(r, id, strings.EqualFold(org, "U.S. Government"), "the certificate's issuer organization is %q", org)
	return nil
}

// NMGR-4X-000096.rb: every node's component version (but Pending) matches nsxtVersion.
func (n *node) x096(ctx context.Context, in NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000096"
	d, err := n.doc(ctx, id, "/api/v1/upgrade/nodes", r)
	if err != nil || d == nil {
		return err
	}
	re, err := regexp.Compile(in.Version)
	if err != nil {
		return fmt.Errorf("nsxtVersion %q: %w", in.Version, err)
	}
	nodes, _ := d["results"].([]any)
	for _, nd := range nodes {
		m, _ := nd.(map[string]any)
		v := fmt.Sprint(m["component_version"])
		if v != "Pending" {
			want(r, id, re.MatchString(v), "node %v runs %s, not %s", m["display_name"], v, in.Version)
		}
	}
	return nil
}

// NMGR-4X-000097.rb: SSH stopped, not started on boot.
func (n *node) x097(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000097"
	if err := n.serviceState(ctx, id, "ssh", "stopped", r); err != nil {
		return err
	}
	d, err := n.doc(ctx, id, "/api/v1/node/services/ssh", r)
	if err == nil && d != nil {
		want(r, id, cmp(field(d, "service_properties", "start_on_boot"), "false"), "SSH starts on boot")
	}
	return err
}

// NMGR-4X-000098.rb: SNMP v2 not configured.
func (n *node) x098(ctx context.Context, _ NSX4Inputs, r Report) error {
	return n.fieldIs(ctx, "NMGR-4X-000098", "/api/v1/node/services/snmp", "false", r, "service_properties", "v2_configured")
}

// NMGR-4X-000099.rb: FIPS mode for load balancers.
func (n *node) x099(ctx context.Context, _ NSX4Inputs, r Report) error {
	return n.fieldIs(ctx, "NMGR-4X-000099", "/policy/api/v1/infra/global-config", "true", r, "fips", "lb_fips_enabled")
}

// NMGR-4X-000102.rb: control cluster STABLE, three management nodes online, a virtual IP
// (IPv4 or IPv6).
func (n *node) x102(ctx context.Context, _ NSX4Inputs, r Report) error {
	const id = "NMGR-4X-000102"
	st, err := n.doc(ctx, id, "/api/v1/cluster/status", r)
	if err != nil {
		return err
	}
	if st != nil {
		want(r, id, cmp(field(st, "control_cluster_status", "status"), "STABLE"), "control cluster %v", field(st, "control_cluster_status", "status"))
		online, _ := field(st, "mgmt_cluster_status", "online_nodes").([]any)
		want(r, id, len(online) == 3, "%d management nodes online", len(online))
	}
	vip, err := n.doc(ctx, id, "/api/v1/cluster/api-virtual-ip", r)
	if err != nil || vip == nil {
		return err
	}
	v4, v6 := fmt.Sprint(vip["ip_address"]), fmt.Sprint(vip["ip6_address"])
	want(r, id, (vip["ip_address"] != nil && v4 != "" && v4 != "0.0.0.0") || (vip["ip6_address"] != nil && v6 != "" && v6 != "::"), "no virtual IP")
	return nil
}
