package nsxt

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_oidc_provider: an OpenID Connect identity provider of the manager.

type oidcProviderResource struct{ framework.ResourceBase }

type oidcProviderModel struct {
	ID                    types.String `tfsdk:"id"`
	OIDCURI               types.String `tfsdk:"oidc_uri"`
	Thumbprint            types.String `tfsdk:"thumbprint"`
	OIDCType              types.String `tfsdk:"oidc_type"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	ServicedDomains       types.Set    `tfsdk:"serviced_domains"`
	Issuer                types.String `tfsdk:"issuer"`
	Revision              types.Int64  `tfsdk:"revision"`
	framework.Timeouts
}

var oidcURI = regexp.MustCompile(`^https://[^\s/]+(/\S*)?$`)

func (r *oidcProviderResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OpenID Connect identity provider of the manager (`/api/v1/trust-management/oidc-uris`, OidcEndPoint): users " +
			"then log in through it, with its multifactor authentication — an identity provider the NSX 4.x STIG accepts for NMGR-4X-000015. " +
			"NSX fetches the provider's discovery document (`oidc_uri`) when it is created and keeps its issuer.\n\n" +
			"The client secret is write-only (`client_secret_wo`): never in the plan or the state, sent with every write. " +
			"**NSX's API has no delete for an OIDC provider** (its SDK documents create, read, update and refresh): destroying this " +
			"resource leaves the provider on the manager, with a warning; remove it in the UI (System > Settings > User Management). " +
			"Import by its id.",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The provider's id (NSX chooses it)."),
			"oidc_uri": schema.StringAttribute{Required: true, MarkdownDescription: "The provider's discovery URI (`https://…/.well-known/openid-configuration`).",
				Validators: []validator.String{stringvalidator.RegexMatches(oidcURI, "must be an https:// URI")}},
			"thumbprint": schema.StringAttribute{Required: true, MarkdownDescription: "The SHA-256 hash of the provider's certificate, 64 hexadecimal digits.",
				Validators: []validator.String{stringvalidator.RegexMatches(thumbprintRE, "must be 64 hexadecimal digits")}},
			"oidc_type": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "`vcenter`, `ws_one` or `csp`; NSX's default `vcenter`.",
				Validators: []validator.String{stringvalidator.OneOf("vcenter", "ws_one", "csp")}, PlanModifiers: keep},
			"client_id": schema.StringAttribute{Optional: true, MarkdownDescription: "The OAuth client id registered for NSX at the provider.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}},
			"client_secret_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true, MarkdownDescription: "The OAuth client secret, write-only: sent with every write, never stored.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}},
			"client_secret_wo_version": schema.Int64Attribute{Optional: true, MarkdownDescription: "Raise it to send a new `client_secret_wo` (a change of the secret alone is invisible)."},
			"serviced_domains": schema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "The login domains (`user@domain`) this provider serves; each unique across providers.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255))}},
			"issuer":   framework.Assigned("The issuer NSX read from the discovery document."),
			"revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The provider's `_revision` as last read."},
		},
	}
}

// secret is the write-only client secret of the configuration (nil: none).
func oidcSecret(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) *string {
	var s types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("client_secret_wo"), &s)...)
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	v := s.ValueString()
	return &v
}

func (r *oidcProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, "", req.Plan, req.Config, &resp.State, &resp.Diagnostics)
}

// write creates the provider the plan asks for (id ""), or writes it over the provider id;
// the client secret comes from the configuration.
func (r *oidcProviderResource) write(ctx context.Context, id string, plan planSource, cfg tfsdk.Config, st *tfsdk.State, diags *diag.Diagnostics) {
	var m oidcProviderModel
	op, verb := "create", "Creating"
	if id != "" {
		op, verb = "update", "Changing"
	}
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		p := m.toAPI(ctx, diags)
		p.ID, p.ClientSecret = id, oidcSecret(ctx, cfg, diags)
		if diags.HasError() {
			return
		}
		var out *nsxtapi.OIDCProvider
		var err error
		if id == "" {
			out, err = c.CreateOIDCProvider(ctx, p)
		} else {
			out, err = c.UpdateOIDCProvider(ctx, p)
		}
		if err != nil {
			r.Managers.Failed(diags, verb+" the NSX OIDC Provider Failed", verb+" the OIDC provider "+cmp.Or(id, p.OIDCURI)+" failed", err)
			return
		}
		diags.Append(m.fromAPI(out)...)
		diags.Append(st.Set(ctx, &m)...)
	})
}

func (r *oidcProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oidcProviderModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX OIDC Provider", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		p, err := c.OIDCProvider(ctx, state.ID.ValueString())
		if err == nil {
			resp.Diagnostics.Append(state.fromAPI(p)...)
		}
		return "Reading the OIDC provider " + state.ID.ValueString(), err
	})
}

func (r *oidcProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state oidcProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() {
		r.write(ctx, state.ID.ValueString(), req.Plan, req.Config, &resp.State, &resp.Diagnostics)
	}
}

// Delete sends nothing: the API has no delete for an OIDC provider.
func (r *oidcProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oidcProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("NSX OIDC Provider Left on the Manager",
		fmt.Sprintf("nsx_oidc_provider left the state; the OIDC provider %s (%s) stays on the manager: NSX's API has no delete for it. "+
			"Remove it in the UI (System > Settings > User Management) if it should go.", state.ID.ValueString(), state.OIDCURI.ValueString()))
}

func (r *oidcProviderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	framework.Import(ctx, r.Managers, Manager, "nsx_oidc_provider", &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if _, err := c.OIDCProvider(ctx, id); errors.Is(err, nsxtapi.ErrNotFound) {
			resp.Diagnostics.AddError("NSX OIDC Provider Not Found", fmt.Sprintf("NSX has no OIDC provider %q; import by its id (GET %s lists them).", id, nsxtapi.OIDCPath))
			return
		} else if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX OIDC Provider", "Reading the OIDC provider "+id+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	})
}

func (r *oidcProviderResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, "nsx_oidc_provider")...)
}

func (m *oidcProviderModel) toAPI(ctx context.Context, diags *diag.Diagnostics) nsxtapi.OIDCProvider {
	p := nsxtapi.OIDCProvider{OIDCURI: m.OIDCURI.ValueString(), Thumbprint: m.Thumbprint.ValueString(), OIDCType: m.OIDCType.ValueString(), ClientID: m.ClientID.ValueString()}
	if !m.ServicedDomains.IsNull() && !m.ServicedDomains.IsUnknown() {
		diags.Append(m.ServicedDomains.ElementsAs(ctx, &p.ServicedDomains, false)...)
	}
	return p
}

func (m *oidcProviderModel) fromAPI(p *nsxtapi.OIDCProvider) diag.Diagnostics {
	m.ID, m.OIDCURI, m.Thumbprint = types.StringValue(p.ID), types.StringValue(p.OIDCURI), types.StringValue(p.Thumbprint)
	m.OIDCType, m.ClientID, m.Issuer = types.StringValue(p.OIDCType), framework.NullIfEmpty(p.ClientID), types.StringValue(p.Issuer)
	m.Revision = types.Int64Value(p.Revision)
	if len(p.ServicedDomains) == 0 && m.ServicedDomains.IsNull() {
		return nil
	}
	var diags diag.Diagnostics
	m.ServicedDomains, diags = types.SetValueFrom(context.Background(), types.StringType, p.ServicedDomains)
	return diags
}
