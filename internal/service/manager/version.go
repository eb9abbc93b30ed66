// Package manager holds the types that work on any configured manager: nsx_version and the
// ephemeral nsx_session. They take the provider's table of managers.
package manager

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
)

// NewVersionDataSource is the nsx_version data source over table, the provider's managers.
func NewVersionDataSource(table []framework.Manager) func() datasource.DataSource {
	return func() datasource.DataSource {
		return &versionDataSource{DataSourceBase: framework.DataSourceBase{Base: framework.Base{TypeName: "nsx_version"}}, table: table}
	}
}

type versionDataSource struct {
	framework.DataSourceBase
	// table is the provider's managers: one of them is asked.
	table []framework.Manager
}

type versionModel struct {
	ID             types.String `tfsdk:"id"`
	Manager        types.String `tfsdk:"manager"`
	Version        types.String `tfsdk:"version"`
	NodeVersion    types.String `tfsdk:"node_version"`
	ProductVersion types.String `tfsdk:"product_version"`
	Build          types.String `tfsdk:"build"`
	Product        types.String `tfsdk:"product"`
	Type           types.String `tfsdk:"type"`
	ReleaseDate    types.String `tfsdk:"release_date"`
	framework.ReadTimeouts
}

func (d *versionDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = framework.DataSourceSchema(ctx, "Reads the software version of one of the configured managers.", map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The manager block name, as `manager`."},
		"manager": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Which manager to ask: the name of its provider block (" + framework.Quoted(framework.Names(d.table)) + "). Default `nsxt`.",
			Validators:          []validator.String{stringvalidator.OneOf(framework.Names(d.table)...)},
		},
		"version": schema.StringAttribute{Computed: true, MarkdownDescription: "The manager's product version. " +
			"NSX: `product_version`; NSX-v: `major.minor.patch.build` from `versionInfo`; SD-WAN Manager: `data.version` of " +
			"`/dataservice/client/about`, else `data.platformVersion` of `/dataservice/client/server`; Illumio PCE: `version` of `/api/v2/product_version`; vCenter: `version` of `/api/appliance/system/version`."},
		"build":        schema.StringAttribute{Computed: true, MarkdownDescription: "The build number, where the manager reports one separately (NSX-v, Illumio PCE, vCenter)."},
		"product":      schema.StringAttribute{Computed: true, MarkdownDescription: "vCenter: the product name, e.g. `VMware vCenter Server`."},
		"type":         schema.StringAttribute{Computed: true, MarkdownDescription: "vCenter: the appliance type."},
		"release_date": schema.StringAttribute{Computed: true, MarkdownDescription: "vCenter: the release date of the installed patch (empty on an unpatched appliance)."},
		"node_version": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "NSX: the version of the node that answered (`node_version` of `/api/v1/node/version`).",
		},
		"product_version": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "NSX: the product version (`product_version` of `/api/v1/node/version`).",
		},
	})
}

func (d *versionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data versionModel
	ctx, done, ok := framework.Begin(ctx, req.Config, d.ReadOp(), &data, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	if data.Manager.IsNull() {
		data.Manager = types.StringValue("nsxt")
	}
	mgr := framework.Lookup(d.table, data.Manager.ValueString())
	if mgr == nil {
		resp.Diagnostics.AddAttributeError(path.Root("manager"), "Unknown Manager",
			fmt.Sprintf("No manager is called %q; use one of %s.", data.Manager.ValueString(), framework.Quoted(framework.Names(d.table))))
		return
	}
	v, diags := mgr.ReadVersion(ctx, d.Managers, "nsx_version")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.fromAPI(v)
	data.ID = data.Manager
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// fromAPI records what the manager reported; what it does not report is null.
func (m *versionModel) fromAPI(v framework.VersionFacts) {
	opt := framework.NullIfEmpty
	m.Version = types.StringValue(v.Version)
	m.NodeVersion, m.ProductVersion, m.Build = opt(v.NodeVersion), opt(v.ProductVersion), opt(v.Build)
	m.Product, m.Type = opt(v.Product), opt(v.Type)
	// vCenter reports an empty release date on an unpatched appliance: keep it as reported.
	m.ReleaseDate = types.StringNull()
	if v.Product != "" {
		m.ReleaseDate = types.StringValue(v.ReleaseDate)
	}
}
