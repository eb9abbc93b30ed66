package provider

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

// managerInfo describes one manager block: its name, what it is called, and the environment
// variables that stand in for its attributes.
type managerInfo struct {
	block   string
	product string
	// hostAttr names the address attribute: "host", or "url" where the vendor's tools say URL.
	hostAttr string
	envHost  string
	envUser  string
	envPass  string
	envIns   string
	envCA    string
	// basic: the manager takes the user name in HTTP Basic, which cannot carry a ':' in it.
	basic bool
}

var nsxtInfo = managerInfo{
	block: "nsxt", product: "NSX Manager",
	envHost: "NSXT_MANAGER_HOST", envUser: "NSXT_USERNAME", envPass: "NSXT_PASSWORD",
	envIns: "NSXT_ALLOW_UNVERIFIED_SSL", envCA: "NSXT_CA_FILE",
}

var sdwanInfo = managerInfo{
	block: "sdwan", product: "SD-WAN Manager", hostAttr: "url",
	envHost: "SDWAN_URL", envUser: "SDWAN_USERNAME", envPass: "SDWAN_PASSWORD",
}

var vcenterInfo = managerInfo{
	block: "vcenter", product: "vCenter",
	envHost: "VSPHERE_SERVER", envUser: "VSPHERE_USER", envPass: "VSPHERE_PASSWORD", envIns: "VSPHERE_ALLOW_UNVERIFIED_SSL",
	basic: true,
}

var nsxvInfo = managerInfo{
	block: "nsxv", product: "NSX-v Manager",
	envHost: "NSXV_MANAGER_HOST", envUser: "NSXV_USERNAME", envPass: "NSXV_PASSWORD",
	envIns: "NSXV_ALLOW_UNVERIFIED_SSL", envCA: "NSXV_CA_FILE",
	basic: true,
}

// addressAttr is the name of the block's address attribute.
func (m managerInfo) addressAttr() string {
	if m.hostAttr != "" {
		return m.hostAttr
	}
	return "host"
}

// addressHint names the address attributes for messages.
func (m managerInfo) addressHint() string {
	if m.block == nsxtInfo.block {
		return "host (or hosts)"
	}
	return m.addressAttr()
}

func (m managerInfo) envList() string {
	return strings.Join([]string{m.envHost, m.envUser, m.envPass}, ", ")
}

// managerSettings are one manager's resolved connection settings.
type managerSettings struct {
	info     managerInfo
	nodes    []*url.URL
	username string
	password string
	tls      *tls.Config
	key      string
	// Illumio: the organization (0: from the login answer) and whether the credentials are an API key.
	orgID  int64
	apiKey bool
}

// connectionModel is the block every manager shares.
type connectionModel struct {
	Host     types.String `tfsdk:"host"`
	Hosts    types.List   `tfsdk:"hosts"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	Insecure types.Bool   `tfsdk:"insecure"`
	CAFile   types.String `tfsdk:"ca_file"`
	CAPEM    types.String `tfsdk:"ca_pem"`
}

// hostModel is the block of a manager that is a single host (no `hosts`).
type hostModel struct {
	Host     types.String `tfsdk:"host"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	Insecure types.Bool   `tfsdk:"insecure"`
	CAFile   types.String `tfsdk:"ca_file"`
	CAPEM    types.String `tfsdk:"ca_pem"`
}

