package nsxt

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

const principalType = "nsx_principal_identity"

type principalIdentityResource struct{ framework.ResourceBase }

type principalIdentityModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	NodeID         types.String `tfsdk:"node_id"`
	CertificatePEM types.String `tfsdk:"certificate_pem"`
	IsProtected    types.Bool   `tfsdk:"is_protected"`
	Description    types.String `tfsdk:"description"`
	RolesForPaths  types.Map    `tfsdk:"roles_for_paths"`
	CertificateID  types.String `tfsdk:"certificate_id"`
	RoleBindingID  types.String `tfsdk:"role_binding_id"`
	framework.Timeouts
}

var principalName = regexp.MustCompile(`^[^\s/]+$`)

func (r *principalIdentityResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A principal identity of NSX (`/api/v1/trust-management/principal-identities/with-certificate`): a user for automation " +
			"that authenticates with a client certificate instead of a password, so it has no password to leak and no account to lock. " +
			"Its roles are a role binding of type `principal_identity` that NSX keeps under its name; this resource manages both " +
			"(so that binding is not also an `nsx_role_binding`). " +
			"An nsxt block with `client_cert_*` and `client_key_*` then works as this identity. NSX has no call that changes an identity's name, " +
			"node, certificate, protection or description: changing one replaces it. Only the certificate is given here; its key never reaches " +
			"the provider through this resource.\n\n" + takeOverDoc + " The certificate is compared too.\n\nImport by the identity's id, or by `<name>/<node_id>`.",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The identity's id."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Name of the principal, e.g. `terraform-pipeline` (no spaces or `/`). Changing it replaces the identity.",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255), stringvalidator.RegexMatches(principalName, "must have no spaces or '/'")},
				PlanModifiers: replace,
			},
			"node_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "Node id of the principal: several identities may share a name, one per node id (one per runner, say), " +
					"each with its own certificate. Changing it replaces the identity.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: replace,
			},
			"certificate_pem": schema.StringAttribute{
				Required: true, MarkdownDescription: "PEM certificate the identity authenticates with (its public part only; keep the key out of Terraform). " +
					"Whitespace and line breaks around it do not matter. A new certificate replaces the identity.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(newCertificate,
					"A new certificate replaces the identity.", "A new certificate replaces the identity.")},
			},
			"is_protected": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether objects this identity creates are protected: other users change them only with `allow_overwrite = true` " +
					"in their nsxt block. Default `true`. Changing it replaces the identity.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				MarkdownDescription: "Description. Changing it replaces the identity.", PlanModifiers: replace,
			},
			"roles_for_paths": rolesAttribute(),
			"certificate_id":  framework.Assigned("Id of the certificate NSX stored for the identity."),
			"role_binding_id": framework.Assigned("Id of the role binding that holds the identity's roles."),
		},
	}
}

// certificateDER is the one certificate a PEM text holds; the problem, when it holds none,
// several, or a key (whose bytes are never quoted).
func certificateDER(text string) ([]byte, string) {
	rest := []byte(strings.TrimSpace(text))
	var der []byte
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch {
		case strings.Contains(blk.Type, "PRIVATE KEY"):
			return nil, "holds a private key. Give the identity's certificate only: the key stays with the pipeline that authenticates (client_key_file)."
		case blk.Type != "CERTIFICATE":
			return nil, fmt.Sprintf("holds a %s block; give a PEM certificate (-----BEGIN CERTIFICATE-----).", blk.Type)
		case der != nil:
			return nil, "holds more than one certificate; give the identity's own certificate only."
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return nil, "is not a valid certificate: " + err.Error() + "."
		}
		der = blk.Bytes
	}
	if der == nil {
		return nil, "holds no PEM certificate; give one beginning with -----BEGIN CERTIFICATE-----."
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, "has text after its certificate that is not PEM."
	}
	return der, ""
}

// ValidateConfig checks the certificate before anything is sent.
func (r *principalIdentityResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var pemText types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("certificate_pem"), &pemText)...)
	if pemText.IsNull() || pemText.IsUnknown() {
		return
	}
	if _, problem := certificateDER(pemText.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("certificate_pem"), "Invalid Principal Identity Certificate", "certificate_pem "+problem)
	}
}

// ModifyPlan reports a missing nsxt block at plan time.
func (r *principalIdentityResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, principalType)...)
}

// newCertificate replaces the identity only where the configuration gives another
// certificate, not the same one written differently (line breaks, a final newline): that is
// an update in place that sends nothing.
func newCertificate(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	a, _ := certificateDER(req.PlanValue.ValueString())
	b, _ := certificateDER(req.StateValue.ValueString())
	resp.RequiresReplace = a == nil || !bytes.Equal(a, b)
}

