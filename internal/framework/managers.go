// Package framework holds what every resource, data source and ephemeral resource of the
// provider shares on the Terraform side: the managers a configuration set up (the provider
// data) and the one accessor that turns a manager's spec into its typed client; the start of
// an operation under its timeout; the timeouts attributes; diagnostics, values and
// validators; and the state encoder of large reads. It knows Terraform and the session
// layer; wire formats stay in the manager packages.
package framework

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Spec declares one manager whose typed client is C: what its provider block is called and
// takes (environment variables included), its default limits and idle timeout, how to build
// its Authenticator and typed client, how to read its version, and the advice its errors
// need beyond the shared advice. The provider schema, Configure, the plan-time checks, Use,
// nsx_version and nsx_session all work from a table of specs; nothing else names managers.
type Spec[C any] struct {
	Info
	// Description is the provider block's description; WithHosts adds a `hosts` list.
	Description string
	WithHosts   bool
	// ExtendBlock changes the shared connection block (attributes a manager takes beyond
	// it); nil: the shared block as it is.
	ExtendBlock func(schema.SingleNestedBlock) schema.SingleNestedBlock
	// ResolveSettings replaces the shared resolution of the block into settings, for a manager whose
	// block means more (Illumio: an organization and an API key pair). nil: ResolveBlock.
	ResolveSettings func(ctx context.Context, info Info, cfg tfsdk.Config) (*Settings, bool, diag.Diagnostics)
	// Rate and Concurrency are the defaults where rate_limit and max_concurrency are unset
	// (0: the provider-wide default).
	Rate        float64
	Concurrency int
	// Refusal reads the limits a 429 or 503 of the manager states (nil: it states none).
	Refusal func(status int, body []byte) session.Refusal
	// Idle is how long the manager keeps an unused session, for these settings (nil: unknown).
	Idle func(*Settings) time.Duration
	// Auth builds the Authenticator; Client wraps the session client in the typed client.
	Auth   func(*Settings) session.Authenticator
	Client func(*session.Client) (C, error)
	// Version reads the manager's version.
	Version func(context.Context, C) (VersionFacts, error)
	// NotFound is the client's error for an object the manager does not hold (Refresh
	// removes such a resource from the state); nil: the manager's types have no such case.
	NotFound error
	// NoCache: the manager's sessions are not kept in the session cache (nothing to share);
	// nil: every session may be.
	NoCache func(*Settings) bool
	// KeepAlive uses a lent session (nil: reading the version does); a call that also learns
	// the manager's idle timeout is best.
	KeepAlive func(context.Context, C) error
	// Hint advises on an error of this manager before the shared advice of its kind ("":
	// the shared advice).
	Hint func(err error, s *Settings) string
	// Lendable refuses to lend a session for these settings, with the reason (nil: every
	// session can be lent).
	Lendable func(*Settings) error
}

// Info names one manager block: what it is called, its product, and the environment
// variables that stand in for its attributes.
type Info struct {
	Block   string
	Product string
	// HostAttr names the address attribute: "host" (default), or "url" where the vendor's
	// tools say URL.
	HostAttr                                          string
	EnvHost, EnvUser, EnvPass, EnvInsecure, EnvCACert string
	// Basic: the manager takes the user name in HTTP Basic, which cannot carry a ':'.
	Basic bool
	// Article is the article messages put before the block's name, by its sound ("an nsxt
	// block"); default "a".
	Article string
}

// AddressAttr is the name of the block's address attribute.
func (i Info) AddressAttr() string {
	if i.HostAttr != "" {
		return i.HostAttr
	}
	return "host"
}

func (i Info) article() string {
	if i.Article != "" {
		return i.Article
	}
	return "a"
}

// VersionFacts is what nsx_version reports; managers fill what they know.
type VersionFacts struct {
	Version, NodeVersion, ProductVersion, Build, Product, Type, ReleaseDate string
}

