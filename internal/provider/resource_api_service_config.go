package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

var (
	_ resource.Resource                   = (*apiServiceConfigResource)(nil)
	_ resource.ResourceWithConfigure      = (*apiServiceConfigResource)(nil)
	_ resource.ResourceWithImportState    = (*apiServiceConfigResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiServiceConfigResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*apiServiceConfigResource)(nil)
)

// NewAPIServiceConfigResource is the nsx_api_service_config resource.
func NewAPIServiceConfigResource() resource.Resource { return &apiServiceConfigResource{} }

type apiServiceConfigResource struct {
	managers *Managers
}

type apiServiceConfigModel struct {
	ID                               types.String   `tfsdk:"id"`
	SessionTimeout                   types.Int64    `tfsdk:"session_timeout"`
	ConnectionTimeout                types.Int64    `tfsdk:"connection_timeout"`
	ClientAPIRateLimit               types.Int64    `tfsdk:"client_api_rate_limit"`
	ClientAPIConcurrencyLimit        types.Int64    `tfsdk:"client_api_concurrency_limit"`
	GlobalAPIConcurrencyLimit        types.Int64    `tfsdk:"global_api_concurrency_limit"`
	RedirectHost                     types.String   `tfsdk:"redirect_host"`
	BasicAuthenticationEnabled       types.Bool     `tfsdk:"basic_authentication_enabled"`
	CookieBasedAuthenticationEnabled types.Bool     `tfsdk:"cookie_based_authentication_enabled"`
	LockoutImmuneAddresses           types.Set      `tfsdk:"lockout_immune_addresses"`
	ProtocolVersions                 types.Map      `tfsdk:"protocol_versions"`
	CipherSuites                     types.Map      `tfsdk:"cipher_suites"`
	EffectiveProtocolVersions        types.Map      `tfsdk:"effective_protocol_versions"`
	EffectiveCipherSuites            types.Map      `tfsdk:"effective_cipher_suites"`
	Description                      types.String   `tfsdk:"description"`
	Tags                             types.Set      `tfsdk:"tags"`
	Revision                         types.Int64    `tfsdk:"revision"`
	Timeouts                         timeouts.Value `tfsdk:"timeouts"`
}

// defaultWriteTimeout bounds a create or update: the write itself and the wait for NSX's API
// service, which restarts on every node after a write and can take about a minute per node.
const defaultWriteTimeout = 10 * time.Minute

// maxStaleRetries bounds how often a write is redone after someone else changed the
// configuration between our read and our write.
const maxStaleRetries = 5

// restartWait bounds the wait for the API service after a write, within the write's timeout.
const restartWait = 5 * time.Minute

const maxInt32 = 2147483647

