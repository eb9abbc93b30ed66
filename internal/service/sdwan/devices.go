package sdwan

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	sdwan "github.com/netsession/terraform-provider-nsx/internal/sdwan"
)

type devicesDataSource struct{ framework.DataSourceBase }

type devicesModel struct {
	ID           types.String      `tfsdk:"id"`
	DeviceType   types.String      `tfsdk:"device_type"`
	Reachability types.String      `tfsdk:"reachability"`
	Devices      []deviceModel     `tfsdk:"devices"`
	SystemIPs    map[string]string `tfsdk:"system_ips"`
	framework.ReadTimeouts
}

type deviceModel struct {
	SystemIP     string `tfsdk:"system_ip"`
	HostName     string `tfsdk:"host_name"`
	DeviceModel  string `tfsdk:"device_model"`
	DeviceType   string `tfsdk:"device_type"`
	Version      string `tfsdk:"version"`
	Reachability string `tfsdk:"reachability"`
	SiteID       string `tfsdk:"site_id"`
	UUID         string `tfsdk:"uuid"`
}

// deviceTypes are the device-type values SD-WAN Manager reports.
var deviceTypes = []string{"vmanage", "vsmart", "vbond", "vedge"}

func (d *devicesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := framework.ComputedString
	resp.Schema = framework.DataSourceSchema(ctx, "Lists the devices a Cisco Catalyst SD-WAN Manager knows (`/dataservice/device`): controllers and edge routers, "+
		"with their system IP, host name, model, type, software version, reachability, site and UUID. The type is not prefixed `nsx_`, "+
		"so set `provider = nsx` on it. Filters are applied by the provider after listing.", map[string]schema.Attribute{
		"id": str("A digest of the filters, stable while they are."),
		"device_type": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only devices of this type: `vmanage`, `vsmart`, `vbond` or `vedge` (edge routers, cEdge included).",
			Validators:          []validator.String{stringvalidator.OneOf(deviceTypes...)},
		},
		"reachability": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only devices with this reachability: `reachable` or `unreachable`.",
			Validators:          []validator.String{stringvalidator.OneOf("reachable", "unreachable")},
		},
		"devices": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The matching devices, sorted by host name, then by system IP.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"system_ip":    str("System IP, the device's identity in the overlay."),
				"host_name":    str("Host name."),
				"device_model": str("Model, e.g. `vedge-C8000V`."),
				"device_type":  str("`vmanage`, `vsmart`, `vbond` or `vedge`."),
				"version":      str("Software version."),
				"reachability": str("`reachable` or `unreachable`."),
				"site_id":      str("Site id."),
				"uuid":         str("Device UUID (chassis number)."),
			}},
		},
		"system_ips": schema.MapAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Host name → system IP of the matching devices, for lookups in modules. " +
				"Where several devices share a host name, the first in sort order (by system IP) is kept and a warning names the others.",
		},
	})
}

// ReadModel lists the devices and returns the data source's state for req.
func (d *devicesDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	return framework.Fetch(ctx, &d.DataSourceBase, Manager, req, diags, "the SD-WAN Devices", func(ctx context.Context, c *sdwan.Client, data *devicesModel) (string, error) {
		all, err := c.Devices(ctx)
		if err != nil {
			return "Reading the device inventory", err
		}
		tflog.Debug(ctx, "listed SD-WAN devices", map[string]any{"devices": len(all)})
		data.ID = types.StringValue(framework.Digest(data.DeviceType.ValueString(), data.Reachability.ValueString()))
		diags.Append(data.fromAPI(all)...)
		return "", nil
	})
}

// deviceListing: sorted by host name and then by system IP, system IPs by host name.
var deviceListing = framework.Listing[sdwan.Device]{Item: "device", Items: "devices", Name: "host name", Key: "system IP", Index: "system_ips",
	NameOf: func(d *sdwan.Device) string { return d.HostName }, KeyOf: func(d *sdwan.Device) string { return d.SystemIP }}

// fromAPI keeps the devices that match data's filters (deviceListing).
func (data *devicesModel) fromAPI(all []sdwan.Device) diag.Diagnostics {
	var diags diag.Diagnostics
	kept, ips := deviceListing.Keep(all, func(d *sdwan.Device) bool {
		return framework.Matches(data.DeviceType, d.DeviceType) && framework.Matches(data.Reachability, d.Reachability)
	}, &diags)
	data.Devices, data.SystemIPs = make([]deviceModel, len(kept)), ips
	for i, dev := range kept {
		data.Devices[i] = deviceModel{
			SystemIP: dev.SystemIP, HostName: dev.HostName, DeviceModel: dev.DeviceModel, DeviceType: dev.DeviceType,
			Version: dev.Version, Reachability: dev.Reachability, SiteID: dev.SiteID, UUID: dev.UUID,
		}
	}
	return diags
}