// Manager is a Spec of any client type, as the provider's table holds it.
type Manager interface {
	About() Info
	ProviderBlock() schema.Block
	Resolve(ctx context.Context, cfg tfsdk.Config) (s *Settings, unknown bool, diags diag.Diagnostics)
	ReadVersion(ctx context.Context, m *Managers, who string) (VersionFacts, diag.Diagnostics)
	Lend(m *Managers, host types.String, who string) (*LentSession, diag.Diagnostics)
	Cacheable(*Settings) bool
	sessionConfig(m *Managers, s *Settings) session.Config
}

// About is the spec's Info.
func (sp *Spec[C]) About() Info { return sp.Info }

// Cacheable reports whether sessions of these settings may go into the session cache.
func (sp *Spec[C]) Cacheable(s *Settings) bool { return sp.NoCache == nil || !sp.NoCache(s) }

// ProviderBlock is the manager's block in the provider schema.
func (sp *Spec[C]) ProviderBlock() schema.Block {
	b := ConnectionBlock(sp.Info, sp.Description, sp.WithHosts)
	if sp.ExtendBlock != nil {
		b = sp.ExtendBlock(b)
	}
	return b
}

// Resolve reads the spec's block from the provider configuration (nil settings when absent)
// and turns it and the environment into settings; unknown reports values known only after
// apply.
func (sp *Spec[C]) Resolve(ctx context.Context, cfg tfsdk.Config) (*Settings, bool, diag.Diagnostics) {
	if sp.ResolveSettings != nil {
		return sp.ResolveSettings(ctx, sp.Info, cfg)
	}
	return ResolveBlock(ctx, sp.Info, cfg, sp.WithHosts)
}

// ReadVersion reads the manager's version for who (a type name, for messages).
func (sp *Spec[C]) ReadVersion(ctx context.Context, m *Managers, who string) (VersionFacts, diag.Diagnostics) {
	c, diags := Use(ctx, m, sp, who)
	if diags.HasError() {
		return VersionFacts{}, diags
	}
	v, err := sp.Version(ctx, c)
	if err != nil {
		m.ReadFailed(&diags, "the "+sp.Product+" Version", "Reading the version", err)
	}
	return v, diags
}

// Use is the one accessor: the manager's typed client for who (a type name, for messages),
// creating its session client in the pool on first use. It contacts nothing itself.
func Use[C any](ctx context.Context, m *Managers, sp *Spec[C], who string) (C, diag.Diagnostics) {
	var zero C
	s, diags := m.SettingsOf(sp.Info, who)
	if s == nil {
		return zero, diags
	}
	sc, err := m.Pool.Client(ctx, s.poolKey(m.Limits), func() (*session.Client, error) {
		cfg := sp.sessionConfig(m, s)
		var d diag.Diagnostics
		cfg.Store, cfg.StoreMode, d = m.storeFor(sp, s)
		diags.Append(d...)
		if m.Cache != nil {
			cfg.RefusalTTL, cfg.RefusalTTLSet = m.Cache.RefusalTTL, m.Cache.RefusalSet
		}
		return session.New(cfg)
	})
	if err == nil {
		var c C
		if c, err = sp.Client(sc); err == nil {
			return c, diags
		}
	}
	diags.AddError(sp.Product+" Client Setup Failed", err.Error())
	return zero, diags
}

// sessionConfig is the session configuration of these settings: the provider's limits, or
// the manager's own defaults where rate_limit and max_concurrency are unset, its
// Authenticator, its idle timeout and the provider's advice for its errors.
func (sp *Spec[C]) sessionConfig(m *Managers, s *Settings) session.Config {
	l := m.Limits
	if !l.RateLimitSet && sp.Rate > 0 {
		l.RateLimit = sp.Rate
	}
	if !l.ConcurrencySet && sp.Concurrency > 0 {
		l.MaxConcurrency = sp.Concurrency
	}
	cfg := s.sessionConfig(sp.Auth(s), l)
	cfg.AdoptRate, cfg.AdoptConcurrency = !l.RateLimitSet, !l.ConcurrencySet
	cfg.Refusal = sp.Refusal
	cfg.Explain = hinter(sp.Info, s, sp.Hint)
	cfg.Dial = m.Dial
	if sp.Idle != nil {
		cfg.IdleTimeout = sp.Idle(s)
	}
	return cfg
}

