package provider

import (
	"context"
	"sort"
	"strconv"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*versionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*versionDataSource)(nil)
)

// NewVersionDataSource is the nsx_version data source.
func NewVersionDataSource() datasource.DataSource { return &versionDataSource{} }

type versionDataSource struct {
	managers *Managers
}

type versionModel struct {
	ID             types.String     `tfsdk:"id"`
	Manager        types.String     `tfsdk:"manager"`
	Version        types.String     `tfsdk:"version"`
	NodeVersion    types.String     `tfsdk:"node_version"`
	ProductVersion types.String     `tfsdk:"product_version"`
	Build          types.String     `tfsdk:"build"`
	Product        types.String     `tfsdk:"product"`
	Type           types.String     `tfsdk:"type"`
	ReleaseDate    types.String     `tfsdk:"release_date"`
	Timeouts       dstimeouts.Value `tfsdk:"timeouts"`
}

// versionReaders holds, per manager block, how its version is read. Each manager adds its case.
var versionReaders = map[string]func(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics{
	"nsxt":    readNSXTVersion,
	"nsxv":    readNSXVVersion,
	"sdwan":   readSDWANVersion,
	"illumio": readIllumioVersion,
	"vcenter": readVCenterVersion,
}

func knownManagers() []string {
	out := make([]string, 0, len(versionReaders))
	for k := range versionReaders {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (d *versionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_version"
}

func (d *versionDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the software version of one of the configured managers.",
		Attributes: map[string]schema.Attribute{
			"timeouts": dataSourceTimeouts(ctx),
			"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "The manager block name, as `manager`."},
			"manager": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Which manager to ask: the name of its provider block (`nsxt`, `nsxv`, `sdwan`, `illumio`, `vcenter`). Default `nsxt`.",
				Validators:          []validator.String{stringvalidator.OneOf(knownManagers()...)},
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
		},
	}
}

func (d *versionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *versionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data versionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_version", "read", limit, &resp.Diagnostics)
	defer done()
	if data.Manager.IsNull() {
		data.Manager = types.StringValue("nsxt")
	}
	data.NodeVersion = types.StringNull()
	data.ProductVersion = types.StringNull()
	data.Build = types.StringNull()
	data.Product = types.StringNull()
	data.Type = types.StringNull()
	data.ReleaseDate = types.StringNull()
	resp.Diagnostics.Append(versionReaders[data.Manager.ValueString()](ctx, d.managers, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.ID = data.Manager
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

func readNSXTVersion(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics {
	c, diags := m.NSXT(ctx, "nsx_version")
	if diags.HasError() {
		return diags
	}
	v, err := c.NodeVersion(ctx)
	if err != nil {
		diags.AddError("Reading the NSX Version Failed",
			"GET /api/v1/node/version failed: "+err.Error())
		return diags
	}
	out.Version = types.StringValue(v.ProductVersion)
	out.NodeVersion = types.StringValue(v.NodeVersion)
	out.ProductVersion = types.StringValue(v.ProductVersion)
	return diags
}

func readNSXVVersion(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics {
	c, diags := m.NSXV(ctx, "nsx_version")
	if diags.HasError() {
		return diags
	}
	g, err := c.GlobalInfo(ctx)
	if err != nil {
		diags.AddError("Reading the NSX-v Version Failed",
			"GET /api/1.0/appliance-management/global/info failed: "+err.Error())
		return diags
	}
	out.Version = types.StringValue(g.VersionInfo.Version())
	if g.VersionInfo.Build != "" {
		out.Build = types.StringValue(g.VersionInfo.Build)
	}
	return diags
}

func readSDWANVersion(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics {
	c, diags := m.SDWAN(ctx, "nsx_version")
	if diags.HasError() {
		return diags
	}
	v, err := c.Version(ctx)
	if err != nil {
		diags.AddError("Reading the SD-WAN Manager Version Failed",
			"GET /dataservice/client/about (and /dataservice/client/server) failed: "+err.Error())
		return diags
	}
	out.Version = types.StringValue(v)
	return diags
}

func readIllumioVersion(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics {
	c, diags := m.IllumioClient(ctx, "nsx_version")
	if diags.HasError() {
		return diags
	}
	v, err := c.ProductVersion(ctx)
	if err != nil {
		diags.AddError("Reading the Illumio PCE Version Failed", "GET /api/v2/product_version failed: "+err.Error())
		return diags
	}
	out.Version = types.StringValue(v.Version)
	if v.Build != 0 {
		out.Build = types.StringValue(strconv.FormatInt(v.Build, 10))
	}
	return diags
}

func readVCenterVersion(ctx context.Context, m *Managers, out *versionModel) diag.Diagnostics {
	c, diags := m.VCenter(ctx, "nsx_version")
	if diags.HasError() {
		return diags
	}
	v, err := c.Version(ctx)
	if err != nil {
		diags.AddError("Reading the vCenter Version Failed", "GET /api/appliance/system/version (legacy /rest/appliance/system/version) failed: "+err.Error())
		return diags
	}
	out.Version = types.StringValue(v.Version)
	out.Build = types.StringValue(v.Build)
	out.Product = types.StringValue(v.Product)
	out.Type = types.StringValue(v.Type)
	out.ReleaseDate = types.StringValue(v.ReleaseDate)
	return diags
}
