package nsxt

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_role_bindings: every role binding, with the roles' display names.

type roleBindingsDataSource struct{ framework.DataSourceBase }

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

func (d *roleBindingsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := framework.ComputedString
	resp.Schema = framework.DataSourceSchema(ctx, "Every role binding of NSX (`/policy/api/v1/aaa/role-bindings`, every page), with the roles each holds by path and "+
		"their display names, for `check` blocks that assert only authorised users hold roles (STIG VCFN-9X-000010: the STIG's check compares "+
		"each user's role display names on `/` with the authorised ones).", map[string]dschema.Attribute{
		"id": str("A digest of the filter."),
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
	})
}

// ReadModel lists every role binding.
func (d *roleBindingsDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	return framework.Fetch(ctx, &d.DataSourceBase, Manager, req, diags, "the NSX Role Bindings", func(ctx context.Context, c *nsxtapi.Client, data *roleBindingsModel) (string, error) {
		all, err := c.RoleBindings(ctx)
		if err != nil {
			return "Listing the role bindings", err
		}
		data.fromAPI(all)
		data.ID = types.StringValue(framework.Digest(data.Type.ValueString()))
		return "", nil
	})
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
