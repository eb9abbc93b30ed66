package nsxt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

var (
	_ resource.Resource                = (*roleBindingResource)(nil)
	_ resource.ResourceWithConfigure   = (*roleBindingResource)(nil)
	_ resource.ResourceWithImportState = (*roleBindingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleBindingResource)(nil)
	_ framework.ModelReader            = (*roleBindingsDataSource)(nil)
)

// NewRoleBindingResource is nsx_role_binding.
func NewRoleBindingResource() resource.Resource { return &roleBindingResource{} }

type roleBindingResource struct {
	managers *framework.Managers
}

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

func bindingOp(name string) framework.Op { return framework.Op{Type: bindingType, Name: name} }

func (r *roleBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_binding"
}

func (r *roleBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A role binding of NSX (`/policy/api/v1/aaa/role-bindings`): the roles a user, a group or a principal identity holds, " +
			"by policy path (`/` is all of NSX). Role bindings are the cluster's, written once through any node. A binding someone else changed " +
			"shows in the next plan; a binding someone deleted is created again. Use the `nsx_role_bindings` data source to check that only " +
			"authorised users hold roles (STIG VCFN-9X-000010).\n\nImport by the binding's id, or by `<type>/<name>` (e.g. `local_user/audit`).",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.ResourceTimeouts(ctx, timeouts.Opts{
				Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "How long a create may take. Default `5m`.", ReadDescription: "How long a refresh may take. Default `5m`.",
				UpdateDescription: "How long an update may take. Default `5m`.", DeleteDescription: "How long a destroy may take. Default `5m`.",
			}),
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The binding's id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
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
			"roles_for_paths": schema.MapAttribute{
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
			},
			"revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The binding's `_revision` as last read."},
		},
	}
}

func (r *roleBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.managers = framework.From(req.ProviderData, &resp.Diagnostics)
}

