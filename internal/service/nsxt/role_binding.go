package nsxt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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

// nsx_role_binding: a role binding of a user, group or principal identity.

type roleBindingResource struct{ framework.ResourceBase }

type roleBindingModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Type               types.String `tfsdk:"type"`
	IdentitySourceType types.String `tfsdk:"identity_source_type"`
	IdentitySourceID   types.String `tfsdk:"identity_source_id"`
	RolesForPaths      types.Map    `tfsdk:"roles_for_paths"`
	Revision           types.Int64  `tfsdk:"revision"`
	framework.Timeouts
}

const bindingType = "nsx_role_binding"

var (
	bindingTypes    = []string{"remote_user", "remote_group", "local_user", "principal_identity"}
	identitySources = []string{"VIDM", "LDAP", "OIDC", "CSP"}
	roleID          = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	policyPath      = regexp.MustCompile(`^/([^\s]*)$`)
)

func (r *roleBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A role binding of NSX (`/policy/api/v1/aaa/role-bindings`): the roles a user, a group or a principal identity holds, " +
			"by policy path (`/` is all of NSX). Role bindings are the cluster's, written once through any node. A binding someone else changed " +
			"shows in the next plan; a binding someone deleted is created again. Use the `nsx_role_bindings` data source to check that only " +
			"authorised users hold roles (STIG VCFN-9X-000010).\n\n" + takeOverDoc + "\n\nImport by the binding's id, or by `<type>/<name>` (e.g. `local_user/audit`).",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The binding's id."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Who the binding is for: a user (`jdoe@corp.example.com`), a group, a local user (`audit`) or a principal identity's name. Changing it replaces the binding.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: replace,
			},
			"type": schema.StringAttribute{
				Required: true, MarkdownDescription: "`remote_user`, `remote_group`, `local_user` or `principal_identity`. Changing it replaces the binding.",
				Validators: []validator.String{stringvalidator.OneOf(bindingTypes...)}, PlanModifiers: replace,
			},
			"identity_source_type": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Where a remote user or group comes from: `VIDM`, `LDAP`, `OIDC` or `CSP`.",
				Validators: []validator.String{stringvalidator.OneOf(identitySources...)}, PlanModifiers: replace,
			},
			"identity_source_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "The id of the LDAP or OIDC identity source the user or group comes from.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace,
			},
			"roles_for_paths": rolesAttribute(),
			"revision":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The binding's `_revision` as last read."},
		},
	}
}

func (r *roleBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, "", req.Plan, &resp.State, &resp.Diagnostics)
}

// write creates the binding the plan asks for (id ""), taking over one an interrupted apply
// left, or writes it over the binding id.
func (r *roleBindingResource) write(ctx context.Context, id string, plan planSource, st *tfsdk.State, diags *diag.Diagnostics) {
	var m roleBindingModel
	op, verb := "create", "Creating"
	if id != "" {
		op, verb = "update", "Changing"
	}
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		b, d := m.toAPI(ctx)
		diags.Append(d...)
		if d.HasError() || id == "" && r.existing(ctx, c, &m, st, diags) {
			return
		}
		var out *nsxtapi.RoleBinding
		var err error
		if b.ID = id; id == "" {
			out, err = c.CreateRoleBinding(ctx, b)
		} else {
			out, err = c.UpdateRoleBinding(ctx, b)
		}
		if err != nil {
			r.writeFailed(diags, verb, b, err)
			return
		}
		diags.Append(m.fromAPI(ctx, out)...)
		diags.Append(st.Set(ctx, &m)...)
	})
}

// existing looks for a binding of plan's type and name that NSX holds already (an apply
// stopped before it recorded it): taken over into st when it is provably plan (the same
// identity source and roles), refused with its import otherwise. It reports whether it found
// one (or could not look).
func (r *roleBindingResource) existing(ctx context.Context, c *nsxtapi.Client, plan *roleBindingModel, st *tfsdk.State, diags *diag.Diagnostics) bool {
	return takeOver(ctx, r.Managers, plan, st, diags, "the NSX Role Bindings", "Looking for a binding of "+plan.Name.ValueString()+" before creating it",
		func() ([]nsxtapi.RoleBinding, error) { return c.RoleBindings(ctx) },
		func(b *nsxtapi.RoleBinding) bool {
			return b.Type == plan.Type.ValueString() && b.Name == plan.Name.ValueString()
		},
		func(b *nsxtapi.RoleBinding) (roleBindingModel, found, diag.Diagnostics) {
			cur := roleBindingModel{Timeouts: plan.Timeouts}
			d := cur.fromAPI(ctx, b)
			f := found{TypeName: bindingType, Kind: "NSX Role Binding", ImportID: b.Type + "/" + b.Name,
				What: fmt.Sprintf("a role binding of %s %s (id %s)", b.Type, b.Name, b.ID)}
			f.check("identity_source_type", cur.IdentitySourceType.Equal(plan.IdentitySourceType))
			f.check("identity_source_id", cur.IdentitySourceID.Equal(plan.IdentitySourceID))
			f.check("roles_for_paths", cur.RolesForPaths.Equal(plan.RolesForPaths))
			return cur, f, d
		})
}

func (r *roleBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleBindingModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX Role Binding", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		b, err := c.RoleBinding(ctx, state.ID.ValueString())
		if err == nil {
			resp.Diagnostics.Append(state.fromAPI(ctx, b)...)
		}
		return "Reading the role binding " + state.ID.ValueString(), err
	})
}