var hostnameRE = regexp.MustCompile(`^$|^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)

func (r *apiServiceConfigResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_service_config"
}

func managedInt(desc string, v ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
}

func managedBool(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

func (r *apiServiceConfigResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The NSX Manager reverse-proxy (API service) settings, `/api/v1/cluster/api-service`: a singleton " +
			"(`reverse_proxy_config`) that exists on every manager. Attributes left out of the configuration keep the manager's value, " +
			"and so does every field of the object this resource does not model (`display_name`, fields added by newer NSX releases): " +
			"a write sends back the object as NSX sent it, with only the configured attributes changed. " +
			"`protocol_versions` and `cipher_suites` are managed per name: names you list are enforced, the others are left as the manager has them; " +
			"the full lists are exported as `effective_protocol_versions` and `effective_cipher_suites`.\n\n" +
			"Every write sends the `_revision` read just before it; when someone else changed the settings in between, the provider reads again " +
			"and retries (up to 5 times). Changes made outside Terraform show in the next plan.\n\n" +
			"After a write NSX restarts its API service on every node: sessions end and requests are refused for up to about a minute. " +
			"The provider waits for the service to come back (with backoff, within the `timeouts`), logs in again and reads the settings back, " +
			"so the apply ends with the settings verified.\n\n" +
			"**Destroying this resource changes nothing on the manager**: the settings stay as they are and the resource only leaves the state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Always `reverse_proxy_config`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"session_timeout": managedInt("Seconds an idle API session lives; `0` means no timeout. NSX default `1800`.",
				int64validator.Between(0, maxInt32)),
			"connection_timeout": managedInt("Seconds an idle HTTP connection stays open; `0` means none. NSX default `30`.",
				int64validator.Between(0, maxInt32)),
			"client_api_rate_limit": managedInt("Requests per second one client may send before NSX answers 429; `0` turns the limit off. NSX default `100`.",
				int64validator.Between(0, maxInt32)),
			"client_api_concurrency_limit": managedInt("Requests one client may have in flight; `0` turns the limit off. NSX default `40`.",
				int64validator.Between(0, maxInt32)),
			"global_api_concurrency_limit": managedInt("Requests all clients together may have in flight before NSX answers 503; `0` turns the limit off. NSX default `199`.",
				int64validator.Between(0, maxInt32)),
			"redirect_host": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Host name NSX uses in HTTP redirects; empty for none.",
				Validators: []validator.String{stringvalidator.RegexMatches(hostnameRE,
					"must be a host name (letters, digits and hyphens in dot-separated labels) or empty")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"basic_authentication_enabled": managedBool("Whether NSX accepts HTTP Basic authentication. At least one of this and `cookie_based_authentication_enabled` must stay true."),
			"cookie_based_authentication_enabled": managedBool("Whether NSX accepts session-cookie logins. **This provider logs in with session cookies**: " +
				"with this false, later runs cannot log in."),
			"lockout_immune_addresses": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "IP addresses that are never locked out after failed logins.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(ipAddressValidator{})},
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"protocol_versions": schema.MapAttribute{
				Optional: true, ElementType: types.BoolType,
				MarkdownDescription: "TLS protocol versions to enable (`true`) or disable (`false`), by name: `" +
					strings.Join(nsxt.KnownProtocolVersions, "`, `") + "`. Versions not listed are left as they are.",
				Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.OneOf(nsxt.KnownProtocolVersions...))},
			},
			"cipher_suites": schema.MapAttribute{
				Optional: true, ElementType: types.BoolType,
				MarkdownDescription: "TLS cipher suites to enable (`true`) or disable (`false`), by name, e.g. `TLS_RSA_WITH_AES_128_CBC_SHA`. " +
					"Suites not listed are left as they are.",
				Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.OneOf(nsxt.KnownCipherSuites...))},
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Description of the configuration object (NSX 4.x and later). Left as the manager has it when not set.",
				Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tags": schema.SetNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "NSX tags of the configuration object (NSX 4.x and later), at most 30. Left as the manager has them when not set; " +
					"when set, the set replaces the object's tags.",
				Validators:    []validator.Set{setvalidator.SizeAtMost(30)},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"scope": schema.StringAttribute{
						Optional: true, Computed: true, MarkdownDescription: "Tag scope, 1 to 128 characters; leave it out for a tag without scope.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
					},
					// Optional+Computed with a presence check rather than Required: Terraform
					// keeps an unconfigured set's prior value in the plan only when no nested
					// attribute is Required (terraform-plugin-framework issue 898).
					"tag": schema.StringAttribute{
						Optional: true, Computed: true, MarkdownDescription: "Tag value, 1 to 256 characters. Required in each tag.",
						Validators: []validator.String{setInConfig{}, stringvalidator.LengthBetween(1, 256)},
					},
				}},
			},
			"effective_protocol_versions": schema.MapAttribute{
				Computed: true, ElementType: types.BoolType,
				MarkdownDescription: "Every protocol version the manager offers, with whether it is enabled. " +
					"A plan shows it from state with the configured changes applied; the apply verifies it.",
			},
			"effective_cipher_suites": schema.MapAttribute{
				Computed: true, ElementType: types.BoolType,
				MarkdownDescription: "Every cipher suite the manager offers, with whether it is enabled. " +
					"A plan shows it from state with the configured changes applied; the apply verifies it.",
			},
			"revision": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "The configuration's `_revision` as last read.",
			},
			"timeouts": resourceTimeouts(ctx, timeouts.Opts{
				Create: true, Update: true, Read: true,
				ReadDescription: "How long a refresh of the settings may take. Default `5m`.",
				CreateDescription: "How long a create may take, the wait for the API service to restart included " +
					"(a [duration](https://pkg.go.dev/time#ParseDuration), e.g. `\"15m\"`). Default `10m`.",
				UpdateDescription: "How long an update may take, the wait for the API service to restart included. Default `10m`.",
			}),
		},
	}
}