func (r *roleBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleBindingModel
	ctx, c, done, ok := framework.Open(ctx, req.Plan, bindingOp("create"), &plan, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	b, diags := plan.toAPI(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	out, err := c.CreateRoleBinding(ctx, b)
	if err != nil {
		r.writeFailed(&resp.Diagnostics, "Creating", b, err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *roleBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleBindingModel
	ctx, c, done, ok := framework.Open(ctx, req.State, bindingOp("read"), &state, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	b, err := c.RoleBinding(ctx, state.ID.ValueString())
	if errors.Is(err, nsxtapi.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		r.managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding "+state.ID.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, b)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *roleBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state roleBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, c, done, ok := framework.Open(ctx, req.Plan, bindingOp("update"), &plan, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	want, diags := plan.toAPI(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	want.ID = state.ID.ValueString()
	var out *nsxtapi.RoleBinding
	for attempt := 1; ; attempt++ {
		cur, err := c.RoleBinding(ctx, want.ID)
		if err != nil {
			r.managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding for its _revision", err)
			return
		}
		want.Revision = cur.Revision
		out, err = c.UpdateRoleBinding(ctx, want)
		if errors.Is(err, nsxtapi.ErrStaleRevision) && attempt == 1 {
			continue // someone wrote between our read and our write: once more
		}
		if err != nil {
			r.writeFailed(&resp.Diagnostics, "Changing", want, err)
			return
		}
		break
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *roleBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleBindingModel
	ctx, c, done, ok := framework.Open(ctx, req.State, bindingOp("delete"), &state, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	if err := c.DeleteRoleBinding(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
		r.managers.Failed(&resp.Diagnostics, "Deleting the NSX Role Binding Failed", "Deleting the role binding of "+state.Name.ValueString(), err)
	}
}

// ImportState takes a binding's id, or <type>/<name>.
func (r *roleBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	ctx, done := framework.StartOperation(ctx, bindingType, "import", framework.DefaultReadTimeout, &resp.Diagnostics)
	defer done()
	c, diags := framework.Use(ctx, r.managers, Manager, bindingType+" import")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if kind, name, found := strings.Cut(id, "/"); found {
		all, err := c.RoleBindings(ctx)
		if err != nil {
			r.managers.ReadFailed(&resp.Diagnostics, "the NSX Role Bindings", "Listing the role bindings to import "+id, err)
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
		r.managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding "+id+" to import it", err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// ModifyPlan reports a missing nsxt block at plan time, as the apply would.
func (r *roleBindingResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.managers.RequireAtPlan(Manager.Info, bindingType)...)
}

func (r *roleBindingResource) writeFailed(diags *diag.Diagnostics, verb string, b nsxtapi.RoleBinding, err error) {
	r.managers.Failed(diags, verb+" the NSX Role Binding Failed", fmt.Sprintf("%s the role binding of %s %s failed", verb, b.Type, b.Name), err)
}

// toAPI is the binding m asks for.
func (m *roleBindingModel) toAPI(ctx context.Context) (nsxtapi.RoleBinding, diag.Diagnostics) {
	b := nsxtapi.RoleBinding{Name: m.Name.ValueString(), Type: m.Type.ValueString(),
		IdentitySourceType: m.IdentitySourceType.ValueString(), IdentitySourceID: m.IdentitySourceID.ValueString()}
	var rfp map[string][]string
	diags := m.RolesForPaths.ElementsAs(ctx, &rfp, false)
	for _, p := range framework.SortedKeys(rfp) {
		roles := append([]string(nil), rfp[p]...)
		sort.Strings(roles)
		pr := nsxtapi.RolesForPath{Path: p}
		for _, role := range roles {
			pr.Roles = append(pr.Roles, nsxtapi.RoleRef{Role: role})
		}
		b.RolesForPaths = append(b.RolesForPaths, pr)
	}
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
	paths := map[string]attr.Value{}
	for _, pr := range b.RolesForPaths {
		roles := make([]attr.Value, 0, len(pr.Roles))
		for _, role := range pr.Roles {
			roles = append(roles, types.StringValue(role.Role))
		}
		paths[pr.Path] = types.SetValueMust(types.StringType, roles)
	}
	var diags diag.Diagnostics
	m.RolesForPaths, diags = types.MapValue(types.SetType{ElemType: types.StringType}, paths)
	return diags
}

// NewRoleBindingsDataSource is nsx_role_bindings.
func NewRoleBindingsDataSource() datasource.DataSource { return &roleBindingsDataSource{} }

type roleBindingsDataSource struct {
	managers *framework.Managers
}

type roleBindingsModel struct {
	ID       types.String                   `tfsdk:"id"`
	Type     types.String                   `tfsdk:"type"`
	Bindings []roleBindingItem              `tfsdk:"bindings"`
	Roles    map[string][]string            `tfsdk:"roles"`
	ByName   map[string]map[string][]string `tfsdk:"roles_by_path"`
	framework.ReadTimeouts
}

type roleBindingItem struct {
	ID                 string                       `tfsdk:"id"`
	Name               string                       `tfsdk:"name"`
	Type               string                       `tfsdk:"type"`
	IdentitySourceType string                       `tfsdk:"identity_source_type"`
	IdentitySourceID   string                       `tfsdk:"identity_source_id"`
	RolesForPaths      map[string][]roleDisplayItem `tfsdk:"roles_for_paths"`
}

type roleDisplayItem struct {
	Role        string `tfsdk:"role"`
	DisplayName string `tfsdk:"role_display_name"`
}

func (d *roleBindingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_bindings"
}

func (d *roleBindingsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := framework.ComputedString
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Every role binding of NSX (`/policy/api/v1/aaa/role-bindings`, every page), with the roles each holds by path and " +
			"their display names, for `check` blocks that assert only authorised users hold roles (STIG VCFN-9X-000010: the STIG's check compares " +
			"each user's role display names on `/` with the authorised ones).",
		Attributes: map[string]dschema.Attribute{
			"timeouts": framework.DataSourceTimeouts(ctx),
			"id":       str("A digest of the filter."),
			"type": dschema.StringAttribute{
				Optional: true, MarkdownDescription: "Only bindings of this type: `remote_user`, `remote_group`, `local_user` or `principal_identity`.",
				Validators: []validator.String{stringvalidator.OneOf(bindingTypes...)},
			},
			"bindings": dschema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The bindings, sorted by name, then type, then id.",
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"id": str("The binding's id."), "name": str("Who the binding is for."), "type": str("The binding's type."),
					"identity_source_type": str("Where a remote user or group comes from (empty for local users)."),
					"identity_source_id":   str("The identity source's id (empty when none)."),
					"roles_for_paths": dschema.MapAttribute{Computed: true, MarkdownDescription: "Path → the roles held there.",
						ElementType: types.ListType{ElemType: types.ObjectType{AttrTypes: map[string]attr.Type{"role": types.StringType, "role_display_name": types.StringType}}}},
				}},
			},
			"roles": dschema.MapAttribute{
				Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Name → the display names of the roles held on `/`, sorted: what the STIG's check compares " +
					"(`roles[\"admin\"]` is `[\"Enterprise Admin\"]` on a fresh manager). Where several bindings share a name, their roles are merged.",
			},
			"roles_by_path": dschema.MapAttribute{
				Computed: true, ElementType: types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
				MarkdownDescription: "Name → path → the role identifiers held there, sorted.",
			},
		},
	}
}

func (d *roleBindingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = framework.From(req.ProviderData, &resp.Diagnostics)
}

func (d *roleBindingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	framework.ReadInto(ctx, d, req, resp)
}

// ReadModel lists every role binding.
func (d *roleBindingsDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	var data roleBindingsModel
	ctx, done, ok := framework.BeginRead(ctx, req.Config, "nsx_role_bindings", &data, diags)
	defer done()
	if !ok {
		return nil
	}
	c, dd := framework.Use(ctx, d.managers, Manager, "nsx_role_bindings")
	diags.Append(dd...)
	if diags.HasError() {
		return nil
	}
	all, err := c.RoleBindings(ctx)
	if err != nil {
		d.managers.ReadFailed(diags, "the NSX Role Bindings", "Listing the role bindings", err)
		return nil
	}
	data.fromAPI(all)
	data.ID = types.StringValue(framework.Digest(data.Type.ValueString()))
	return &data
}

// fromAPI keeps the bindings of data's type, sorted by name, type and id (the one rule for
// ties).
func (data *roleBindingsModel) fromAPI(all []nsxtapi.RoleBinding) {
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.ID < b.ID
	})
	data.Bindings = make([]roleBindingItem, 0, len(all))
	data.Roles = map[string][]string{}
	data.ByName = map[string]map[string][]string{}
	for _, b := range all {
		if !framework.Matches(data.Type, b.Type) {
			continue
		}
		item := roleBindingItem{ID: b.ID, Name: b.Name, Type: b.Type, IdentitySourceType: b.IdentitySourceType,
			IdentitySourceID: b.IdentitySourceID, RolesForPaths: map[string][]roleDisplayItem{}}
		if data.ByName[b.Name] == nil {
			data.ByName[b.Name] = map[string][]string{}
		}
		for _, pr := range b.RolesForPaths {
			for _, role := range pr.Roles {
				item.RolesForPaths[pr.Path] = append(item.RolesForPaths[pr.Path], roleDisplayItem{Role: role.Role, DisplayName: role.DisplayName})
				data.ByName[b.Name][pr.Path] = appendSorted(data.ByName[b.Name][pr.Path], role.Role)
				if pr.Path == "/" {
					data.Roles[b.Name] = appendSorted(data.Roles[b.Name], role.DisplayName)
				}
			}
		}
		if _, ok := data.Roles[b.Name]; !ok {
			data.Roles[b.Name] = []string{}
		}
		data.Bindings = append(data.Bindings, item)
	}
}

// appendSorted adds s to the sorted list, once.
func appendSorted(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	if i < len(list) && list[i] == s {
		return list
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}
