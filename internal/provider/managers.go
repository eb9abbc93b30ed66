package provider

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

// This file is where the provider learns of a manager: one spec each, in defaultManagers.
// A spec says what the manager's provider block is called and takes (environment variables
// included), its default limits and idle timeout, how to build its Authenticator and typed
// client, and how to read its version. The provider schema, Configure, the plan-time checks,
// the one generic accessor (use) and nsx_version all work from the table; nothing else lists
// the managers. Adding a manager is a spec here plus its package; an auth method is an
// Authenticator in the manager's package chosen in the spec's auth.

// spec declares one manager whose typed client is C.
type spec[C any] struct {
	managerInfo
	// description is the provider block's description; withHosts adds a `hosts` list.
	description string
	withHosts   bool
	// schemaBlock and settings replace the shared connection block and its resolution, for a
	// manager whose block takes more (Illumio: an org and an API key pair).
	schemaBlock func() schema.Block
	settings    func(ctx context.Context, cfg tfsdk.Config) (*managerSettings, bool, diag.Diagnostics)
	// rate and concurrency are the defaults where rate_limit / max_concurrency are unset
	// (0: the provider-wide default).
	rate        float64
	concurrency int
	// refusal reads the limits a 429 or 503 of the manager states (nil: it states none; the
	// session layer adapts to the refusals alone).
	refusal func(status int, body []byte) session.Refusal
	// idle is how long the manager keeps an unused session, for these settings (nil: unknown).
	idle func(*managerSettings) time.Duration
	// auth builds the Authenticator; client wraps the session client in the typed client.
	auth   func(*managerSettings) session.Authenticator
	client func(*session.Client) (C, error)
	// version reads the manager's version.
	version func(context.Context, C) (versionFacts, error)
	// noCache: the manager's sessions are not kept in the session cache (credentials that
	// travel on every call, nothing to share); nil: every session may be.
	noCache func(*managerSettings) bool
	// keepAlive uses a lent session (nil: reading the version does); a call that also
	// learns the manager's idle timeout is best.
	keepAlive func(context.Context, C) error
}

// manager is a spec of any client type, as the table holds it.
type manager interface {
	info() managerInfo
	providerBlock() schema.Block
	resolve(ctx context.Context, cfg tfsdk.Config) (s *managerSettings, unknown bool, diags diag.Diagnostics)
	readVersion(ctx context.Context, m *Managers, who string) (versionFacts, diag.Diagnostics)
	lend(m *Managers, host types.String, who string) (*lentSession, diag.Diagnostics)
	cacheable(*managerSettings) bool
}

// lentSession is a session opened for another tool (the nsx_session ephemeral resource): its
// own session client, outside the pool, on one node, and a call that keeps it in use.
type lentSession struct {
	client    *session.Client
	keepAlive func(context.Context) error
}

// lend opens, without contacting the manager yet, a session client of its own for the node
// host (null: the block's first node), outside the pool: its session is the borrower's and
// ends when the borrower is done with it.
func (sp *spec[C]) lend(m *Managers, host types.String, who string) (*lentSession, diag.Diagnostics) {
	s, diags := m.settingsOf(sp.managerInfo, who)
	if s == nil {
		return nil, diags
	}
	node := s.nodes[0]
	if !host.IsNull() && !host.IsUnknown() {
		u, err := parseAddress(host.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("host"), "Invalid Address", err.Error()+".")
			return nil, diags
		}
		node = nil
		var names []string
		for _, n := range s.nodes {
			names = append(names, n.Host)
			if strings.EqualFold(n.Host, u.Host) {
				node = n
			}
		}
		if node == nil {
			diags.AddAttributeError(path.Root("host"), "Host Not in the Manager Block",
				fmt.Sprintf("%s is not a node of the %s block; use one of: %s.", u.Host, sp.block, strings.Join(names, ", ")))
			return nil, diags
		}
	}
	cfg := sp.sessionConfig(m, s)
	cfg.Nodes = []*url.URL{node}
	cfg.Fresh = true // the borrower's keep-alive must reach the manager
	sc, err := session.New(cfg)
	if err == nil {
		var c C
		if c, err = sp.client(sc); err == nil {
			keep := func(ctx context.Context) error {
				if sp.keepAlive != nil {
					return sp.keepAlive(ctx, c)
				}
				_, err := sp.version(ctx, c)
				return err
			}
			return &lentSession{client: sc, keepAlive: keep}, diags
		}
	}
	diags.AddError(sp.product+" Client Setup Failed", err.Error())
	return nil, diags
}