func (r *apiServiceConfigResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiServiceConfigResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg apiServiceConfigModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_api_service_config", "create", limit, &resp.Diagnostics)
	defer done()
	resp.Diagnostics.Append(r.write(ctx, &cfg, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *apiServiceConfigResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiServiceConfigModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, tdiags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(tdiags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_api_service_config", "read", limit, &resp.Diagnostics)
	defer done()
	c, diags := use(ctx, r.managers, nsxtSpec, "nsx_api_service_config")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cur, err := c.GetAPIService(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Reading the NSX API Service Configuration Failed",
			"Reading the API service configuration failed: "+err.Error())
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, cur)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *apiServiceConfigResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, cfg apiServiceConfigModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := plan.Timeouts.Update(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_api_service_config", "update", limit, &resp.Diagnostics)
	defer done()
	resp.Diagnostics.Append(r.write(ctx, &cfg, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete leaves the manager's settings as they are: the configuration cannot be removed.
func (r *apiServiceConfigResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "nsx_api_service_config removed from state; the manager keeps its current settings")
}

func (r *apiServiceConfigResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != nsxt.APIServiceID {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("nsx_api_service_config is a singleton; import it with the id %q, not %q.", nsxt.APIServiceID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), nsxt.APIServiceID)...)
}

// ValidateConfig catches what single-attribute validators cannot: settings that together
// would lock every client out.
func (r *apiServiceConfigResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiServiceConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if isFalse(cfg.BasicAuthenticationEnabled) && isFalse(cfg.CookieBasedAuthenticationEnabled) {
		resp.Diagnostics.Append(everyAuthMethodOff("this configuration", ""))
	} else if isFalse(cfg.CookieBasedAuthenticationEnabled) {
		resp.Diagnostics.AddAttributeWarning(path.Root("cookie_based_authentication_enabled"), "Session Logins Will Be Refused",
			"This provider logs in to NSX with session cookies. Once cookie-based authentication is disabled, later Terraform runs cannot log in to this manager.")
	}
	for _, x := range []struct {
		name  string
		m     types.Map
		known []string
	}{{"protocol_versions", cfg.ProtocolVersions, nsxt.KnownProtocolVersions}, {"cipher_suites", cfg.CipherSuites, nsxt.KnownCipherSuites}} {
		vals, ok := boolMap(ctx, x.m)
		if !ok || len(vals) < len(x.known) {
			continue
		}
		if !anyTrue(vals) {
			resp.Diagnostics.AddAttributeError(path.Root(x.name), "Every Entry Disabled",
				fmt.Sprintf("%s disables every name NSX knows; the API would accept no TLS connection. Enable at least one.", x.name))
		}
	}
}

// ModifyPlan tells at plan time what the apply would refuse: a missing nsxt block, a plan
// that would leave no protocol, no cipher suite or no authentication method enabled, and
// names the manager does not offer (checked against state, or, for a create, against the
// manager's own lists). It also plans effective_protocol_versions and
// effective_cipher_suites from state with the configured names applied, so that changing
// another attribute does not turn them into "(known after apply)".
func (r *apiServiceConfigResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.managers.requireAtPlan(nsxtSpec.managerInfo, "nsx_api_service_config")...)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan apiServiceConfigModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if isFalse(plan.BasicAuthenticationEnabled) && isFalse(plan.CookieBasedAuthenticationEnabled) {
		resp.Diagnostics.Append(everyAuthMethodOff("this plan", ""))
	}
	managedMaps := []struct {
		name      string
		managed   types.Map
		planned   *types.Map
		fromState func(apiServiceConfigModel) types.Map
		fromAPI   func(*nsxt.APIServiceConfig) []nsxt.Toggle
	}{
		{"protocol_versions", plan.ProtocolVersions, &plan.EffectiveProtocolVersions,
			func(m apiServiceConfigModel) types.Map { return m.EffectiveProtocolVersions },
			func(c *nsxt.APIServiceConfig) []nsxt.Toggle { return c.ProtocolVersions }},
		{"cipher_suites", plan.CipherSuites, &plan.EffectiveCipherSuites,
			func(m apiServiceConfigModel) types.Map { return m.EffectiveCipherSuites },
			func(c *nsxt.APIServiceConfig) []nsxt.Toggle { return c.CipherSuites }},
	}
	// A configured tag without scope has none: plan it so rather than "known after apply"
	// (scope is Computed only so that an unconfigured set keeps its prior value).
	var cfgTags types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tags"), &cfgTags)...)
	if !cfgTags.IsNull() && !cfgTags.IsUnknown() && !plan.Tags.Equal(cfgTags) {
		if tags, d := tagsFromSet(ctx, cfgTags); !d.HasError() && knownTags(cfgTags) {
			planned, d := tagsToSet(tags)
			resp.Diagnostics.Append(d...)
			plan.Tags = planned
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags"), planned)...)
		}
	}
	if req.State.Raw.IsNull() {
		// A create: the names can only be checked against the manager itself, and only when
		// the provider can reach it at plan time.
		if !r.planCanRead() || (plan.ProtocolVersions.IsNull() && plan.CipherSuites.IsNull()) {
			return
		}
		c, diags := use(ctx, r.managers, nsxtSpec, "nsx_api_service_config")
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		cur, err := c.GetAPIService(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Reading the NSX API Service Configuration Failed",
				"The plan reads the manager's protocol versions and cipher suites to check the names configured: "+err.Error())
			return
		}
		for _, x := range managedMaps {
			managed, known := boolMap(ctx, x.managed)
			if known {
				resp.Diagnostics.Append(overlay(x.name, toggles(x.fromAPI(cur)), managed, "this plan", "")...)
			}
		}
		return
	}
	var state apiServiceConfigModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	changed := false
	for _, x := range managedMaps {
		eff, ok := boolMap(ctx, x.fromState(state))
		if !ok {
			continue
		}
		managed, known := boolMap(ctx, x.managed)
		switch {
		case known:
			resp.Diagnostics.Append(overlay(x.name, eff, managed, "this plan", "")...)
		case !x.managed.IsNull():
			// Names or values known only after apply: so is the effective map.
			continue
		}
		if !x.planned.IsUnknown() {
			continue
		}
		planned, d := types.MapValueFrom(ctx, types.BoolType, eff)
		resp.Diagnostics.Append(d...)
		*x.planned = planned
		changed = true
	}
	if changed && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

// planCanRead reports whether the provider's nsxt settings are known, so that a plan may read
// the manager.
func (r *apiServiceConfigResource) planCanRead() bool {
	return r.managers.known(nsxtSpec.managerInfo)
}

// write reads the configuration with its `_revision`, applies what the configuration sets
// and writes it back, redoing both when someone else wrote in between; then it reads the
// result and fills in what plan left unknown.
func (r *apiServiceConfigResource) write(ctx context.Context, cfg, plan *apiServiceConfigModel) diag.Diagnostics {
	c, diags := use(ctx, r.managers, nsxtSpec, "nsx_api_service_config")
	if diags.HasError() {
		return diags
	}
	var wrote *nsxt.APIServiceConfig
	for attempt := 1; ; attempt++ {
		cur, err := c.GetAPIService(ctx)
		if err != nil {
			diags.AddError("Reading the NSX API Service Configuration Failed",
				"Reading the configuration, needed for its _revision before writing, failed: "+err.Error())
			return diags
		}
		diags.Append(cfg.toAPI(ctx, cur)...)
		if diags.HasError() {
			return diags
		}
		written, err := c.PutAPIService(ctx, cur)
		if errors.Is(err, nsxt.ErrStaleRevision) && attempt < maxStaleRetries {
			tflog.Info(ctx, "api-service configuration changed by someone else between read and write; reading again",
				map[string]any{"attempt": attempt, "revision": cur.Revision})
			select {
			case <-ctx.Done():
				diags.AddError("Writing the NSX API Service Configuration Interrupted", ctx.Err().Error())
				return diags
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			detail := "Writing the configuration failed: " + err.Error()
			if errors.Is(err, nsxt.ErrStaleRevision) {
				detail = fmt.Sprintf("Someone else kept changing the configuration between our read and our write (%d attempts). %s", attempt, detail)
			}
			diags.AddError("Writing the NSX API Service Configuration Failed", detail)
			return diags
		}
		tflog.Debug(ctx, "api-service configuration written", map[string]any{"revision": written.Revision, "attempts": attempt})
		wrote = cur
		break
	}
	// NSX now restarts its API service on every node; wait for it, then read back.
	start := time.Now()
	after, err := c.AwaitAPIService(ctx, restartWait)
	if err != nil {
		diags.AddError("Reading Back the NSX API Service Configuration Failed",
			fmt.Sprintf("The settings were written; NSX then restarts its API service, and reading them back failed after %s: %v. "+
				"Run terraform apply again once the manager answers: it will find the settings written and record them.",
				time.Since(start).Round(time.Second), err))
		return diags
	}
	tflog.Info(ctx, "api-service configuration read back after the restart", map[string]any{
		"waited_ms": time.Since(start).Milliseconds(), "revision": after.Revision,
	})
	diags.Append(verifyWritten(wrote, after)...)
	read := apiServiceConfigModel{ProtocolVersions: plan.ProtocolVersions, CipherSuites: plan.CipherSuites}
	diags.Append(read.fromAPI(ctx, after)...)
	settle(plan, read)
	return diags
}

// verifyWritten warns about each setting the manager reports differently from what was just
// written: someone changed it in the meantime, and the next plan will show it.
func verifyWritten(wrote, read *nsxt.APIServiceConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	var diffs []string
	cmp := func(name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			diffs = append(diffs, fmt.Sprintf("%s: wrote %v, now %v", name, a, b))
		}
	}
	cmp("session_timeout", wrote.SessionTimeout, read.SessionTimeout)
	cmp("connection_timeout", wrote.ConnectionTimeout, read.ConnectionTimeout)
	cmp("client_api_rate_limit", wrote.ClientAPIRateLimit, read.ClientAPIRateLimit)
	cmp("client_api_concurrency_limit", wrote.ClientAPIConcurrencyLimit, read.ClientAPIConcurrencyLimit)
	cmp("global_api_concurrency_limit", wrote.GlobalAPIConcurrencyLimit, read.GlobalAPIConcurrencyLimit)
	cmp("redirect_host", wrote.RedirectHost, read.RedirectHost)
	cmp("basic_authentication_enabled", wrote.BasicAuthenticationEnabled, read.BasicAuthenticationEnabled)
	cmp("cookie_based_authentication_enabled", wrote.CookieBasedAuthenticationEnabled, read.CookieBasedAuthenticationEnabled)
	cmp("protocol_versions", toggles(wrote.ProtocolVersions), toggles(read.ProtocolVersions))
	cmp("cipher_suites", toggles(wrote.CipherSuites), toggles(read.CipherSuites))
	cmp("description", wrote.Description, read.Description)
	cmp("tags", wrote.Tags, read.Tags)
	if len(diffs) > 0 {
		diags.AddWarning("NSX API Service Configuration Changed After the Write",
			"The settings were written, but reading them back after the API service restarted shows different values, "+
				"so someone else changed them in the meantime: "+strings.Join(diffs, "; ")+". The next plan will show the difference.")
	}
	return diags
}

func toggles(list []nsxt.Toggle) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, t := range list {
		m[t.Name] = t.Enabled
	}
	return m
}

// settle fills what the plan left unknown from what the manager answered. Known plan values
// stay: they are what was written, or (for attributes the configuration leaves out) what the
// plan promised; a concurrent change to those shows at the next refresh.
func settle(plan *apiServiceConfigModel, read apiServiceConfigModel) {
	pick(&plan.ID, read.ID)
	pick(&plan.SessionTimeout, read.SessionTimeout)
	pick(&plan.ConnectionTimeout, read.ConnectionTimeout)
	pick(&plan.ClientAPIRateLimit, read.ClientAPIRateLimit)
	pick(&plan.ClientAPIConcurrencyLimit, read.ClientAPIConcurrencyLimit)
	pick(&plan.GlobalAPIConcurrencyLimit, read.GlobalAPIConcurrencyLimit)
	pick(&plan.RedirectHost, read.RedirectHost)
	pick(&plan.BasicAuthenticationEnabled, read.BasicAuthenticationEnabled)
	pick(&plan.CookieBasedAuthenticationEnabled, read.CookieBasedAuthenticationEnabled)
	pick(&plan.LockoutImmuneAddresses, read.LockoutImmuneAddresses)
	pick(&plan.EffectiveProtocolVersions, read.EffectiveProtocolVersions)
	pick(&plan.EffectiveCipherSuites, read.EffectiveCipherSuites)
	pick(&plan.Revision, read.Revision)
	pick(&plan.Description, read.Description)
	pick(&plan.Tags, read.Tags)
}

func pick[T interface{ IsUnknown() bool }](dst *T, v T) {
	if (*dst).IsUnknown() {
		*dst = v
	}
}

// toAPI sets on cfg, the configuration as the manager sent it, every value m (the
// configuration) sets; the rest stays as the manager has it.
func (m *apiServiceConfigModel) toAPI(ctx context.Context, cfg *nsxt.APIServiceConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	setInt := func(v types.Int64, dst *int64) {
		if !v.IsNull() && !v.IsUnknown() {
			*dst = v.ValueInt64()
		}
	}
	setInt(m.SessionTimeout, &cfg.SessionTimeout)
	setInt(m.ConnectionTimeout, &cfg.ConnectionTimeout)
	setInt(m.ClientAPIRateLimit, &cfg.ClientAPIRateLimit)
	setInt(m.ClientAPIConcurrencyLimit, &cfg.ClientAPIConcurrencyLimit)
	setInt(m.GlobalAPIConcurrencyLimit, &cfg.GlobalAPIConcurrencyLimit)
	if !m.RedirectHost.IsNull() && !m.RedirectHost.IsUnknown() {
		cfg.RedirectHost = m.RedirectHost.ValueString()
	}
	if !m.BasicAuthenticationEnabled.IsNull() && !m.BasicAuthenticationEnabled.IsUnknown() {
		cfg.BasicAuthenticationEnabled = m.BasicAuthenticationEnabled.ValueBool()
	}
	if !m.CookieBasedAuthenticationEnabled.IsNull() && !m.CookieBasedAuthenticationEnabled.IsUnknown() {
		cfg.CookieBasedAuthenticationEnabled = m.CookieBasedAuthenticationEnabled.ValueBool()
	}
	if !m.LockoutImmuneAddresses.IsNull() && !m.LockoutImmuneAddresses.IsUnknown() {
		var addrs []string
		diags.Append(m.LockoutImmuneAddresses.ElementsAs(ctx, &addrs, false)...)
		sort.Strings(addrs)
		cfg.LockoutImmuneAddresses = addrs
	}
	if !m.Description.IsNull() && !m.Description.IsUnknown() {
		cfg.Description = m.Description.ValueString()
	}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		tags, d := tagsFromSet(ctx, m.Tags)
		diags.Append(d...)
		cfg.Tags = tags
	}
	if !cfg.BasicAuthenticationEnabled && !cfg.CookieBasedAuthenticationEnabled {
		diags.Append(everyAuthMethodOff("this write", "; nothing was written"))
	}
	for _, x := range []struct {
		name    string
		managed types.Map
		list    []nsxt.Toggle
	}{{"protocol_versions", m.ProtocolVersions, cfg.ProtocolVersions}, {"cipher_suites", m.CipherSuites, cfg.CipherSuites}} {
		managed, ok := boolMap(ctx, x.managed)
		if !ok {
			continue
		}
		effective := make(map[string]bool, len(x.list))
		for _, t := range x.list {
			effective[t.Name] = t.Enabled
		}
		diags.Append(overlay(x.name, effective, managed, "this write", "; nothing was written")...)
		for i := range x.list {
			x.list[i].Enabled = effective[x.list[i].Name]
		}
	}
	return diags
}

// overlay sets the managed names' values in effective, the manager's full list, and reports
// on attr the names the manager does not offer and a result with no entry enabled. when and
// outcome say at which step the check ran and what followed from it.
func overlay(attr string, effective, managed map[string]bool, when, outcome string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range sortedKeys(managed) {
		if _, offered := effective[name]; !offered {
			diags.AddAttributeError(path.Root(attr).AtMapKey(name), "Name Not Offered by the Manager",
				fmt.Sprintf("The manager does not offer %s%s. It offers: %s.", name, outcome, strings.Join(sortedKeys(effective), ", ")))
			continue
		}
		effective[name] = managed[name]
	}
	if !anyTrue(effective) {
		diags.AddAttributeError(path.Root(attr), "Every Entry Disabled",
			fmt.Sprintf("After %s, no entry of %s would be enabled on the manager, which would then accept no TLS connection%s. Enable at least one.",
				when, attr, outcome))
	}
	return diags
}

// fromAPI records the manager's configuration in m. The managed maps keep their names and
// take the manager's values, so that a change made outside Terraform shows as a diff.
func (m *apiServiceConfigModel) fromAPI(ctx context.Context, cfg *nsxt.APIServiceConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(nsxt.APIServiceID)
	m.SessionTimeout = types.Int64Value(cfg.SessionTimeout)
	m.ConnectionTimeout = types.Int64Value(cfg.ConnectionTimeout)
	m.ClientAPIRateLimit = types.Int64Value(cfg.ClientAPIRateLimit)
	m.ClientAPIConcurrencyLimit = types.Int64Value(cfg.ClientAPIConcurrencyLimit)
	m.GlobalAPIConcurrencyLimit = types.Int64Value(cfg.GlobalAPIConcurrencyLimit)
	m.RedirectHost = types.StringValue(cfg.RedirectHost)
	m.BasicAuthenticationEnabled = types.BoolValue(cfg.BasicAuthenticationEnabled)
	m.CookieBasedAuthenticationEnabled = types.BoolValue(cfg.CookieBasedAuthenticationEnabled)
	addrs := cfg.LockoutImmuneAddresses
	if addrs == nil {
		addrs = []string{}
	}
	var d diag.Diagnostics
	m.LockoutImmuneAddresses, d = types.SetValueFrom(ctx, types.StringType, addrs)
	diags.Append(d...)
	m.Revision = types.Int64Value(cfg.Revision)
	m.Description = types.StringValue(cfg.Description)
	m.Tags, d = tagsToSet(cfg.Tags)
	diags.Append(d...)
	for _, x := range []struct {
		list      []nsxt.Toggle
		managed   *types.Map
		effective *types.Map
	}{
		{cfg.ProtocolVersions, &m.ProtocolVersions, &m.EffectiveProtocolVersions},
		{cfg.CipherSuites, &m.CipherSuites, &m.EffectiveCipherSuites},
	} {
		eff := map[string]attr.Value{}
		for _, t := range x.list {
			eff[t.Name] = types.BoolValue(t.Enabled)
		}
		*x.effective, d = types.MapValue(types.BoolType, eff)
		diags.Append(d...)
		if x.managed.IsNull() || x.managed.IsUnknown() {
			continue
		}
		managed := map[string]attr.Value{}
		for name := range x.managed.Elements() {
			if v, ok := eff[name]; ok {
				managed[name] = v
			}
		}
		*x.managed, d = types.MapValue(types.BoolType, managed)
		diags.Append(d...)
	}
	return diags
}

// ipAddressValidator accepts IPv4 and IPv6 addresses.
type ipAddressValidator struct{}

func (ipAddressValidator) Description(context.Context) string {
	return "must be an IPv4 or IPv6 address"
}
func (v ipAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ipAddressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if net.ParseIP(req.ConfigValue.ValueString()) == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP Address",
			fmt.Sprintf("%q is not an IPv4 or IPv6 address.", req.ConfigValue.ValueString()))
	}
}