func (r *roleBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state roleBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() {
		r.write(ctx, state.ID.ValueString(), req.Plan, &resp.State, &resp.Diagnostics)
	}
}

func (r *roleBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleBindingModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if err := c.DeleteRoleBinding(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
			r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Role Binding Failed", "Deleting the role binding of "+state.Name.ValueString(), err)
		}
	})
}

// ImportState takes a binding's id, or <type>/<name>.
func (r *roleBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	framework.Import(ctx, r.Managers, Manager, bindingType, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if kind, name, found := strings.Cut(id, "/"); found {
			all, err := c.RoleBindings(ctx)
			if err != nil {
				r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Role Bindings", "Listing the role bindings to import "+id, err)
				return
			}
			id = ""
			for _, b := range all {
				if b.Type == kind && b.Name == name {
					id = b.ID
				}
			}
			if id == "" {
				resp.Diagnostics.AddError("NSX Role Binding Not Found", fmt.Sprintf("NSX has no %s role binding for %q.", kind, name))
				return
			}
		} else if _, err := c.RoleBinding(ctx, id); errors.Is(err, nsxtapi.ErrNotFound) {
			resp.Diagnostics.AddError("NSX Role Binding Not Found", fmt.Sprintf("NSX has no role binding %q; import by its id or by <type>/<name>, e.g. local_user/audit.", id))
			return
		} else if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding "+id+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	})
}

// ModifyPlan reports a missing nsxt block at plan time, as the apply would.
func (r *roleBindingResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, bindingType)...)
}

func (r *roleBindingResource) writeFailed(diags *diag.Diagnostics, verb string, b nsxtapi.RoleBinding, err error) {
	r.Managers.Failed(diags, verb+" the NSX Role Binding Failed", fmt.Sprintf("%s the role binding of %s %s failed", verb, b.Type, b.Name), err)
}

// toAPI is the binding m asks for.
func (m *roleBindingModel) toAPI(ctx context.Context) (nsxtapi.RoleBinding, diag.Diagnostics) {
	b := nsxtapi.RoleBinding{Name: m.Name.ValueString(), Type: m.Type.ValueString(),
		IdentitySourceType: m.IdentitySourceType.ValueString(), IdentitySourceID: m.IdentitySourceID.ValueString()}
	var diags diag.Diagnostics
	b.RolesForPaths, diags = rolesToAPI(ctx, m.RolesForPaths)
	return b, diags
}

// fromAPI records a binding as NSX answered it.
func (m *roleBindingModel) fromAPI(_ context.Context, b *nsxtapi.RoleBinding) diag.Diagnostics {
	m.ID = types.StringValue(b.ID)
	m.Name = types.StringValue(b.Name)
	m.Type = types.StringValue(b.Type)
	m.IdentitySourceType = framework.NullIfEmpty(b.IdentitySourceType)
	m.IdentitySourceID = framework.NullIfEmpty(b.IdentitySourceID)
	m.Revision = types.Int64Value(b.Revision)
	var diags diag.Diagnostics
	m.RolesForPaths, diags = rolesFromAPI(b.RolesForPaths)
	return diags
}

// rolesToAPI is a roles_for_paths map (path → set of roles) as NSX takes it, sorted.
func rolesToAPI(ctx context.Context, m types.Map) ([]nsxtapi.RolesForPath, diag.Diagnostics) {
	var rfp map[string][]string
	diags := m.ElementsAs(ctx, &rfp, false)
	var out []nsxtapi.RolesForPath
	for _, p := range framework.SortedKeys(rfp) {
		roles := append([]string(nil), rfp[p]...)
		sort.Strings(roles)
		pr := nsxtapi.RolesForPath{Path: p}
		for _, role := range roles {
			pr.Roles = append(pr.Roles, nsxtapi.RoleRef{Role: role})
		}
		out = append(out, pr)
	}
	return out, diags
}

// rolesFromAPI is NSX's roles_for_paths as the attribute holds it.
func rolesFromAPI(rfp []nsxtapi.RolesForPath) (types.Map, diag.Diagnostics) {
	paths := map[string]attr.Value{}
	for _, pr := range rfp {
		roles := make([]attr.Value, 0, len(pr.Roles))
		for _, role := range pr.Roles {
			roles = append(roles, types.StringValue(role.Role))
		}
		paths[pr.Path] = types.SetValueMust(types.StringType, roles)
	}
	return types.MapValue(types.SetType{ElemType: types.StringType}, paths)
}

// rolesAttribute is roles_for_paths of a role binding or a principal identity.
func rolesAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		Required: true, ElementType: types.SetType{ElemType: types.StringType},
		MarkdownDescription: "Policy path → the role identifiers held there, e.g. `{ \"/\" = [\"auditor\"] }` " +
			"(`enterprise_admin`, `auditor`, `network_engineer`, `network_op`, `security_engineer`, `security_op`, `lb_admin`, `lb_auditor`, " +
			"`vpn_admin`, `project_admin`…). NSX refuses a role it does not know.",
		Validators: []validator.Map{
			mapvalidator.SizeAtLeast(1),
			mapvalidator.KeysAre(stringvalidator.RegexMatches(policyPath, "must be a policy path starting with /")),
			mapvalidator.ValueSetsAre(setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
				stringvalidator.RegexMatches(roleID, "must be a role identifier such as enterprise_admin or auditor"))),
		},
	}
}
