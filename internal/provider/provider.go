// Package provider is the provider itself: its schema and Configure, the table of managers,
// the registration of every product's types, and the protocol server around the
// framework's (server.go: masking, direct reads of large data sources, whole numbers).
// The types live in internal/service/<product>; what they share in internal/framework.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	illumiosvc "github.com/netsession/terraform-provider-nsx/internal/service/illumio"
	managersvc "github.com/netsession/terraform-provider-nsx/internal/service/manager"
	nsxtsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxt"
	nsxvsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxv"
	sdwansvc "github.com/netsession/terraform-provider-nsx/internal/service/sdwan"
	vcentersvc "github.com/netsession/terraform-provider-nsx/internal/service/vcenter"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

var (
	_ provider.Provider                       = (*nsxProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*nsxProvider)(nil)
	_ provider.ProviderWithFunctions          = (*nsxProvider)(nil)
)

// DefaultManagers is every manager the provider serves, in the order of its documentation:
// one spec each, in its product's service package.
var DefaultManagers = []framework.Manager{nsxtsvc.Manager, nsxvsvc.Manager, sdwansvc.Manager, illumiosvc.Manager, vcentersvc.Manager}

// products are the service packages' registrations: each lists its resources and data sources.
var products = []struct {
	resources   func() []func() resource.Resource
	dataSources func() []func() datasource.DataSource
}{
	{nsxtsvc.Resources, nsxtsvc.DataSources},
	{nsxvsvc.Resources, nsxvsvc.DataSources},
	{sdwansvc.Resources, sdwansvc.DataSources},
	{illumiosvc.Resources, illumiosvc.DataSources},
	{vcentersvc.Resources, vcentersvc.DataSources},
}

type nsxProvider struct {
	version string
	pool    *session.Pool
	table   []framework.Manager
	// configured receives the provider's data, for the server's direct reads (nil: none).
	configured *configured
}