// versionFacts is what nsx_version reports; managers fill what they know.
type versionFacts struct {
	Version, NodeVersion, ProductVersion, Build, Product, Type, ReleaseDate string
}

func (sp *spec[C]) info() managerInfo { return sp.managerInfo }

func (sp *spec[C]) cacheable(s *managerSettings) bool { return sp.noCache == nil || !sp.noCache(s) }

func (sp *spec[C]) providerBlock() schema.Block {
	if sp.schemaBlock != nil {
		return sp.schemaBlock()
	}
	return connectionBlock(sp.managerInfo, sp.description, sp.withHosts)
}

// resolve reads the spec's block from the provider configuration (nil when absent) and turns
// it and the environment into settings; unknown reports values known only after apply.
func (sp *spec[C]) resolve(ctx context.Context, cfg tfsdk.Config) (*managerSettings, bool, diag.Diagnostics) {
	if sp.settings != nil {
		return sp.settings(ctx, cfg)
	}
	var obj types.Object
	diags := cfg.GetAttribute(ctx, path.Root(sp.block), &obj)
	if diags.HasError() {
		return nil, false, diags
	}
	conn := connectionFrom(obj, sp.addressAttr(), sp.withHosts)
	if conn != nil && conn.unknown() {
		return nil, true, diags
	}
	s, d := resolve(ctx, sp.managerInfo, conn)
	diags.Append(d...)
	return s, false, diags
}

func (sp *spec[C]) readVersion(ctx context.Context, m *Managers, who string) (versionFacts, diag.Diagnostics) {
	c, diags := use(ctx, m, sp, who)
	if diags.HasError() {
		return versionFacts{}, diags
	}
	v, err := sp.version(ctx, c)
	if err != nil {
		diags.AddError("Reading the "+sp.product+" Version Failed", "Reading the version failed: "+err.Error())
	}
	return v, diags
}

// use is the one accessor: the manager's typed client for who (a type name, for messages),
// creating its session client in the pool on first use. It contacts nothing itself.
func use[C any](ctx context.Context, m *Managers, sp *spec[C], who string) (C, diag.Diagnostics) {
	var zero C
	s, diags := m.settingsOf(sp.managerInfo, who)
	if s == nil {
		return zero, diags
	}
	sc, err := m.pool.Client(ctx, s.poolKey(m.limits), func() (*session.Client, error) {
		cfg := sp.sessionConfig(m, s)
		var d diag.Diagnostics
		cfg.Store, cfg.StoreMode, d = m.storeFor(sp, s)
		diags.Append(d...)
		if m.cache != nil {
			cfg.RefusalTTL = m.cache.refusalTTL
		}
		return session.New(cfg)
	})
	if err == nil {
		var c C
		if c, err = sp.client(sc); err == nil {
			return c, diags
		}
	}
	diags.AddError(sp.product+" Client Setup Failed", err.Error())
	return zero, diags
}

// sessionConfig is the session configuration of these settings: the provider's limits, or the
// manager's own defaults where rate_limit and max_concurrency are unset, its Authenticator,
// its idle timeout and the provider's advice for its errors.
func (sp *spec[C]) sessionConfig(m *Managers, s *managerSettings) session.Config {
	l := m.limits
	if !l.rateLimitSet && sp.rate > 0 {
		l.rateLimit = sp.rate
	}
	if !l.concurrencySet && sp.concurrency > 0 {
		l.maxConcurrency = sp.concurrency
	}
	cfg := s.sessionConfig(sp.auth(s), l)
	cfg.AdoptRate, cfg.AdoptConcurrency = !l.rateLimitSet, !l.concurrencySet
	cfg.Refusal = sp.refusal
	cfg.Explain = hinter(sp.managerInfo, s)
	if sp.idle != nil {
		cfg.IdleTimeout = sp.idle(s)
	}
	return cfg
}

// always returns d whatever the settings: for fixed idle timeouts.
func always(d time.Duration) func(*managerSettings) time.Duration {
	return func(*managerSettings) time.Duration { return d }
}