func (r *principalIdentityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan principalIdentityModel
	framework.Do(ctx, req.Plan, r.Op("create"), &plan, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		roles, diags := rolesToAPI(ctx, plan.RolesForPaths)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		if r.existing(ctx, c, &plan, &resp.State, &resp.Diagnostics) {
			return
		}
		out, err := c.CreatePrincipalIdentity(ctx, nsxtapi.PrincipalIdentityWithCertificate{
			Name: plan.Name.ValueString(), NodeID: plan.NodeID.ValueString(), CertificatePEM: strings.TrimSpace(plan.CertificatePEM.ValueString()),
			IsProtected: plan.IsProtected.ValueBool(), Description: plan.Description.ValueString(), RolesForPaths: roles,
		})
		if err != nil {
			r.Managers.Failed(&resp.Diagnostics, "Creating the NSX Principal Identity Failed", "Registering the principal identity "+plan.Name.ValueString(), err)
			return
		}
		// The identity exists from here on: record it before anything else can fail.
		plan.ID, plan.CertificateID = types.StringValue(out.ID), types.StringValue(out.CertificateID)
		plan.RoleBindingID = types.StringUnknown()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(r.read(ctx, c, &plan, nil, false)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

// existing looks for an identity of plan's name and node id that NSX holds already (an apply
// stopped before it recorded it): taken over into st when it is provably plan (the same
// certificate, protection, description and roles), refused with its import otherwise. It
// reports whether it found one (or could not look).
func (r *principalIdentityResource) existing(ctx context.Context, c *nsxtapi.Client, plan *principalIdentityModel, st *tfsdk.State, diags *diag.Diagnostics) bool {
	return takeOver(ctx, r.Managers, plan, st, diags, "the NSX Principal Identities", "Looking for an identity "+plan.Name.ValueString()+" before creating it",
		func() ([]nsxtapi.PrincipalIdentity, error) { return c.PrincipalIdentities(ctx) },
		func(p *nsxtapi.PrincipalIdentity) bool {
			return p.Name == plan.Name.ValueString() && p.NodeID == plan.NodeID.ValueString()
		},
		func(p *nsxtapi.PrincipalIdentity) (principalIdentityModel, found, diag.Diagnostics) {
			cur := *plan
			cur.ID = types.StringValue(p.ID)
			f := found{TypeName: principalType, Kind: "NSX Principal Identity", ImportID: p.ID,
				What: fmt.Sprintf("the principal identity %s with node_id %s (id %s)", p.Name, p.NodeID, p.ID)}
			d := r.read(ctx, c, &cur, p, true)
			theirs, _ := certificateDER(cur.CertificatePEM.ValueString())
			ours, _ := certificateDER(plan.CertificatePEM.ValueString())
			f.check("certificate_pem", bytes.Equal(theirs, ours))
			f.check("is_protected", cur.IsProtected.Equal(plan.IsProtected))
			f.check("description", cur.Description.Equal(plan.Description))
			f.check("roles_for_paths", cur.RolesForPaths.Equal(plan.RolesForPaths))
			cur.CertificatePEM = plan.CertificatePEM // the configuration's text of the same certificate
			return cur, f, d
		})
}

func (r *principalIdentityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state principalIdentityModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX Principal Identity", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		p, err := c.PrincipalIdentity(ctx, state.ID.ValueString())
		if err == nil {
			resp.Diagnostics.Append(r.read(ctx, c, &state, p, true)...)
		}
		return "Reading the principal identity " + state.ID.ValueString(), err
	})
}

// read fills m from the identity (p, or read now where nil), its certificate and its role
// binding as NSX holds them. certificate: record NSX's certificate where it is another one
// than m's (drift), else keep m's text.
func (r *principalIdentityResource) read(ctx context.Context, c *nsxtapi.Client, m *principalIdentityModel, p *nsxtapi.PrincipalIdentity, certificate bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if p == nil {
		var err error
		if p, err = c.PrincipalIdentity(ctx, m.ID.ValueString()); err != nil {
			r.Managers.ReadFailed(&diags, "the NSX Principal Identity", "Reading the principal identity "+m.ID.ValueString(), err)
			return diags
		}
	}
	m.Name, m.NodeID, m.IsProtected = types.StringValue(p.Name), types.StringValue(p.NodeID), types.BoolValue(p.IsProtected)
	m.Description, m.CertificateID = types.StringValue(p.Description), types.StringValue(p.CertificateID)
	if certificate || m.CertificatePEM.IsNull() {
		cert, err := c.Certificate(ctx, p.CertificateID)
		if err != nil {
			r.Managers.ReadFailed(&diags, "the NSX Principal Identity", "Reading the certificate of the principal identity "+p.Name, err)
			return diags
		}
		theirs, _ := certificateDER(cert.PEMEncoded)
		ours, _ := certificateDER(m.CertificatePEM.ValueString())
		if theirs == nil || !bytes.Equal(theirs, ours) {
			m.CertificatePEM = types.StringValue(cert.PEMEncoded)
		}
	}
	bindings, err := c.RoleBindings(ctx)
	if err != nil {
		r.Managers.ReadFailed(&diags, "the NSX Principal Identity", "Listing the role bindings for the roles of "+p.Name, err)
		return diags
	}
	m.RoleBindingID = types.StringValue("")
	m.RolesForPaths = types.MapValueMust(types.SetType{ElemType: types.StringType}, nil)
	for i := range bindings {
		if b := &bindings[i]; b.Type == "principal_identity" && b.Name == p.Name {
			m.RoleBindingID = types.StringValue(b.ID)
			var d diag.Diagnostics
			m.RolesForPaths, d = rolesFromAPI(b.RolesForPaths)
			diags.Append(d...)
		}
	}
	return diags
}

// Update changes the roles, the one thing NSX lets change in place: through the identity's
// role binding (UpdateRoleBinding writes over its current _revision).
func (r *principalIdentityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state principalIdentityModel
	framework.Change(ctx, &r.ResourceBase, Manager, req, resp, &plan, &state, func(ctx context.Context, c *nsxtapi.Client) {
		roles, diags := rolesToAPI(ctx, plan.RolesForPaths)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		plan.ID, plan.CertificateID = state.ID, state.CertificateID
		if !plan.RolesForPaths.Equal(state.RolesForPaths) {
			if err := r.writeRoles(ctx, c, plan.Name.ValueString(), roles); err != nil {
				r.Managers.Failed(&resp.Diagnostics, "Changing the NSX Principal Identity Failed", "Changing the roles of the principal identity "+plan.Name.ValueString(), err)
				return
			}
		}
		resp.Diagnostics.Append(r.read(ctx, c, &plan, nil, false)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *principalIdentityResource) writeRoles(ctx context.Context, c *nsxtapi.Client, name string, roles []nsxtapi.RolesForPath) error {
	bindings, err := c.RoleBindings(ctx)
	if err != nil {
		return err
	}
	for _, b := range bindings {
		if b.Type == "principal_identity" && b.Name == name {
			b.RolesForPaths = roles
			_, err := c.UpdateRoleBinding(ctx, b)
			return err
		}
	}
	_, err = c.CreateRoleBinding(ctx, nsxtapi.RoleBinding{Name: name, Type: "principal_identity", RolesForPaths: roles})
	return err
}

func (r *principalIdentityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state principalIdentityModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if err := c.DeletePrincipalIdentity(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
			r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Principal Identity Failed", "Deleting the principal identity "+state.Name.ValueString(), err)
			return
		}
		// Its roles go with the last identity of its name, where NSX kept the binding.
		all, err := c.PrincipalIdentities(ctx)
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Principal Identities", "Listing the principal identities after the delete", err)
			return
		}
		for _, p := range all {
			if p.Name == state.Name.ValueString() {
				return
			}
		}
		if id := state.RoleBindingID.ValueString(); id != "" {
			if err := c.DeleteRoleBinding(ctx, id); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
				r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Principal Identity Failed", "Deleting the role binding of "+state.Name.ValueString(), err)
			}
		}
	})
}

// ImportState takes the identity's id, or <name>/<node_id>.
func (r *principalIdentityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	framework.Import(ctx, r.Managers, Manager, principalType, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		all, err := c.PrincipalIdentities(ctx)
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Principal Identities", "Listing the principal identities to import "+id, err)
			return
		}
		name, node, byName := strings.Cut(id, "/")
		found := ""
		for _, p := range all {
			if p.ID == id || byName && p.Name == name && p.NodeID == node {
				found = p.ID
			}
		}
		if found == "" {
			resp.Diagnostics.AddError("NSX Principal Identity Not Found",
				fmt.Sprintf("NSX has no principal identity %q; import by its id or by <name>/<node_id>, e.g. terraform-pipeline/runner-1.", id))
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), found)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("certificate_pem"), types.StringNull())...)
	})
}
