package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

var (
	_ datasource.DataSource              = (*segmentsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*segmentsDataSource)(nil)
)

// NewSegmentsDataSource is the nsx_segments data source.
func NewSegmentsDataSource() datasource.DataSource { return &segmentsDataSource{} }

type segmentsDataSource struct {
	managers *Managers
}

type segmentsModel struct {
	ID                types.String     `tfsdk:"id"`
	DisplayName       types.String     `tfsdk:"display_name"`
	Type              types.String     `tfsdk:"type"`
	TransportZonePath types.String     `tfsdk:"transport_zone_path"`
	Segments          []segmentModel   `tfsdk:"segments"`
	Paths             types.Map        `tfsdk:"paths"`
	Timeouts          dstimeouts.Value `tfsdk:"timeouts"`
}

type segmentModel struct {
	ID                types.String   `tfsdk:"id"`
	DisplayName       types.String   `tfsdk:"display_name"`
	Path              types.String   `tfsdk:"path"`
	Type              types.String   `tfsdk:"type"`
	Subnets           []subnetModel  `tfsdk:"subnets"`
	ConnectivityPath  types.String   `tfsdk:"connectivity_path"`
	TransportZonePath types.String   `tfsdk:"transport_zone_path"`
	AdminState        types.String   `tfsdk:"admin_state"`
	ReplicationMode   types.String   `tfsdk:"replication_mode"`
	VlanIDs           []types.String `tfsdk:"vlan_ids"`
	UniqueID          types.String   `tfsdk:"unique_id"`
}

type subnetModel struct {
	GatewayAddress types.String `tfsdk:"gateway_address"`
	Network        types.String `tfsdk:"network"`
}

// SegmentTypes are the values NSX gives a segment's type.
var segmentTypes = []string{"ROUTED", "EXTENDED", "ROUTED_AND_EXTENDED", "DISCONNECTED"}

func (d *segmentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_segments"
}

func (d *segmentsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists NSX policy segments (`/policy/api/v1/infra/segments`), following the cursor through every page " +
			"(1,000 segments a request), so no segment is silently left out. Filters are applied by the provider after listing.",
		Attributes: map[string]schema.Attribute{
			"timeouts": dataSourceTimeouts(ctx),
			"id":       computedString("A digest of the filters, stable while they are."),
			"display_name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only segments with exactly this display name.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only segments of this type: " + "`" + strings.Join(segmentTypes, "`, `") + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(segmentTypes...)},
			},
			"transport_zone_path": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only segments in this transport zone (its policy path).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"segments": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching segments, sorted by display name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           computedString("Segment id."),
					"display_name": computedString("Display name."),
					"path":         computedString("Policy path, e.g. `/infra/segments/web`."),
					"type":         computedString("`ROUTED`, `EXTENDED`, `ROUTED_AND_EXTENDED` or `DISCONNECTED`."),
					"subnets": schema.ListNestedAttribute{
						Computed: true, MarkdownDescription: "Subnets of the segment.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"gateway_address": computedString("Gateway address with prefix length, e.g. `10.0.1.1/24`."),
							"network":         computedString("Network address with prefix length, e.g. `10.0.1.0/24`."),
						}},
					},
					"connectivity_path":   computedString("Path of the gateway the segment connects to; empty when none."),
					"transport_zone_path": computedString("Path of the segment's transport zone."),
					"admin_state":         computedString("`UP` or `DOWN`."),
					"replication_mode":    computedString("BUM replication mode of overlay segments (`MTEP` or `SOURCE`)."),
					"vlan_ids": schema.ListAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "VLAN ids (or ranges) of VLAN-backed segments.",
					},
					"unique_id": computedString("The segment's unique id (UUID)."),
				}},
			},
			"paths": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Display name → path of the matching segments, for lookups in modules. " +
					"Where several segments share a display name, the first in sort order is kept and a warning names the others.",
			},
		},
	}
}

func (d *segmentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *segmentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data segmentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_segments", "read", limit, &resp.Diagnostics)
	defer done()
	c, diags := use(ctx, d.managers, nsxtSpec, "nsx_segments")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, pages, err := c.ListSegments(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Listing NSX Segments Failed",
			"Reading the segments failed: "+err.Error())
		return
	}
	tflog.Debug(ctx, "listed segments", map[string]any{"segments": len(all), "pages": pages})

	sort.SliceStable(all, func(i, j int) bool { return all[i].DisplayName < all[j].DisplayName })
	data.Segments = []segmentModel{}
	paths := map[string]string{}
	var dupes []string
	for _, s := range all {
		if !matches(data.DisplayName, s.DisplayName) || !matches(data.Type, s.Type) || !matches(data.TransportZonePath, s.TransportZonePath) {
			continue
		}
		var m segmentModel
		m.fromAPI(s)
		data.Segments = append(data.Segments, m)
		if _, dup := paths[s.DisplayName]; dup {
			dupes = append(dupes, s.Path)
			continue
		}
		paths[s.DisplayName] = s.Path
	}
	if len(dupes) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("paths"), "Segments Share a Display Name",
			fmt.Sprintf("paths keeps the first segment of each display name; these were left out of it (they are in segments): %s.", strings.Join(dupes, ", ")))
	}
	pm, diags := types.MapValueFrom(ctx, types.StringType, paths)
	resp.Diagnostics.Append(diags...)
	data.Paths = pm
	data.ID = types.StringValue(digest(data.DisplayName.ValueString(), data.Type.ValueString(), data.TransportZonePath.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// fromAPI records a segment as NSX answered it.
func (m *segmentModel) fromAPI(s nsxt.Segment) {
	*m = segmentModel{
		ID: types.StringValue(s.ID), DisplayName: types.StringValue(s.DisplayName), Path: types.StringValue(s.Path),
		Type: types.StringValue(s.Type), ConnectivityPath: types.StringValue(s.ConnectivityPath),
		TransportZonePath: types.StringValue(s.TransportZonePath), AdminState: types.StringValue(s.AdminState),
		ReplicationMode: types.StringValue(s.ReplicationMode), UniqueID: types.StringValue(s.UniqueID),
		Subnets: []subnetModel{}, VlanIDs: []types.String{},
	}
	for _, sn := range s.Subnets {
		m.Subnets = append(m.Subnets, subnetModel{GatewayAddress: types.StringValue(sn.GatewayAddress), Network: types.StringValue(sn.Network)})
	}
	for _, v := range s.VlanIDs {
		m.VlanIDs = append(m.VlanIDs, types.StringValue(v))
	}
}
