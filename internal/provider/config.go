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

	"github.com/netsession/terraform-provider-nsx/internal/session"
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

// addressAttr is the name of the block's address attribute.
func (m managerInfo) addressAttr() string {
	if m.hostAttr != "" {
		return m.hostAttr
	}
	return "host"
}

// addressHint names the address attributes for messages.
func (m managerInfo) addressHint() string {
	if m.block == "nsxt" {
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
	insecure bool
	caPEM    []byte
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

// connectionFrom reads a manager block as the shared model: nil when the block is absent.
// addr names its address attribute (host or url); withHosts, whether it has a hosts list.
func connectionFrom(obj types.Object, addr string, withHosts bool) *connectionModel {
	if obj.IsNull() {
		return nil
	}
	c := &connectionModel{
		Host: types.StringNull(), Hosts: types.ListNull(types.StringType), Username: types.StringNull(),
		Password: types.StringNull(), Insecure: types.BoolNull(), CAFile: types.StringNull(), CAPEM: types.StringNull(),
	}
	if obj.IsUnknown() {
		c.Host = types.StringUnknown()
		return c
	}
	a := obj.Attributes()
	str := func(name string, dst *types.String) {
		if v, ok := a[name].(types.String); ok {
			*dst = v
		}
	}
	str(addr, &c.Host)
	str("username", &c.Username)
	str("password", &c.Password)
	str("ca_file", &c.CAFile)
	str("ca_pem", &c.CAPEM)
	if v, ok := a["insecure"].(types.Bool); ok {
		c.Insecure = v
	}
	if v, ok := a["hosts"].(types.List); ok && withHosts {
		c.Hosts = v
	}
	return c
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
func resolve(ctx context.Context, info managerInfo, c *connectionModel) (*managerSettings, diag.Diagnostics) {
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
		b, err := os.ReadFile(caFile) //nolint:gosec // the CA file the user names in ca_file or NSXT_CA_FILE
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

	s.insecure, s.caPEM = insecure, caPEM
	return s, diags
}

// poolKey identifies the session client of these settings in the pool: the same manager
// configured the same way twice shares one session per node; any difference (credentials,
// trust, limits, Illumio's organization or key) is another client.
func (s *managerSettings) poolKey(limits providerLimits) string {
	h := sha256.New()
	_, _ = fmt.Fprintln(h, s.info.block, s.username, s.password, s.insecure, string(s.caPEM), limits, s.orgID, s.apiKey)
	for _, n := range s.nodes {
		_, _ = fmt.Fprintln(h, n.Host)
	}
	return hex.EncodeToString(h.Sum(nil))
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
	concurrencySet bool
	// maxResponseBytes bounds one answer's body.
	maxResponseBytes int64
}

// Managers is the provider data every resource and data source receives: the resolved
// settings of each configured manager block, by block name, and the process's session pool.
// Nothing is contacted until a resource asks for a manager's client (use).
type Managers struct {
	pool     *session.Pool
	limits   providerLimits
	cache    *cacheSettings
	settings map[string]*managerSettings
	// unknown names the blocks whose settings are known only after apply.
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
			"Add %s %s block with %s, username and password, or set the environment variables %s.",
			who, info.product, info.block, info.envHost, article(info.block), info.block, info.addressHint(), info.envList()))
}

// article is "a" or "an" before a block name, by its sound.
func article(word string) string {
	// Letters read out one by one that begin with a vowel sound: N-S-X, S-D-WAN.
	if (word != "" && strings.ContainsRune("aeio", rune(word[0]))) || strings.HasPrefix(word, "nsx") || strings.HasPrefix(word, "sdwan") {
		return "an"
	}
	return "a"
}

// settingsOf is the manager's settings for who (a type name, for messages), or the diagnostic
// that says why there are none: an unconfigured provider, or a block missing or not yet known.
func (m *Managers) settingsOf(info managerInfo, who string) (*managerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		diags.AddError("Provider Not Configured",
			who+" was used before the provider was configured. This is a bug in the provider; please report it.")
		return nil, diags
	}
	s := m.settings[info.block]
	if s == nil {
		diags.Append(m.missing(info, who))
	}
	return s, diags
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
	if m.settings[info.block] == nil {
		diags.Append(m.missing(info, who))
	}
	return diags
}

// known reports whether the block's settings are configured and known, so that a plan may
// contact the manager.
func (m *Managers) known(info managerInfo) bool {
	return m != nil && m.settings[info.block] != nil && !m.unknown[info.block]
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
