// Package provider is the Terraform side of terraform-provider-nsx: the provider schema and
// configuration, and every resource and data source.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

var (
	_ provider.Provider                       = (*nsxProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*nsxProvider)(nil)
)

// New returns the provider factory. Every client the provider creates goes into pool, whose
// Close logs every session out when the process ends.
func New(version string, pool *session.Pool) func() provider.Provider {
	return newWithManagers(version, pool, defaultManagers)
}

// newWithManagers serves the managers of table (defaultManagers, or more in a test).
func newWithManagers(version string, pool *session.Pool, table []manager) func() provider.Provider {
	return func() provider.Provider {
		return &nsxProvider{version: version, pool: pool, table: table}
	}
}

type nsxProvider struct {
	version string
	pool    *session.Pool
	table   []manager
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
	SessionCache   types.Bool   `tfsdk:"session_cache"`
	SessionDir     types.String `tfsdk:"session_cache_dir"`
	RefusalSeconds types.Int64  `tfsdk:"session_cache_refusal_seconds"`
}

func (p *nsxProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nsx"
	resp.Version = p.version
}

// connectionBlock is the schema every manager block shares; withHosts adds the cluster list.
func connectionBlock(info managerInfo, description string, withHosts bool) schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{
		info.addressAttr(): schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Address of the %s, written `name`, `name:port` or `https://name:port`. Defaults to `%s`.",
				info.product, info.envHost),
		},
		"username": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("User to log in as. Defaults to `%s`.", info.envUser),
		},
		"password": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: fmt.Sprintf("Password of `username`. Defaults to `%s`. Sent only to log in, never logged.", info.envPass),
		},
		"insecure": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Skip verification of the manager's TLS certificate (labs only). " + envDefault(info.envIns, "`false`"),
		},
		"ca_file": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Path of a PEM file with the CA that signed the manager's certificate. " + envDefault(info.envCA, ""),
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
				"Sessions are per node: each node used gets its own login. Conflicts with `host`.",
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("host")),
			},
		}
	}
	return schema.SingleNestedBlock{MarkdownDescription: description, Attributes: attrs}
}