// urlModel is the block of a manager addressed by `url`.
type urlModel struct {
	URL      types.String `tfsdk:"url"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	Insecure types.Bool   `tfsdk:"insecure"`
	CAFile   types.String `tfsdk:"ca_file"`
	CAPEM    types.String `tfsdk:"ca_pem"`
}

// connection is the block as the shared model (nil when the block is absent).
func (u *urlModel) connection() *connectionModel {
	if u == nil {
		return nil
	}
	return (&hostModel{Host: u.URL, Username: u.Username, Password: u.Password, Insecure: u.Insecure, CAFile: u.CAFile, CAPEM: u.CAPEM}).connection()
}

// connection is the block as the shared model (nil when the block is absent).
func (h *hostModel) connection() *connectionModel {
	if h == nil {
		return nil
	}
	return &connectionModel{Host: h.Host, Hosts: types.ListNull(types.StringType), Username: h.Username,
		Password: h.Password, Insecure: h.Insecure, CAFile: h.CAFile, CAPEM: h.CAPEM}
}

// unknown reports whether any attribute, or any element of hosts, is only known after apply.
func (c *connectionModel) unknown() bool {
	if c.Host.IsUnknown() || c.Hosts.IsUnknown() || c.Username.IsUnknown() || c.Password.IsUnknown() ||
		c.Insecure.IsUnknown() || c.CAFile.IsUnknown() || c.CAPEM.IsUnknown() {
		return true
	}
	for _, e := range c.Hosts.Elements() {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

// redactUserinfo replaces a user name and password written into an address with "***", so
// that an error or log about the address never repeats them.
func redactUserinfo(s string) string {
	rest, scheme := s, ""
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		return scheme + "***@" + authority[i+1:] + tail
	}
	return s
}

// parseAddress accepts name, name:port and https://name:port. An address with a user name or
// password in it is refused, and the message shows it with them masked.
func parseAddress(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("the address is empty")
	}
	shown := redactUserinfo(s)
	if shown != s {
		return nil, fmt.Errorf("%q carries a user name or password; write name, name:port or https://name:port, "+
			"and give the credentials as username and password", shown)
	}
	raw := s
	if !strings.Contains(s, "://") {
		raw = "https://" + s
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid address", s)
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("%q uses %s://; the managers' APIs are served over HTTPS only, write name, name:port or https://name:port", s, u.Scheme)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q has more than a host and port; write name, name:port or https://name:port", s)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("%q has no host name", s)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q has an invalid port %q", s, p)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, fmt.Errorf("%q has an empty port", s)
	}
	return &url.URL{Scheme: "https", Host: u.Host}, nil
}

func envOr(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// resolve turns a block (nil when absent) and the environment into settings. It returns nil
// settings and no error when neither the block nor the environment names a host.
func resolve(ctx context.Context, info managerInfo, c *connectionModel, limits providerLimits) (*managerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if c == nil {
		c = &connectionModel{
			Host: types.StringNull(), Hosts: types.ListNull(types.StringType), Username: types.StringNull(),
			Password: types.StringNull(), Insecure: types.BoolNull(), CAFile: types.StringNull(), CAPEM: types.StringNull(),
		}
		if os.Getenv(info.envHost) == "" {
			return nil, nil
		}
	}
	blockPath := path.Root(info.block)
	s := &managerSettings{info: info}

	var hosts []string
	hostsPath := blockPath.AtName(info.addressAttr())
	switch {
	case !c.Hosts.IsNull():
		hostsPath = blockPath.AtName("hosts")
		var elems []types.String
		diags.Append(c.Hosts.ElementsAs(ctx, &elems, false)...)
		for i, e := range elems {
			if e.IsNull() {
				diags.AddAttributeError(hostsPath.AtListIndex(i), "Null "+info.product+" Address",
					fmt.Sprintf("hosts[%d] is null; every element of hosts must be an address (name, name:port or https://name:port).", i))
				continue
			}
			hosts = append(hosts, e.ValueString())
		}
	case !c.Host.IsNull():
		hosts = []string{c.Host.ValueString()}
	default:
		for _, h := range strings.Split(os.Getenv(info.envHost), ",") {
			if strings.TrimSpace(h) != "" {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 {
		diags.AddAttributeError(hostsPath, "Missing "+info.product+" Address",
			fmt.Sprintf("The %s block names no manager. Set %s in the block, or the %s environment variable.", info.block, info.addressAttr(), info.envHost))
	}
	seen := map[string]bool{}
	for i, h := range hosts {
		u, err := parseAddress(h)
		p := hostsPath
		if hostsPath.Equal(blockPath.AtName("hosts")) {
			p = hostsPath.AtListIndex(i)
		}
		if err != nil {
			diags.AddAttributeError(p, "Invalid "+info.product+" Address", err.Error()+".")
			continue
		}
		if seen[u.Host] {
			diags.AddAttributeError(p, "Duplicate "+info.product+" Address", fmt.Sprintf("%s is listed twice.", u.Host))
			continue
		}
		seen[u.Host] = true
		s.nodes = append(s.nodes, u)
	}

	s.username = envOr(c.Username, info.envUser)
	s.password = envOr(c.Password, info.envPass)
	if s.username == "" {
		diags.AddAttributeError(blockPath.AtName("username"), "Missing "+info.product+" Username",
			fmt.Sprintf("Set username in the %s block or the %s environment variable.", info.block, info.envUser))
	}
	if s.password == "" {
		diags.AddAttributeError(blockPath.AtName("password"), "Missing "+info.product+" Password",
			fmt.Sprintf("Set password in the %s block or the %s environment variable.", info.block, info.envPass))
	}
	if info.basic {
		diags.Append(basicUserName(blockPath.AtName("username"), info, s.username, info.envUser)...)
	}

	insecure, insecureFrom := false, ""
	if !c.Insecure.IsNull() {
		insecure, insecureFrom = c.Insecure.ValueBool(), "insecure = true"
	} else if v := os.Getenv(info.envIns); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(blockPath.AtName("insecure"), "Invalid "+info.envIns,
				fmt.Sprintf("%s=%q is not true or false.", info.envIns, v))
		}
		insecure, insecureFrom = b, info.envIns+"="+v
	}
	caFileSet := envOr(c.CAFile, info.envCA) != ""
	caPEMSet := !c.CAPEM.IsNull() && c.CAPEM.ValueString() != ""
	if insecure && (caFileSet || caPEMSet) {
		ca := "ca_pem"
		if !caPEMSet {
			ca = "ca_file"
			if c.CAFile.IsNull() {
				ca += " (from " + info.envCA + ")"
			}
		}
		diags.AddAttributeError(blockPath.AtName("insecure"), "Certificate Verification Both Off and Pinned",
			fmt.Sprintf("The %s block sets %s, which turns certificate verification off, and also %s, which names the CA to verify against. "+
				"Remove one: keep the CA to verify the manager (recommended), or drop it to skip verification in a lab.", info.block, insecureFrom, ca))
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // opted in by the user
	caFile := envOr(c.CAFile, info.envCA)
	var caPEM []byte
	caPath := blockPath.AtName("ca_pem")
	switch {
	case !c.CAPEM.IsNull() && c.CAPEM.ValueString() != "":
		caPEM = []byte(c.CAPEM.ValueString())
	case caFile != "":
		caPath = blockPath.AtName("ca_file")
		b, err := os.ReadFile(caFile)
		if err != nil {
			diags.AddAttributeError(caPath, "Unreadable CA File", fmt.Sprintf("Reading %s: %v.", caFile, err))
		}
		caPEM = b
	}
	if len(caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			diags.AddAttributeError(caPath, "Invalid CA Certificate",
				"No PEM-encoded certificate was found; give the manager's CA certificate, beginning with -----BEGIN CERTIFICATE-----.")
		}
		tlsCfg.RootCAs = pool
	}
	s.tls = tlsCfg
	if diags.HasError() {
		return nil, diags
	}

	h := sha256.New()
	fmt.Fprintln(h, info.block, s.username, s.password, insecure, string(caPEM), limits)
	for _, n := range s.nodes {
		fmt.Fprintln(h, n.Host)
	}
	s.key = hex.EncodeToString(h.Sum(nil))
	return s, diags
}

func (s *managerSettings) sessionConfig(auth session.Authenticator, l providerLimits) session.Config {
	return session.Config{
		Block: s.info.block, Nodes: s.nodes, TLS: s.tls,
		RequestTimeout: l.requestTimeout, MaxRetries: l.maxRetries,
		RateLimit: l.rateLimit, MaxConcurrency: l.maxConcurrency,
		Auth: auth, Secrets: []string{s.password}, Username: s.username,
		MaxResponseBytes: l.maxResponseBytes,
	}
}

// providerLimits are the provider-wide request settings.
type providerLimits struct {
	requestTimeout time.Duration
	maxRetries     int
	rateLimit      float64
	rateLimitSet   bool
	maxConcurrency int
	// maxResponseBytes bounds one answer's body.
	maxResponseBytes int64
}

// Managers is the provider data every resource and data source receives: the resolved
// settings of each manager block and the process's session pool. Nothing is contacted until
// a resource asks for a manager's client.
type Managers struct {
	pool    *session.Pool
	limits  providerLimits
	nsxt    *managerSettings
	nsxv    *managerSettings
	sdwan   *managerSettings
	illumio *managerSettings
	vcenter *managerSettings
	unknown map[string]bool
}

func (m *Managers) missing(info managerInfo, who string) diag.Diagnostic {
	if m.unknown[info.block] {
		return diag.NewErrorDiagnostic("Provider "+info.block+" Settings Not Yet Known",
			fmt.Sprintf("%s needs the %s, but some attributes of the provider's %s block depend on values known only after apply. "+
				"Apply the resources they depend on first (for example with -target), or give the block known values.", who, info.product, info.block))
	}
	return diag.NewErrorDiagnostic("Missing "+info.block+" Configuration",
		fmt.Sprintf("%s needs the %s, but the provider \"nsx\" block has no %s block and %s is not set. "+
			"Add an %s block with %s, username and password, or set the environment variables %s.",
			who, info.product, info.block, info.envHost, info.block, info.addressHint(), info.envList()))
}

// NSXT returns the NSX Manager client, creating its session client on first use.
func (m *Managers) NSXT(ctx context.Context, who string) (*nsxt.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil || m.nsxt == nil {
		diags.Append(m.missingOrUnconfigured(nsxtInfo, who))
		return nil, diags
	}
	s := m.nsxt
	sc, err := m.pool.Client(ctx, s.key, func() (*session.Client, error) {
		cfg := s.sessionConfig(&nsxt.Auth{Username: s.username, Password: s.password}, m.limits)
		cfg.IdleTimeout = nsxt.DefaultSessionTimeout
		return session.New(cfg)
	})
	if err != nil {
		diags.AddError("NSX Client Setup Failed", err.Error())
		return nil, diags
	}
	return nsxt.NewClient(sc), diags
}

// NSXV returns the NSX-v Manager client, creating its session client on first use.
func (m *Managers) NSXV(ctx context.Context, who string) (*nsxv.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil || m.nsxv == nil {
		diags.Append(m.missingOrUnconfigured(nsxvInfo, who))
		return nil, diags
	}
	s := m.nsxv
	sc, err := m.pool.Client(ctx, s.key, func() (*session.Client, error) {
		return session.New(s.sessionConfig(&nsxv.Auth{Username: s.username, Password: s.password}, m.limits))
	})
	if err != nil {
		diags.AddError("NSX-v Client Setup Failed", err.Error())
		return nil, diags
	}
	return nsxv.NewClient(sc), diags
}

// VCenter returns the vCenter client, creating its session client on first use.
func (m *Managers) VCenter(ctx context.Context, who string) (*vcenter.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil || m.vcenter == nil {
		diags.Append(m.missingOrUnconfigured(vcenterInfo, who))
		return nil, diags
	}
	s := m.vcenter
	sc, err := m.pool.Client(ctx, s.key, func() (*session.Client, error) {
		cfg := s.sessionConfig(&vcenter.Auth{Username: s.username, Password: s.password}, m.limits)
		cfg.IdleTimeout = vcenter.SessionIdle
		return session.New(cfg)
	})
	if err != nil {
		diags.AddError("vCenter Client Setup Failed", err.Error())
		return nil, diags
	}
	a, ok := sc.Authenticator().(*vcenter.Auth)
	if !ok {
		diags.AddError("vCenter Client Setup Failed", "the session client has no vCenter authenticator; this is a bug in the provider")
		return nil, diags
	}
	return vcenter.NewClient(sc, a), diags
}

// SDWAN returns the SD-WAN Manager client, creating its session client on first use.
func (m *Managers) SDWAN(ctx context.Context, who string) (*sdwan.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil || m.sdwan == nil {
		diags.Append(m.missingOrUnconfigured(sdwanInfo, who))
		return nil, diags
	}
	s := m.sdwan
	sc, err := m.pool.Client(ctx, s.key, func() (*session.Client, error) {
		cfg := s.sessionConfig(&sdwan.Auth{Username: s.username, Password: s.password}, m.limits)
		cfg.IdleTimeout = sdwan.IdleTimeout
		return session.New(cfg)
	})
	if err != nil {
		diags.AddError("SD-WAN Client Setup Failed", err.Error())
		return nil, diags
	}
	return sdwan.NewClient(sc), diags
}

func (m *Managers) missingOrUnconfigured(info managerInfo, who string) diag.Diagnostic {
	if m == nil {
		return diag.NewErrorDiagnostic("Provider Not Configured",
			who+" was used before the provider was configured. This is a bug in the provider; please report it.")
	}
	return m.missing(info, who)
}

// requireAtPlan reports, when a resource is planned, a manager block that is missing, with
// the same message the resource would give at apply, so that a plan never promises what the
// apply must refuse. Settings that are not yet known are left for the apply, and so is an
// unconfigured provider (its configuration is unknown during validation).
func (m *Managers) requireAtPlan(info managerInfo, who string) diag.Diagnostics {
	var diags diag.Diagnostics
	if m == nil || m.unknown[info.block] {
		return diags
	}
	var s *managerSettings
	switch info.block {
	case nsxtInfo.block:
		s = m.nsxt
	case nsxvInfo.block:
		s = m.nsxv
	case sdwanInfo.block:
		s = m.sdwan
	case illumioInfo.block:
		s = m.illumio
	case vcenterInfo.block:
		s = m.vcenter
	}
	if s == nil {
		diags.Append(m.missing(info, who))
	}
	return diags
}

// basicUserName refuses a user name that HTTP Basic cannot carry: Basic joins user and
// password with ':', so the manager would split "a:b" into user "a" and the rest into the
// password, and count the failure against another account.
func basicUserName(p path.Path, info managerInfo, user, env string) diag.Diagnostics {
	var diags diag.Diagnostics
	if strings.Contains(user, ":") {
		diags.AddAttributeError(p, "User Name Not Possible With HTTP Basic",
			fmt.Sprintf("The %s authenticates with HTTP Basic, which separates user name and password with ':'; a user name containing ':' "+
				"(set here or in %s) would reach the manager as a different user, and the failure would count against that account. "+
				"Use the account's name without ':'.", info.product, env))
	}
	return diags
}