var nsxtSpec = &spec[*nsxt.Client]{
	managerInfo: managerInfo{
		block: "nsxt", product: "NSX Manager",
		envHost: "NSXT_MANAGER_HOST", envUser: "NSXT_USERNAME", envPass: "NSXT_PASSWORD",
		envIns: "NSXT_ALLOW_UNVERIFIED_SSL", envCA: "NSXT_CA_FILE",
	},
	description: "Connection to an NSX Manager (NSX-T, VCF 9) or its cluster. " +
		"Unset attributes come from `NSXT_MANAGER_HOST`, `NSXT_USERNAME`, `NSXT_PASSWORD`, `NSXT_ALLOW_UNVERIFIED_SSL` and `NSXT_CA_FILE`; " +
		"with those set, the block may be left out.",
	withHosts:   true,
	rate:        nsxt.DefaultRateLimit,
	concurrency: nsxt.DefaultMaxConcurrency,
	refusal:     nsxt.Refusal,
	idle:        always(nsxt.IdleTimeout),
	auth: func(s *managerSettings) session.Authenticator {
		return &nsxt.Auth{Username: s.username, Password: s.password}
	},
	client: func(sc *session.Client) (*nsxt.Client, error) { return nsxt.NewClient(sc), nil },
	// Reading the api-service configuration learns the manager's session_timeout.
	keepAlive: func(ctx context.Context, c *nsxt.Client) error {
		_, err := c.GetAPIService(ctx)
		return err
	},
	version: func(ctx context.Context, c *nsxt.Client) (versionFacts, error) {
		v, err := c.NodeVersion(ctx)
		if err != nil {
			return versionFacts{}, err
		}
		return versionFacts{Version: v.ProductVersion, NodeVersion: v.NodeVersion, ProductVersion: v.ProductVersion}, nil
	},
}

var nsxvSpec = &spec[*nsxv.Client]{
	managerInfo: managerInfo{
		block: "nsxv", product: "NSX-v Manager",
		envHost: "NSXV_MANAGER_HOST", envUser: "NSXV_USERNAME", envPass: "NSXV_PASSWORD",
		envIns: "NSXV_ALLOW_UNVERIFIED_SSL", envCA: "NSXV_CA_FILE",
		basic: true,
	},
	description: "Connection to an NSX for vSphere (NSX-v) Manager. The provider logs in with an auth token " +
		"(NSX-v 6.4 and later) and falls back to HTTP Basic on every call where the manager has none. " +
		"Unset attributes come from `NSXV_MANAGER_HOST`, `NSXV_USERNAME`, `NSXV_PASSWORD`, `NSXV_ALLOW_UNVERIFIED_SSL` and `NSXV_CA_FILE`; " +
		"with those set, the block may be left out.",
	auth: func(s *managerSettings) session.Authenticator {
		return &nsxv.Auth{Username: s.username, Password: s.password}
	},
	// Before 6.4 NSX-v takes HTTP Basic on every call; its tokens lapse on their own.
	noCache: func(*managerSettings) bool { return true },
	client:  func(sc *session.Client) (*nsxv.Client, error) { return nsxv.NewClient(sc), nil },
	version: func(ctx context.Context, c *nsxv.Client) (versionFacts, error) {
		g, err := c.GlobalInfo(ctx)
		if err != nil {
			return versionFacts{}, err
		}
		return versionFacts{Version: g.VersionInfo.Version(), Build: g.VersionInfo.Build}, nil
	},
}

var sdwanSpec = &spec[*sdwan.Client]{
	managerInfo: managerInfo{
		block: "sdwan", product: "SD-WAN Manager", hostAttr: "url",
		envHost: "SDWAN_URL", envUser: "SDWAN_USERNAME", envPass: "SDWAN_PASSWORD",
	},
	description: "Connection to a Cisco Catalyst SD-WAN Manager (vManage). The provider logs in once per run " +
		"(form login and XSRF token), renews an expired session once, and always logs out when Terraform is done, so it never holds " +
		"one of the manager's 100 session slots after a run. Unset attributes come from `SDWAN_URL`, `SDWAN_USERNAME` and `SDWAN_PASSWORD`; " +
		"with those set, the block may be left out.",
	rate: sdwan.DefaultRateLimit,
	idle: always(sdwan.IdleTimeout),
	auth: func(s *managerSettings) session.Authenticator {
		return &sdwan.Auth{Username: s.username, Password: s.password}
	},
	client: func(sc *session.Client) (*sdwan.Client, error) { return sdwan.NewClient(sc), nil },
	version: func(ctx context.Context, c *sdwan.Client) (versionFacts, error) {
		v, err := c.Version(ctx)
		return versionFacts{Version: v}, err
	},
}