// envDefault says which environment variable, else which value, an attribute defaults to.
func envDefault(env, value string) string {
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

func (p *nsxProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	blocks := map[string]schema.Block{}
	for _, m := range p.table {
		blocks[m.info().block] = m.providerBlock()
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
					"run, until the manager idles them out. Defaults to `" + envSessionCache + "`, else `false`.\n\n" +
					"Trade-offs: a session outlives the run (it is ended when the manager idles it out, or by the next run with the cache off, " +
					"which logs out every cached session of its credentials); entries are encrypted with a key derived from the credentials and " +
					"readable only by the user (files 0600 in a 0700 directory), but a process of the same user holding the credentials can use them. " +
					"Not used for Illumio API keys and NSX-v, whose credentials travel on every call.",
			},
			"session_cache_dir": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Directory of the session cache. Defaults to `" + envSessionCacheDir + "`, else the user's cache directory " +
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

// illumioBlock is the shared connection block plus the organization and the API key pair.
func illumioBlock() schema.SingleNestedBlock {
	b := connectionBlock(illumioInfo, "Connection to an Illumio PCE, with either a user's e-mail and password (a session login: "+
		"two steps, renewed before it idles out after 10 minutes, logged out when Terraform is done) or a persistent API key (HTTP Basic on every call). "+
		"Set exactly one of the two pairs. Unset attributes come from `ILLUMIO_PCE_HOST`, `ILLUMIO_PCE_ORG_ID`, `ILLUMIO_PCE_USERNAME`, "+
		"`ILLUMIO_PCE_PASSWORD`, `ILLUMIO_API_KEY_USERNAME` and `ILLUMIO_API_KEY_SECRET`; with those set, the block may be left out.", false)
	b.Attributes["host"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Address of the PCE with its port, e.g. `pce.corp:8443` (`name:port` or `https://name:port`). " +
			"Without a port the provider uses 443, where SaaS PCEs serve the API; on-premises PCEs usually serve it on 8443. Defaults to `ILLUMIO_PCE_HOST`.",
	}
	b.Attributes["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "E-mail address of the user, for a session login. Defaults to `ILLUMIO_PCE_USERNAME`.",
	}
	b.Attributes["org_id"] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Organization to work in. Defaults to `ILLUMIO_PCE_ORG_ID`, else the user's only organization from the login answer " +
			"(an error lists them when there are several). Required with an API key.",
		Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
	b.Attributes["api_key_username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Username of a persistent API key (e.g. `api_1a2b3c4d5e6f7`). Defaults to `ILLUMIO_API_KEY_USERNAME`.",
	}
	b.Attributes["api_key_secret"] = schema.StringAttribute{
		Optional: true, Sensitive: true,
		MarkdownDescription: "Secret of the API key. Defaults to `ILLUMIO_API_KEY_SECRET`. Never logged.",
	}
	return b
}

func int64Or(v types.Int64, dflt int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return dflt
	}
	return v.ValueInt64()
}

func (p *nsxProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	for name, dst := range map[string]*types.Int64{
		"request_timeout": &cfg.RequestTimeout, "max_retries": &cfg.MaxRetries, "rate_limit": &cfg.RateLimit,
		"max_concurrency": &cfg.MaxConcurrency, "max_response_mib": &cfg.MaxResponseMiB,
		"session_cache_refusal_seconds": &cfg.RefusalSeconds,
	} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("session_cache"), &cfg.SessionCache)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("session_cache_dir"), &cfg.SessionDir)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := &Managers{
		pool: p.pool,
		limits: providerLimits{
			requestTimeout:   time.Duration(int64Or(cfg.RequestTimeout, 60)) * time.Second,
			maxRetries:       int(int64Or(cfg.MaxRetries, session.DefaultMaxRetries)),
			rateLimit:        float64(int64Or(cfg.RateLimit, session.DefaultRateLimit)),
			rateLimitSet:     !cfg.RateLimit.IsNull() && !cfg.RateLimit.IsUnknown(),
			maxConcurrency:   int(int64Or(cfg.MaxConcurrency, session.DefaultMaxConcurrency)),
			concurrencySet:   !cfg.MaxConcurrency.IsNull() && !cfg.MaxConcurrency.IsUnknown(),
			maxResponseBytes: int64Or(cfg.MaxResponseMiB, session.DefaultMaxResponseBytes>>20) << 20,
		},
		settings: map[string]*managerSettings{},
		unknown:  map[string]bool{},
	}
	cache, diags := resolveCache(cfg.SessionCache, cfg.SessionDir, cfg.RefusalSeconds)
	resp.Diagnostics.Append(diags...)
	m.cache = cache
	for _, mgr := range p.table {
		s, unknown, diags := mgr.resolve(ctx, req.Config)
		resp.Diagnostics.Append(diags...)
		if unknown {
			if req.ClientCapabilities.DeferralAllowed {
				resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
				return
			}
			m.unknown[mgr.info().block] = true
			continue
		}
		if s != nil {
			m.settings[mgr.info().block] = s
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
	return []func() ephemeral.EphemeralResource{
		func() ephemeral.EphemeralResource { return &sessionEphemeral{table: p.table} },
	}
}

func (p *nsxProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAPIServiceConfigResource,
		NewCLIUserRoleResource,
		NewIllumioLabelResource,
	}
}

func (p *nsxProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSegmentsDataSource,
		NewSegmentDataSource,
		func() datasource.DataSource { return &versionDataSource{table: p.table} },
		NewSDWANDevicesDataSource,
		NewIllumioLabelsDataSource,
		NewVCenterTagsDataSource,
	}
}

// managersFrom is the Configure step every resource and data source shares: the provider's
// data, or an error diagnostic when it is of the wrong type (nil before the provider is
// configured).
func managersFrom(data any, diags *diag.Diagnostics) *Managers {
	if data == nil {
		return nil
	}
	m, ok := data.(*Managers)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("expected *provider.Managers, got %T; this is a bug in the provider, please report it", data))
	}
	return m
}