// LentSession is a session opened for another tool (the nsx_session ephemeral resource): a
// session client of its own on one node, held in the provider's pool so that it is masked
// like every other and logged out when the provider's server stops, even if Terraform never
// closes it; and a call that keeps it in use.
type LentSession struct {
	Client    *session.Client
	KeepAlive func(context.Context) error
	pool      *session.Pool
}

// Close logs the session out and takes it out of the pool.
func (l *LentSession) Close(ctx context.Context) {
	l.Client.Close(ctx)
	l.pool.Forget(l.Client)
}

// Lend opens, without contacting the manager yet, a session client of its own for the node
// host (null: the block's first node), in the pool but apart from the shared clients: its
// session is the borrower's and ends when the borrower is done with it, or when the provider
// stops.
func (sp *Spec[C]) Lend(m *Managers, host types.String, who string) (*LentSession, diag.Diagnostics) {
	s, diags := m.SettingsOf(sp.Info, who)
	if s == nil {
		return nil, diags
	}
	if sp.Lendable != nil {
		if err := sp.Lendable(s); err != nil {
			diags.AddAttributeError(path.Root("manager"), "Session Cannot Be Lent", err.Error())
			return nil, diags
		}
	}
	node := s.Nodes[0]
	if !host.IsNull() && !host.IsUnknown() {
		u, err := ParseAddress(host.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("host"), "Invalid Address", err.Error()+".")
			return nil, diags
		}
		node = nil
		var names []string
		for _, n := range s.Nodes {
			names = append(names, n.Host)
			if strings.EqualFold(n.Host, u.Host) {
				node = n
			}
		}
		if node == nil {
			diags.AddAttributeError(path.Root("host"), "Host Not in the Manager Block",
				fmt.Sprintf("%s is not a node of the %s block; use one of: %s.", u.Host, sp.Block, strings.Join(names, ", ")))
			return nil, diags
		}
	}
	cfg := sp.sessionConfig(m, s)
	cfg.Nodes = []*url.URL{node}
	cfg.Fresh = true // the borrower's keep-alive must reach the manager
	sc, err := m.Pool.Lend(cfg)
	if err == nil {
		var c C
		if c, err = sp.Client(sc); err == nil {
			keep := func(ctx context.Context) error {
				if sp.KeepAlive != nil {
					return sp.KeepAlive(ctx, c)
				}
				_, err := sp.Version(ctx, c)
				return err
			}
			return &LentSession{Client: sc, KeepAlive: keep, pool: m.Pool}, diags
		}
		m.Pool.Forget(sc)
	}
	diags.AddError(sp.Product+" Client Setup Failed", err.Error())
	return nil, diags
}

// Names lists the table's block names, sorted.
func Names(table []Manager) []string {
	out := make([]string, 0, len(table))
	for _, m := range table {
		out = append(out, m.About().Block)
	}
	sort.Strings(out)
	return out
}

// Lookup finds the table entry of block (nil: none).
func Lookup(table []Manager, block string) Manager {
	for _, m := range table {
		if m.About().Block == block {
			return m
		}
	}
	return nil
}

// Quoted writes names as `a`, `b`, `c` for descriptions.
func Quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}

// Limits are the provider-wide request settings.
type Limits struct {
	RequestTimeout time.Duration
	MaxRetries     int
	RateLimit      float64
	RateLimitSet   bool
	MaxConcurrency int
	ConcurrencySet bool
	// MaxResponseBytes bounds one answer's body; ReadBudget bounds one read of a type (all
	// its answers and the items of its listings).
	MaxResponseBytes int64
	ReadBudget       session.Budget
}

// Managers is the provider data every resource, data source and ephemeral resource
// receives: the resolved settings of each configured manager block, by block name, and the
// process's session pool. Nothing is contacted until a type asks for a manager's client.
type Managers struct {
	Pool   *session.Pool
	Limits Limits
	Cache  *CacheSettings
	// Dial, when set, opens the session clients' connections (session.Config.Dial): tests
	// give an in-memory network's, to run inside a testing/synctest bubble.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	settings map[string]*Settings
	// unknown names the blocks whose settings are known only after apply.
	unknown map[string]bool

	// reported are the refused logins already reported in full, with who reported them, so
	// that the resources that needed the same login say so in one line.
	mu       sync.Mutex
	reported map[*session.LoginError]string
	// notes are what one operation of this process leaves for a later one (see Note).
	notes map[string]bool
}