// apiTagModel is one NSX tag.
type apiTagModel struct {
	Scope types.String `tfsdk:"scope"`
	Tag   types.String `tfsdk:"tag"`
}

var apiTagType = types.ObjectType{AttrTypes: map[string]attr.Type{"scope": types.StringType, "tag": types.StringType}}

func tagsToSet(tags []nsxt.Tag) (types.Set, diag.Diagnostics) {
	elems := make([]apiTagModel, 0, len(tags))
	for _, t := range tags {
		scope := types.StringNull() // NSX's empty scope is an absent one
		if t.Scope != "" {
			scope = types.StringValue(t.Scope)
		}
		elems = append(elems, apiTagModel{Scope: scope, Tag: types.StringValue(t.Tag)})
	}
	return types.SetValueFrom(context.Background(), apiTagType, elems)
}

func tagsFromSet(ctx context.Context, s types.Set) ([]nsxt.Tag, diag.Diagnostics) {
	var elems []apiTagModel
	diags := s.ElementsAs(ctx, &elems, false)
	out := make([]nsxt.Tag, 0, len(elems))
	for _, e := range elems {
		out = append(out, nsxt.Tag{Scope: e.Scope.ValueString(), Tag: e.Tag.ValueString()})
	}
	return out, diags
}

// setInConfig makes an Optional+Computed nested attribute required wherever its object is
// configured.
type setInConfig struct{}

func (setInConfig) Description(context.Context) string { return "must be set" }

func (v setInConfig) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (setInConfig) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "Missing Tag Value", "Each tag needs a tag value; scope is optional.")
	}
}

// knownTags reports whether every tag value of a configured set is known.
func knownTags(s types.Set) bool {
	for _, e := range s.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsUnknown() {
			return false
		}
		if v, ok := obj.Attributes()["tag"]; !ok || v.IsUnknown() || v.IsNull() {
			return false
		}
		if v := obj.Attributes()["scope"]; v == nil || v.IsUnknown() {
			return false
		}
	}
	return true
}

// everyAuthMethodOff is the one diagnostic for settings that would leave neither basic nor
// cookie-based authentication on; when says at which step it was found, outcome what followed.
func everyAuthMethodOff(when, outcome string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("cookie_based_authentication_enabled"), "Every Authentication Method Disabled",
		fmt.Sprintf("With %s both basic_authentication_enabled and cookie_based_authentication_enabled would be false on the manager%s: "+
			"no client, this provider included, could authenticate to the API again. Leave at least one true.", when, outcome))
}
