package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	Segments          types.List       `tfsdk:"segments"`
	Paths             types.Map        `tfsdk:"paths"`
	Timeouts          dstimeouts.Value `tfsdk:"timeouts"`
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
				NestedObject:        schema.NestedAttributeObject{Attributes: segmentAttributes()},
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
	built := time.Now()

	data.ID = types.StringValue(digest(data.DisplayName.ValueString(), data.Type.ValueString(), data.TransportZonePath.ValueString()))
	typ, ok := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		resp.Diagnostics.AddError("Schema Error", "The nsx_segments schema is not an object. This is a bug in the provider, please report it.")
		return
	}
	state, diags := data.state(ctx, typ, all)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.State.Raw = state
	}
	tflog.Debug(ctx, "segments in state", map[string]any{"segments": len(all), "state_ms": time.Since(built).Milliseconds()})
}

// The Terraform types of a segment (an element of nsx_segments.segments), for building values
// directly; TestSegmentTypeMatchesSchema holds them to the schema.
var (
	subnetTF = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"gateway_address": tftypes.String, "network": tftypes.String,
	}}
	segmentTF = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": stringTF, "display_name": stringTF, "path": stringTF, "type": stringTF,
		"subnets": tftypes.List{ElementType: subnetTF}, "connectivity_path": stringTF,
		"transport_zone_path": stringTF, "admin_state": stringTF, "replication_mode": stringTF,
		"vlan_ids": tftypes.List{ElementType: stringTF}, "unique_id": stringTF,
	}}
	stringTF = tftypes.String
)

// segmentValue is a segment as NSX answered it, as a Terraform value. It is built directly,
// neither reflected from a struct nor converted from framework values: for 20,000 segments
// those cost seconds.
func segmentValue(s *nsxt.Segment) tftypes.Value {
	subnets := make([]tftypes.Value, len(s.Subnets))
	for i, sn := range s.Subnets {
		subnets[i] = tftypes.NewValue(subnetTF, map[string]tftypes.Value{
			"gateway_address": tftypes.NewValue(stringTF, sn.GatewayAddress), "network": tftypes.NewValue(stringTF, sn.Network),
		})
	}
	vlans := make([]tftypes.Value, len(s.VlanIDs))
	for i, v := range s.VlanIDs {
		vlans[i] = tftypes.NewValue(stringTF, v)
	}
	str := func(v string) tftypes.Value { return tftypes.NewValue(stringTF, v) }
	return tftypes.NewValue(segmentTF, map[string]tftypes.Value{
		"id": str(s.ID), "display_name": str(s.DisplayName), "path": str(s.Path), "type": str(s.Type),
		"connectivity_path": str(s.ConnectivityPath), "transport_zone_path": str(s.TransportZonePath),
		"admin_state": str(s.AdminState), "replication_mode": str(s.ReplicationMode), "unique_id": str(s.UniqueID),
		"subnets":  tftypes.NewValue(segmentTF.AttributeTypes["subnets"], subnets),
		"vlan_ids": tftypes.NewValue(segmentTF.AttributeTypes["vlan_ids"], vlans),
	})
}

// state is the data source's whole state of type typ: data's filters, id and timeouts with
// the segments of all that match the filters, sorted by display name, and their paths.
// Diagnostics warn of display names that several segments share.
func (data *segmentsModel) state(ctx context.Context, typ tftypes.Object, all []nsxt.Segment) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	sort.SliceStable(all, func(i, j int) bool { return all[i].DisplayName < all[j].DisplayName })
	elems := make([]tftypes.Value, 0, len(all))
	paths := map[string]tftypes.Value{}
	var dupes []string
	for i := range all {
		s := &all[i]
		if !matches(data.DisplayName, s.DisplayName) || !matches(data.Type, s.Type) || !matches(data.TransportZonePath, s.TransportZonePath) {
			continue
		}
		elems = append(elems, segmentValue(s))
		if _, dup := paths[s.DisplayName]; dup {
			dupes = append(dupes, s.Path)
			continue
		}
		paths[s.DisplayName] = tftypes.NewValue(stringTF, s.Path)
	}
	if len(dupes) > 0 {
		diags.AddAttributeWarning(path.Root("paths"), "Segments Share a Display Name",
			fmt.Sprintf("paths keeps the first segment of each display name; these were left out of it (they are in segments): %s.", strings.Join(dupes, ", ")))
	}
	attrs := map[string]tftypes.Value{
		"segments": tftypes.NewValue(typ.AttributeTypes["segments"], elems),
		"paths":    tftypes.NewValue(typ.AttributeTypes["paths"], paths),
	}
	for name, v := range map[string]attr.Value{
		"id": data.ID, "display_name": data.DisplayName, "type": data.Type,
		"transport_zone_path": data.TransportZonePath, "timeouts": data.Timeouts,
	} {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Value Conversion Error", "This is a bug in the provider, please report it: "+err.Error())
			return tftypes.Value{}, diags
		}
		attrs[name] = tv
	}
	return tftypes.NewValue(typ, attrs), diags
}

// segmentAttributes are the attributes of one segment as NSX answers it.
func segmentAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
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
	}
}