// Note records that this process did what key names (a destroy that lowered a role NSX-v
// would not delete), for a later operation of the same process (the create of a
// replacement) to know it was the provider's own doing.
func (m *Managers) Note(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.notes == nil {
		m.notes = map[string]bool{}
	}
	m.notes[key] = true
}

// Noted reports and forgets whether key was noted.
func (m *Managers) Noted(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	was := m.notes[key]
	delete(m.notes, key)
	return was
}

// NewManagers is the provider data of one configuration.
func NewManagers(pool *session.Pool, limits Limits, cache *CacheSettings) *Managers {
	return &Managers{Pool: pool, Limits: limits, Cache: cache, settings: map[string]*Settings{}, unknown: map[string]bool{},
		reported: map[*session.LoginError]string{}}
}

// Set records the settings of a configured block.
func (m *Managers) Set(block string, s *Settings) { m.settings[block] = s }

// SetUnknown records a block whose settings are known only after apply.
func (m *Managers) SetUnknown(block string) { m.unknown[block] = true }

func (m *Managers) missing(info Info, who string) diag.Diagnostic {
	if m.unknown[info.Block] {
		return diag.NewErrorDiagnostic("Provider "+info.Block+" Settings Not Yet Known",
			fmt.Sprintf("%s needs the %s, but some attributes of the provider's %s block depend on values known only after apply. "+
				"Apply the resources they depend on first (for example with -target), or give the block known values.", who, info.Product, info.Block))
	}
	return diag.NewErrorDiagnostic("Missing "+info.Block+" Configuration",
		fmt.Sprintf("%s needs the %s, but the provider \"nsx\" block has no %s block and %s is not set. "+
			"Add %s %s block with %s, username and password, or set the environment variables %s.",
			who, info.Product, info.Block, info.EnvHost, info.article(), info.Block, info.AddressAttr(), info.envList()))
}

func (i Info) envList() string {
	return strings.Join([]string{i.EnvHost, i.EnvUser, i.EnvPass}, ", ")
}

// SettingsOf is the manager's settings for who (a type name, for messages), or the
// diagnostic that says why there are none: an unconfigured provider, or a block missing or
// not yet known.
func (m *Managers) SettingsOf(info Info, who string) (*Settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		AddBug(&diags, "Provider Not Configured", who+" was used before the provider was configured")
		return nil, diags
	}
	s := m.settings[info.Block]
	if s == nil {
		diags.Append(m.missing(info, who))
	}
	return s, diags
}

// RequireAtPlan reports, when a resource is planned, a manager block that is missing, with
// the same message the resource would give at apply, so that a plan never promises what the
// apply must refuse. Settings not yet known are left for the apply, and so is an
// unconfigured provider (its configuration is unknown during validation).
func (m *Managers) RequireAtPlan(info Info, who string) diag.Diagnostics {
	var diags diag.Diagnostics
	if m == nil || m.unknown[info.Block] {
		return diags
	}
	if m.settings[info.Block] == nil {
		diags.Append(m.missing(info, who))
	}
	return diags
}

// Known reports whether the block's settings are configured and known, so that a plan may
// contact the manager.
func (m *Managers) Known(info Info) bool {
	return m != nil && m.settings[info.Block] != nil && !m.unknown[info.Block]
}

// Settings is the block's settings (nil: not configured).
func (m *Managers) Settings(block string) *Settings {
	if m == nil {
		return nil
	}
	return m.settings[block]
}

// From is the Configure step every type shares: the provider's data, or an error diagnostic
// when it is of the wrong type (nil before the provider is configured).
func From(data any, diags *diag.Diagnostics) *Managers {
	if data == nil {
		return nil
	}
	m, ok := data.(*Managers)
	if !ok {
		AddBug(diags, "Unexpected Provider Data", fmt.Sprintf("expected *framework.Managers, got %T", data))
	}
	return m
}
