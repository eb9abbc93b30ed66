package sdwan

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	sdwan "github.com/netsession/terraform-provider-nsx/internal/sdwan"
)

var _ framework.ModelReader = (*devicesDataSource)(nil)

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
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the devices a Cisco Catalyst SD-WAN Manager knows (`/dataservice/device`): controllers and edge routers, " +
			"with their system IP, host name, model, type, software version, reachability, site and UUID. The type is not prefixed `nsx_`, " +
			"so set `provider = nsx` on it. Filters are applied by the provider after listing.",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.DataSourceTimeouts(ctx),
			"id":       str("A digest of the filters, stable while they are."),
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
		},
	}
}

func (d *devicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	framework.ReadInto(ctx, d, req, resp)
}

// ReadModel lists the devices and returns the data source's state for req.
func (d *devicesDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	var data devicesModel
	ctx, c, done, ok := framework.Open(ctx, req.Config, d.ReadOp(), &data, d.Managers, Manager, diags)
	defer done()
	if !ok {
		return nil
	}
	all, err := c.Devices(ctx)
	if err != nil {
		d.Managers.ReadFailed(diags, "the SD-WAN Devices", "Reading the device inventory", err)
		return nil
	}
	tflog.Debug(ctx, "listed SD-WAN devices", map[string]any{"devices": len(all)})
	data.ID = types.StringValue(framework.Digest(data.DeviceType.ValueString(), data.Reachability.ValueString()))
	diags.Append(data.fromAPI(all)...)
	return &data
}

// fromAPI keeps the devices that match data's filters, sorted by host name and then by
// system IP (the one rule for ties), and their system IPs by host name; a host name several
// devices share keeps the first and warns of the others.
func (data *devicesModel) fromAPI(all []sdwan.Device) diag.Diagnostics {
	var diags diag.Diagnostics
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].HostName != all[j].HostName {
			return all[i].HostName < all[j].HostName
		}
		return all[i].SystemIP < all[j].SystemIP
	})
	data.Devices = make([]deviceModel, 0, len(all))
	data.SystemIPs = map[string]string{}
	var dupes []string
	for _, dev := range all {
		if !framework.Matches(data.DeviceType, dev.DeviceType) || !framework.Matches(data.Reachability, dev.Reachability) {
			continue
		}
		data.Devices = append(data.Devices, deviceModel{
			SystemIP: dev.SystemIP, HostName: dev.HostName, DeviceModel: dev.DeviceModel, DeviceType: dev.DeviceType,
			Version: dev.Version, Reachability: dev.Reachability, SiteID: dev.SiteID, UUID: dev.UUID,
		})
		if _, dup := data.SystemIPs[dev.HostName]; dup {
			dupes = append(dupes, dev.SystemIP)
			continue
		}
		data.SystemIPs[dev.HostName] = dev.SystemIP
	}
	if len(dupes) > 0 {
		diags.AddAttributeWarning(path.Root("system_ips"), "Devices Share a Host Name",
			fmt.Sprintf("system_ips keeps the first device of each host name, by system IP; these were left out of it (they are in devices): %s.",
				strings.Join(dupes, ", ")))
	}
	return diags
}
