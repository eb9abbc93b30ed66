package provider

import (
	"context"
	"sort"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	ID           types.String     `tfsdk:"id"`
	DeviceType   types.String     `tfsdk:"device_type"`
	Reachability types.String     `tfsdk:"reachability"`
	Devices      types.List       `tfsdk:"devices"`
	SystemIPs    types.Map        `tfsdk:"system_ips"`
	Timeouts     dstimeouts.Value `tfsdk:"timeouts"`
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
	readEncodedInto(ctx, d, req, resp)
}

// readEncoded lists the devices and returns the data source's state for config, encoded as
// the protocol carries it (see stateWriter).
func (d *sdwanDevicesDataSource) readEncoded(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) []byte {
	var data sdwanDevicesModel
	ctx, done, ok := startRead(ctx, config, "sdwan_devices", &data, func(m *sdwanDevicesModel) dstimeouts.Value { return m.Timeouts }, diags)
	defer done()
	if !ok {
		return nil
	}
	c, d2 := use(ctx, d.managers, sdwanSpec, "sdwan_devices")
	diags.Append(d2...)
	if diags.HasError() {
		return nil
	}
	all, err := c.Devices(ctx)
	if err != nil {
		diags.AddError("Listing SD-WAN Devices Failed", "Reading the device inventory failed: "+err.Error())
		return nil
	}
	tflog.Debug(ctx, "listed SD-WAN devices", map[string]any{"devices": len(all)})
	sort.SliceStable(all, func(i, j int) bool { return all[i].HostName < all[j].HostName })
	kept := make([]sdwanDeviceModel, 0, len(all))
	ips := map[string]string{}
	for _, dev := range all {
		if !matches(data.DeviceType, dev.DeviceType) || !matches(data.Reachability, dev.Reachability) {
			continue
		}
		var m sdwanDeviceModel
		m.fromAPI(dev)
		kept = append(kept, m)
		ips[dev.HostName] = dev.SystemIP
	}
	data.ID = types.StringValue(digest(data.DeviceType.ValueString(), data.Reachability.ValueString()))
	w := newStateWriter(300 * (len(kept) + 1))
	w.object(6)
	w.configValues(ctx, map[string]attr.Value{
		"id": data.ID, "device_type": data.DeviceType, "reachability": data.Reachability, "timeouts": data.Timeouts,
	})
	w.str("devices")
	w.list(len(kept))
	for _, m := range kept {
		w.object(8)
		w.tstr("system_ip", m.SystemIP)
		w.tstr("host_name", m.HostName)
		w.tstr("device_model", m.DeviceModel)
		w.tstr("device_type", m.DeviceType)
		w.tstr("version", m.Version)
		w.tstr("reachability", m.Reachability)
		w.tstr("site_id", m.SiteID)
		w.tstr("uuid", m.UUID)
	}
	w.str("system_ips")
	w.mapOf(len(ips))
	for host, ip := range ips {
		w.attr(host, ip)
	}
	return w.finish(diags)
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
