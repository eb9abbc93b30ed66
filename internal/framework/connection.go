package framework

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// This file is the connection block every manager shares (address, credentials, trust) and
// its resolution, with the environment, into Settings.

// Settings are one manager's resolved connection settings.
type Settings struct {
	Info     Info
	Nodes    []*url.URL
	Username string
	Password string
	TLS      *tls.Config
	Insecure bool
	CAPEM    []byte
	// Secrets are further configured values that must never be shown (an API key's
	// secret is the Password; a client key is one of these).
	Secrets []string
	// AddressFrom is where the addresses came from, for advice: the attribute ("hosts",
	// "host", "url") or the environment variable.
	AddressFrom string
	// WriteHeader is sent with every write (see session.Config.WriteHeader).
	WriteHeader http.Header
	// Extra holds what a manager's own Resolve adds (Illumio: its organization and whether
	// the credentials are an API key); it is part of the pool key.
	Extra any
}

// ConnectionBlock is the block every manager shares; withHosts adds the cluster list.
func ConnectionBlock(info Info, description string, withHosts bool) schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{
		info.AddressAttr(): schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Address of the %s, written `name`, `name:port` or `https://name:port`. Defaults to `%s`.",
				info.Product, info.EnvHost),
		},
		"username": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("User to log in as. Defaults to `%s`.", info.EnvUser),
		},
		"password": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: fmt.Sprintf("Password of `username`. Defaults to `%s`. Sent only to log in, never logged.", info.EnvPass),
		},
		"insecure": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Skip verification of the manager's TLS certificate (labs only). " + EnvDefault(info.EnvInsecure, "`false`"),
		},
		"ca_file": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Path of a PEM file with the CA that signed the manager's certificate. " + EnvDefault(info.EnvCACert, ""),
			Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("ca_pem"))},
		},
		"ca_pem": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "PEM text of the CA that signed the manager's certificate, as an alternative to `ca_file`.",
		},
	}
	if withHosts {
		attrs["hosts"] = schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: "Addresses of the cluster's nodes (or one VIP), each written `name`, `name:port` or `https://name:port`. " +
				"Sessions are per node: each node used gets its own login. Settings NSX keeps per node (its auth policy, node settings and " +
				"services) are applied to every address listed here. Conflicts with `host`.",
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("host")),
			},
		}
	}
	return schema.SingleNestedBlock{MarkdownDescription: description, Attributes: attrs}
}

// EnvDefault says which environment variable, else which value, an attribute defaults to.
func EnvDefault(env, value string) string {
	switch {
	case env != "" && value != "":
		return fmt.Sprintf("Defaults to `%s`, else %s.", env, value)
	case env != "":
		return fmt.Sprintf("Defaults to `%s`.", env)
	case value != "":
		return fmt.Sprintf("Default %s.", value)
	}
	return ""
}

// Connection is the block every manager shares, as configured (null attributes: unset).
type Connection struct {
	Host     types.String
	Hosts    types.List
	Username types.String
	Password types.String
	Insecure types.Bool
	CAFile   types.String
	CAPEM    types.String
	// Attrs are every attribute of the block, the ones a manager adds included.
	Attrs map[string]attrValue
	// NoPassword: the credentials are not a user's password (a client certificate): no
	// username or password is asked for.
	NoPassword bool
}

type attrValue = interface {
	IsNull() bool
	IsUnknown() bool
}

// NullConnection is a block with nothing set.
func NullConnection() *Connection {
	return &Connection{Host: types.StringNull(), Hosts: types.ListNull(types.StringType), Username: types.StringNull(),
		Password: types.StringNull(), Insecure: types.BoolNull(), CAFile: types.StringNull(), CAPEM: types.StringNull()}
}