// illumioInfo stands apart from its spec only because the spec's settings hook reads it.
var illumioInfo = managerInfo{ //nolint:gosec // environment variable names, not secrets
	block: "illumio", product: "Illumio PCE",
	envHost: "ILLUMIO_PCE_HOST", envUser: "ILLUMIO_PCE_USERNAME", envPass: "ILLUMIO_PCE_PASSWORD",
}

var illumioSpec = &spec[*illumio.Client]{
	managerInfo: illumioInfo,
	schemaBlock: func() schema.Block { return illumioBlock() },
	settings:    illumioSettings,
	rate:        illumio.DefaultRateLimit,
	idle: func(s *managerSettings) time.Duration {
		if s.apiKey {
			return 0 // an API key does not idle out
		}
		return illumio.IdleTimeout
	},
	auth: func(s *managerSettings) session.Authenticator {
		return &illumio.Auth{Username: s.username, Password: s.password, Key: s.apiKey}
	},
	noCache: func(s *managerSettings) bool { return s.apiKey }, // an API key has no session
	client:  func(sc *session.Client) (*illumio.Client, error) { return illumio.NewClient(sc), nil },
	version: func(ctx context.Context, c *illumio.Client) (versionFacts, error) {
		v, err := c.ProductVersion(ctx)
		if err != nil {
			return versionFacts{}, err
		}
		f := versionFacts{Version: v.Version}
		if v.Build != 0 {
			f.Build = strconv.FormatInt(v.Build, 10)
		}
		return f, nil
	},
}

var vcenterSpec = &spec[*vcenter.Client]{
	managerInfo: managerInfo{
		block: "vcenter", product: "vCenter",
		envHost: "VSPHERE_SERVER", envUser: "VSPHERE_USER", envPass: "VSPHERE_PASSWORD", envIns: "VSPHERE_ALLOW_UNVERIFIED_SSL",
		basic: true,
	},
	description: "Connection to a vCenter Server (vSphere Automation REST API). The provider creates one CIS session per run " +
		"(`POST /api/session`, or the legacy `/rest/com/vmware/cis/session` before vCenter 7.0 U2), renews it once when it expires, and deletes it when " +
		"Terraform is done. Unset attributes come from `VSPHERE_SERVER`, `VSPHERE_USER`, `VSPHERE_PASSWORD` and `VSPHERE_ALLOW_UNVERIFIED_SSL`, " +
		"the variables of the vSphere provider; with those set, the block may be left out.",
	idle: always(vcenter.IdleTimeout),
	auth: func(s *managerSettings) session.Authenticator {
		return &vcenter.Auth{Username: s.username, Password: s.password}
	},
	client: func(sc *session.Client) (*vcenter.Client, error) {
		// The client's wire format follows what the login found (/api or the legacy /rest).
		a, ok := sc.Authenticator().(*vcenter.Auth)
		if !ok {
			return nil, fmt.Errorf("the session client has no vCenter authenticator; this is a bug in the provider")
		}
		return vcenter.NewClient(sc, a), nil
	},
	version: func(ctx context.Context, c *vcenter.Client) (versionFacts, error) {
		v, err := c.Version(ctx)
		if err != nil {
			return versionFacts{}, err
		}
		return versionFacts{Version: v.Version, Build: v.Build, Product: v.Product, Type: v.Type, ReleaseDate: v.ReleaseDate}, nil
	},
}

// defaultManagers is every manager the provider serves, in the order of its documentation.
var defaultManagers = []manager{nsxtSpec, nsxvSpec, sdwanSpec, illumioSpec, vcenterSpec}

// managerNames lists the table's block names, sorted.
func managerNames(table []manager) []string {
	out := make([]string, 0, len(table))
	for _, m := range table {
		out = append(out, m.info().block)
	}
	sort.Strings(out)
	return out
}

// lookup finds the table entry of block.
func lookup(table []manager, block string) manager {
	for _, m := range table {
		if m.info().block == block {
			return m
		}
	}
	return nil
}

// quotedNames writes names as `a`, `b` and `c` for descriptions.
func quotedNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}
