package provider

import (
	"context"
	"sort"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/sdwan"
)

var (
	_ datasource.DataSource              = (*sdwanDevicesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sdwanDevicesDataSource)(nil)
)

// NewSDWANDevicesDataSource is the sdwan_devices data source.
func NewSDWANDevicesDataSource() datasource.DataSource { return &sdwanDevicesDataSource{} }

type sdwanDevicesDataSource struct {
	managers *Managers
}

type sdwanDevicesModel struct {
	ID           types.String       `tfsdk:"id"`
	DeviceType   types.String       `tfsdk:"device_type"`
	Reachability types.String       `tfsdk:"reachability"`
	Devices      []sdwanDeviceModel `tfsdk:"devices"`
	SystemIPs    types.Map          `tfsdk:"system_ips"`
	Timeouts     dstimeouts.Value   `tfsdk:"timeouts"`
}

type sdwanDeviceModel struct {
	SystemIP     types.String `tfsdk:"system_ip"`
	HostName     types.String `tfsdk:"host_name"`
	DeviceModel  types.String `tfsdk:"device_model"`
	DeviceType   types.String `tfsdk:"device_type"`
	Version      types.String `tfsdk:"version"`
	Reachability types.String `tfsdk:"reachability"`
	SiteID       types.String `tfsdk:"site_id"`
	UUID         types.String `tfsdk:"uuid"`
}

// sdwanDeviceTypes are the device-type values SD-WAN Manager reports.
var sdwanDeviceTypes = []string{"vmanage", "vsmart", "vbond", "vedge"}

func (d *sdwanDevicesDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	// Named for its product, not the provider: configurations set provider = nsx.
	resp.TypeName = "sdwan_devices"
}

func (d *sdwanDevicesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the devices a Cisco Catalyst SD-WAN Manager knows (`/dataservice/device`): controllers and edge routers, " +
			"with their system IP, host name, model, type, software version, reachability, site and UUID. The type is not prefixed `nsx_`, " +
			"so set `provider = nsx` on it. Filters are applied by the provider after listing.",
		Attributes: map[string]schema.Attribute{
			"timeouts": dataSourceTimeouts(ctx),
			"id":       computedString("A digest of the filters, stable while they are."),
			"device_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only devices of this type: `vmanage`, `vsmart`, `vbond` or `vedge` (edge routers, cEdge included).",
				Validators:          []validator.String{stringvalidator.OneOf(sdwanDeviceTypes...)},
			},
			"reachability": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only devices with this reachability: `reachable` or `unreachable`.",
				Validators:          []validator.String{stringvalidator.OneOf("reachable", "unreachable")},
			},
			"devices": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching devices, sorted by host name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"system_ip":    computedString("System IP, the device's identity in the overlay."),
					"host_name":    computedString("Host name."),
					"device_model": computedString("Model, e.g. `vedge-C8000V`."),
					"device_type":  computedString("`vmanage`, `vsmart`, `vbond` or `vedge`."),
					"version":      computedString("Software version."),
					"reachability": computedString("`reachable` or `unreachable`."),
					"site_id":      computedString("Site id."),
					"uuid":         computedString("Device UUID (chassis number)."),
				}},
			},
			"system_ips": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Host name → system IP of the matching devices, for lookups in modules.",
			},
		},
	}
}

func (d *sdwanDevicesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sdwanDevicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data sdwanDevicesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "sdwan_devices", "read", limit, &resp.Diagnostics)
	defer done()
	c, diags := use(ctx, d.managers, sdwanSpec, "sdwan_devices")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := c.Devices(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Listing SD-WAN Devices Failed", "Reading the device inventory failed: "+err.Error())
		return
	}
	tflog.Debug(ctx, "listed SD-WAN devices", map[string]any{"devices": len(all)})
	sort.SliceStable(all, func(i, j int) bool { return all[i].HostName < all[j].HostName })
	data.Devices = []sdwanDeviceModel{}
	ips := map[string]string{}
	for _, dev := range all {
		if !matches(data.DeviceType, dev.DeviceType) || !matches(data.Reachability, dev.Reachability) {
			continue
		}
		var m sdwanDeviceModel
		m.fromAPI(dev)
		data.Devices = append(data.Devices, m)
		ips[dev.HostName] = dev.SystemIP
	}
	m, diags := types.MapValueFrom(ctx, types.StringType, ips)
	resp.Diagnostics.Append(diags...)
	data.SystemIPs = m
	data.ID = types.StringValue(digest(data.DeviceType.ValueString(), data.Reachability.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// fromAPI records a device as the manager answered it.
func (m *sdwanDeviceModel) fromAPI(d sdwan.Device) {
	*m = sdwanDeviceModel{
		SystemIP: types.StringValue(d.SystemIP), HostName: types.StringValue(d.HostName),
		DeviceModel: types.StringValue(d.DeviceModel), DeviceType: types.StringValue(d.DeviceType),
		Version: types.StringValue(d.Version), Reachability: types.StringValue(d.Reachability),
		SiteID: types.StringValue(d.SiteID), UUID: types.StringValue(d.UUID),
	}
}