// ConnectionFrom reads a manager block as the shared model: nil when the block is absent.
// addr names its address attribute (host or url); withHosts, whether it has a hosts list.
func ConnectionFrom(obj types.Object, addr string, withHosts bool) *Connection {
	if obj.IsNull() {
		return nil
	}
	c := NullConnection()
	if obj.IsUnknown() {
		c.Host = types.StringUnknown()
		return c
	}
	a := obj.Attributes()
	c.Attrs = make(map[string]attrValue, len(a))
	for k, v := range a {
		c.Attrs[k] = v
	}
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

// Unknown reports whether any attribute, or any element of hosts, is only known after apply.
func (c *Connection) Unknown() bool {
	if c.Host.IsUnknown() || c.Hosts.IsUnknown() || c.Username.IsUnknown() || c.Password.IsUnknown() ||
		c.Insecure.IsUnknown() || c.CAFile.IsUnknown() || c.CAPEM.IsUnknown() {
		return true
	}
	for _, v := range c.Attrs {
		if v.IsUnknown() {
			return true
		}
	}
	for _, e := range c.Hosts.Elements() {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

// ReadConnection reads the block of info from the provider configuration: nil when neither
// the block nor the environment names a manager; unknown when an attribute is known only
// after apply; a NullConnection when the block is absent but the environment names one.
func ReadConnection(ctx context.Context, info Info, cfg tfsdk.Config, withHosts bool) (c *Connection, unknown bool, diags diag.Diagnostics) {
	var obj types.Object
	diags = cfg.GetAttribute(ctx, path.Root(info.Block), &obj)
	if diags.HasError() {
		return nil, false, diags
	}
	c = ConnectionFrom(obj, info.AddressAttr(), withHosts)
	switch {
	case c != nil && c.Unknown():
		return nil, true, diags
	case c == nil && os.Getenv(info.EnvHost) != "":
		c = NullConnection()
	}
	return c, false, diags
}

// String is the block's attribute name (null where the block has none).
func (c *Connection) String(name string) types.String {
	if v, ok := c.Attrs[name].(types.String); ok {
		return v
	}
	return types.StringNull()
}

// Bool is the block's attribute name (null where the block has none).
func (c *Connection) Bool(name string) types.Bool {
	if v, ok := c.Attrs[name].(types.Bool); ok {
		return v
	}
	return types.BoolNull()
}

// ResolveBlock reads the shared block of info from the provider configuration and resolves it.
func ResolveBlock(ctx context.Context, info Info, cfg tfsdk.Config, withHosts bool) (*Settings, bool, diag.Diagnostics) {
	conn, unknown, diags := ReadConnection(ctx, info, cfg, withHosts)
	if conn == nil || diags.HasError() {
		return nil, unknown, diags
	}
	s, d := Resolve(ctx, info, conn)
	diags.Append(d...)
	return s, false, diags
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

// ParseAddress accepts name, name:port and https://name:port. An address with a user name or
// password in it is refused, and the message shows it with them masked.
func ParseAddress(s string) (*url.URL, error) {
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

// EnvOr is v, or the environment variable env where v is null.
func EnvOr(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// Resolve turns a block (nil when absent) and the environment into settings. It returns nil
// settings and no error when neither the block nor the environment names a host.
func Resolve(ctx context.Context, info Info, c *Connection) (*Settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if c == nil {
		if os.Getenv(info.EnvHost) == "" {
			return nil, nil
		}
		c = NullConnection()
	}
	blockPath := path.Root(info.Block)
	s := &Settings{Info: info}

	var hosts []string
	hostsPath := blockPath.AtName(info.AddressAttr())
	fromEnv := false
	switch {
	case !c.Hosts.IsNull():
		hostsPath = blockPath.AtName("hosts")
		s.AddressFrom = "hosts"
		var elems []types.String
		diags.Append(c.Hosts.ElementsAs(ctx, &elems, false)...)
		for i, e := range elems {
			if e.IsNull() {
				diags.AddAttributeError(hostsPath.AtListIndex(i), "Null "+info.Product+" Address",
					fmt.Sprintf("hosts[%d] is null; every element of hosts must be an address (name, name:port or https://name:port).", i))
				continue
			}
			hosts = append(hosts, e.ValueString())
		}
	case !c.Host.IsNull():
		hosts = []string{c.Host.ValueString()}
		s.AddressFrom = info.AddressAttr()
	default:
		fromEnv = true
		s.AddressFrom = info.EnvHost
		for h := range strings.SplitSeq(os.Getenv(info.EnvHost), ",") {
			if strings.TrimSpace(h) != "" {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 {
		diags.AddAttributeError(hostsPath, "Missing "+info.Product+" Address",
			fmt.Sprintf("The %s block names no manager. Set %s in the block, or the %s environment variable.", info.Block, info.AddressAttr(), info.EnvHost))
	}
	seen := map[string]bool{}
	for i, h := range hosts {
		u, err := ParseAddress(h)
		p := hostsPath
		if hostsPath.Equal(blockPath.AtName("hosts")) {
			p = hostsPath.AtListIndex(i)
		}
		if err != nil {
			detail := err.Error() + "."
			if fromEnv {
				detail = fmt.Sprintf("%s (from %s).", err.Error(), info.EnvHost)
			}
			diags.AddAttributeError(p, "Invalid "+info.Product+" Address", detail)
			continue
		}
		if seen[u.Host] {
			diags.AddAttributeError(p, "Duplicate "+info.Product+" Address", fmt.Sprintf("%s is listed twice.", u.Host))
			continue
		}
		seen[u.Host] = true
		s.Nodes = append(s.Nodes, u)
	}

	if !c.NoPassword {
		s.Username = EnvOr(c.Username, info.EnvUser)
		s.Password = EnvOr(c.Password, info.EnvPass)
		if s.Username == "" {
			diags.AddAttributeError(blockPath.AtName("username"), "Missing "+info.Product+" Username",
				fmt.Sprintf("Set username in the %s block or the %s environment variable.", info.Block, info.EnvUser))
		}
		if s.Password == "" {
			diags.AddAttributeError(blockPath.AtName("password"), "Missing "+info.Product+" Password",
				fmt.Sprintf("Set password in the %s block or the %s environment variable.", info.Block, info.EnvPass))
		}
	}
	if info.Basic {
		diags.Append(BasicUserName(blockPath.AtName("username"), info, s.Username, info.EnvUser)...)
	}

	insecure, insecureFrom := false, ""
	if !c.Insecure.IsNull() {
		insecure, insecureFrom = c.Insecure.ValueBool(), "insecure = true"
	} else if v := os.Getenv(info.EnvInsecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(blockPath.AtName("insecure"), "Invalid "+info.EnvInsecure,
				fmt.Sprintf("%s=%q is not true or false.", info.EnvInsecure, v))
		}
		insecure, insecureFrom = b, info.EnvInsecure+"="+v
	}
	caFile := EnvOr(c.CAFile, info.EnvCACert)
	caPEMSet := !c.CAPEM.IsNull() && c.CAPEM.ValueString() != ""
	if insecure && (caFile != "" || caPEMSet) {
		ca := "ca_pem"
		if !caPEMSet {
			ca = "ca_file"
			if c.CAFile.IsNull() {
				ca += " (from " + info.EnvCACert + ")"
			}
		}
		diags.AddAttributeError(blockPath.AtName("insecure"), "Certificate Verification Both Off and Pinned",
			fmt.Sprintf("The %s block sets %s, which turns certificate verification off, and also %s, which names the CA to verify against. "+
				"Remove one: keep the CA to verify the manager (recommended), or drop it to skip verification in a lab.", info.Block, insecureFrom, ca))
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // opted in by the user
	var caPEM []byte
	caPath := blockPath.AtName("ca_pem")
	switch {
	case caPEMSet:
		caPEM = []byte(c.CAPEM.ValueString())
	case caFile != "":
		caPath = blockPath.AtName("ca_file")
		b, err := os.ReadFile(caFile) //nolint:gosec // the CA file the user names in ca_file or its environment variable
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
	s.TLS = tlsCfg
	if diags.HasError() {
		return nil, diags
	}
	s.Insecure, s.CAPEM = insecure, caPEM
	return s, diags
}

// poolKey identifies the session client of these settings in the pool: the same manager
// configured the same way twice shares one session per node; any difference (credentials,
// trust, limits, what a manager adds) is another client.
func (s *Settings) poolKey(limits Limits) string {
	h := sha256.New()
	_, _ = fmt.Fprintln(h, s.Info.Block, s.Username, s.Password, s.Insecure, string(s.CAPEM), limits, fmt.Sprintf("%+v", s.Extra), s.Secrets, s.WriteHeader)
	for _, n := range s.Nodes {
		_, _ = fmt.Fprintln(h, n.Host)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Settings) sessionConfig(auth session.Authenticator, l Limits) session.Config {
	return session.Config{
		Block: s.Info.Block, Nodes: s.Nodes, TLS: s.TLS,
		RequestTimeout: l.RequestTimeout, MaxRetries: l.MaxRetries,
		RateLimit: l.RateLimit, MaxConcurrency: l.MaxConcurrency,
		Auth: auth, Secrets: append([]string{s.Password}, s.Secrets...), Username: s.Username,
		MaxResponseBytes: l.MaxResponseBytes, ReadBudget: l.ReadBudget, WriteHeader: s.WriteHeader,
	}
}

// BasicUserName refuses a user name that HTTP Basic cannot carry: Basic joins user and
// password with ':', so the manager would split "a:b" into user "a" and the rest into the
// password, and count the failure against another account.
func BasicUserName(p path.Path, info Info, user, env string) diag.Diagnostics {
	var diags diag.Diagnostics
	if strings.Contains(user, ":") {
		diags.AddAttributeError(p, "User Name Not Possible With HTTP Basic",
			fmt.Sprintf("The %s authenticates with HTTP Basic, which separates user name and password with ':'; a user name containing ':' "+
				"(set here or in %s) would reach the manager as a different user, and the failure would count against that account. "+
				"Use the account's name without ':'.", info.Product, env))
	}
	return diags
}