// providerModel is the provider-wide settings; each manager block is read by its spec.
type providerModel struct {
	RequestTimeout types.Int64  `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RateLimit      types.Int64  `tfsdk:"rate_limit"`
	MaxConcurrency types.Int64  `tfsdk:"max_concurrency"`
	MaxResponseMiB types.Int64  `tfsdk:"max_response_mib"`
	MaxReadMiB     types.Int64  `tfsdk:"max_read_mib"`
	MaxReadItems   types.Int64  `tfsdk:"max_read_items"`
	SessionCache   types.Bool   `tfsdk:"session_cache"`
	SessionDir     types.String `tfsdk:"session_cache_dir"`
	RefusalSeconds types.Int64  `tfsdk:"session_cache_refusal_seconds"`
}

func (p *nsxProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nsx"
	resp.Version = p.version
}

func (p *nsxProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	blocks := map[string]schema.Block{}
	for _, m := range p.table {
		blocks[m.About().Block] = m.ProviderBlock()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One provider for the session-backed network managers: NSX (NSX-T / VCF 9), NSX for vSphere (NSX-v), Cisco Catalyst SD-WAN Manager, the Illumio PCE and vCenter. " +
			"The provider logs in lazily, once per manager node, reuses the session for every resource, " +
			"renews it once when it expires, never retries a refused login, and logs every session out when Terraform is done.",
		Attributes: map[string]schema.Attribute{
			"request_timeout": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Seconds one HTTP request may take before it is abandoned (and retried where safe). Default `60`.",
				Validators:          []validator.Int64{int64validator.Between(1, 3600)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How often a request refused with 429/503 (or 502/504 and connection errors, where safe) is retried, "+
					"with exponential backoff and jitter, honouring `Retry-After`. A refused login is never retried. Default `%d`.", session.DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"rate_limit": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Requests per second to each node of a manager. Where the manager states its limit (NSX: in its 429 answers "+
					"and in the api-service settings the provider reads), the provider keeps to 95 %% of it, with a burst of what is left of one second; "+
					"where it states nothing, or refuses again once it is known (others share it), each overload halves the rate and it is raised again by one request a second for each second of traffic. "+
					"When set, the provider never goes above it; when unset, a limit the manager states replaces the default. "+
					"Default `%d`, under NSX's `client_api_rate_limit` of 100; for the Illumio PCE `%d`, under its 500 requests a minute.", nsxt.DefaultRateLimit, illumio.DefaultRateLimit),
				Validators: []validator.Int64{int64validator.Between(1, 10000)},
			},
			"session_cache": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Share sessions among the provider processes of one user (every terraform command, and plan and apply " +
					"within `terraform apply`, start their own): the first process logs in, the others, in parallel or later, take its session " +
					"from an encrypted cache file, and a refused login is not tried again for `session_cache_refusal_seconds`, so that 20 parallel " +
					"runs with a wrong password cost one failed login, not an account lockout. Cached sessions stay open at exit, for the next " +
					"run, until the manager idles them out. Defaults to `" + framework.EnvSessionCache + "`, else `false`.\n\n" +
					"Trade-offs: a session outlives the run (it is ended when the manager idles it out, or by the next run with the cache off, " +
					"which logs out every cached session of its credentials); entries are encrypted with a key derived from the credentials and " +
					"readable only by the user (files 0600 in a 0700 directory), but a process of the same user holding the credentials can use them. " +
					"Not used for Illumio API keys and HTTP Basic, whose credentials travel on every call.",
			},
			"session_cache_dir": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Directory of the session cache. Defaults to `" + framework.EnvSessionCacheDir + "`, else the user's cache directory " +
					"(`~/.cache/terraform-provider-nsx` on Linux). A directory others can read is not used (with a warning).",
			},
			"session_cache_refusal_seconds": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How long a refused login stays refused in the session cache, so that the same credentials are not sent " +
					"again by other runs: NSX's lockout window. Default `900`.",
				Validators: []validator.Int64{int64validator.Between(0, 86400)},
			},
			"max_response_mib": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The largest answer, in MiB, the provider reads from a manager; a larger or endless one is an error "+
					"that names the request, and costs no more memory than this. Default `%d` (a page of 1,000 NSX segments is about 1.5 MiB, "+
					"an Illumio label listing of 30,000 labels about 12 MiB). At most `max_concurrency` answers are in flight at once.",
					session.DefaultMaxResponseBytes>>20),
				Validators: []validator.Int64{int64validator.Between(1, 1024)},
			},
			"max_read_mib": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The most, in MiB, that the answers to one read of a type (a data source's read, a resource's refresh, "+
					"every page of a listing together) may add up to; a read that needs more ends with an error that names this limit. It bounds what a "+
					"manager handing out pages without end can cost. Default `%d`.", session.DefaultReadBytes>>20),
				Validators: []validator.Int64{int64validator.Between(1, 65536)},
			},
			"max_read_items": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The most items the listings of one read of a type may hold together (segments, labels, devices, tags); "+
					"a read that needs more ends with an error that names this limit. Default `%d`.", session.DefaultReadItems),
				Validators: []validator.Int64{int64validator.Between(1, 100_000_000)},
			},
			"max_concurrency": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Requests in flight to each node of a manager at once. A limit the manager states (NSX: in its 503 answers and "+
					"its api-service settings) is kept to; where it states none, each 503 halves the requests in flight and successes raise them again. "+
					"When set, the provider never goes above it; when unset, a limit the manager states replaces the default. "+
					"Default `%d`, under NSX's `client_api_concurrency_limit` of 40.",
					session.DefaultMaxConcurrency),
				Validators: []validator.Int64{int64validator.Between(1, 1000)},
			},
		},
		Blocks: blocks,
	}
}

func (p *nsxProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	// Attribute by attribute: the manager blocks are each spec's to read.
	var cfg providerModel
	for name, dst := range map[string]*types.Int64{
		"request_timeout": &cfg.RequestTimeout, "max_retries": &cfg.MaxRetries, "rate_limit": &cfg.RateLimit,
		"max_concurrency": &cfg.MaxConcurrency, "max_response_mib": &cfg.MaxResponseMiB,
		"max_read_mib": &cfg.MaxReadMiB, "max_read_items": &cfg.MaxReadItems,
		"session_cache_refusal_seconds": &cfg.RefusalSeconds,
	} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("session_cache"), &cfg.SessionCache)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("session_cache_dir"), &cfg.SessionDir)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limits := framework.Limits{
		RequestTimeout:   time.Duration(framework.Int64Or(cfg.RequestTimeout, 60)) * time.Second,
		MaxRetries:       int(framework.Int64Or(cfg.MaxRetries, session.DefaultMaxRetries)),
		RateLimit:        float64(framework.Int64Or(cfg.RateLimit, session.DefaultRateLimit)),
		RateLimitSet:     framework.Known(cfg.RateLimit),
		MaxConcurrency:   int(framework.Int64Or(cfg.MaxConcurrency, session.DefaultMaxConcurrency)),
		ConcurrencySet:   framework.Known(cfg.MaxConcurrency),
		MaxResponseBytes: framework.Int64Or(cfg.MaxResponseMiB, session.DefaultMaxResponseBytes>>20) << 20,
		ReadBudget: session.Budget{
			Bytes: framework.Int64Or(cfg.MaxReadMiB, session.DefaultReadBytes>>20) << 20,
			Items: framework.Int64Or(cfg.MaxReadItems, session.DefaultReadItems),
		},
	}
	cache, diags := framework.ResolveCache(cfg.SessionCache, cfg.SessionDir, cfg.RefusalSeconds)
	resp.Diagnostics.Append(diags...)
	m := framework.NewManagers(p.pool, limits, cache)
	for _, mgr := range p.table {
		s, unknown, diags := mgr.Resolve(ctx, req.Config)
		resp.Diagnostics.Append(diags...)
		if unknown {
			if req.ClientCapabilities.DeferralAllowed {
				resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
				return
			}
			m.SetUnknown(mgr.About().Block)
			continue
		}
		if s != nil {
			m.Set(mgr.About().Block, s)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = m
	resp.DataSourceData = m
	resp.EphemeralResourceData = m
	if p.configured != nil {
		p.configured.Store(m)
	}
}

// EphemeralResources implements provider.ProviderWithEphemeralResources.
func (p *nsxProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{managersvc.NewSessionEphemeral(p.table)}
}

// Functions implements provider.ProviderWithFunctions: the NSX functions.
func (p *nsxProvider) Functions(_ context.Context) []func() function.Function {
	return nsxtsvc.Functions()
}

// Resources are every product's resources.
func (p *nsxProvider) Resources(_ context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, pr := range products {
		out = append(out, pr.resources()...)
	}
	return out
}

// DataSources are every product's data sources, and nsx_version over the provider's table.
func (p *nsxProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	out := []func() datasource.DataSource{managersvc.NewVersionDataSource(p.table)}
	for _, pr := range products {
		out = append(out, pr.dataSources()...)
	}
	return out
}
