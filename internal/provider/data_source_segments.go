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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
	readEncodedInto(ctx, d, req, resp)
}

// readEncoded lists the segments and returns the data source's state for config, encoded as
// the protocol carries it.
func (d *segmentsDataSource) readEncoded(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) []byte {
	started := time.Now()
	var data segmentsModel
	ctx, done, ok := startRead(ctx, config, "nsx_segments", &data, func(m *segmentsModel) dstimeouts.Value { return m.Timeouts }, diags)
	defer done()
	if !ok {
		return nil
	}
	c, d2 := use(ctx, d.managers, nsxtSpec, "nsx_segments")
	diags.Append(d2...)
	if diags.HasError() {
		return nil
	}
	all, pages, err := c.ListSegments(ctx)
	listed := time.Since(started)
	if err != nil {
		diags.AddError("Listing NSX Segments Failed", "Reading the segments failed: "+err.Error())
		return nil
	}
	tflog.Debug(ctx, "listed segments", map[string]any{"segments": len(all), "pages": pages, "listing_ms": float64(listed.Microseconds()) / 1000})
	built := time.Now()
	data.ID = types.StringValue(digest(data.DisplayName.ValueString(), data.Type.ValueString(), data.TransportZonePath.ValueString()))
	state, d2 := data.state(ctx, all)
	diags.Append(d2...)
	tflog.Debug(ctx, "segments in state", map[string]any{"segments": len(all), "state_bytes": len(state), "state_ms": time.Since(built).Milliseconds()})
	return state
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

// writeSegment writes a segment as NSX answered it, an object of type segmentTF. It is the one
// place a segment's attributes are set, for nsx_segments and nsx_segment alike.
func writeSegment(w *stateWriter, s *nsxt.Segment) {
	w.object(11)
	w.attr("id", s.ID)
	w.attr("display_name", s.DisplayName)
	w.attr("path", s.Path)
	w.attr("type", s.Type)
	w.attr("connectivity_path", s.ConnectivityPath)
	w.attr("transport_zone_path", s.TransportZonePath)
	w.attr("admin_state", s.AdminState)
	w.attr("replication_mode", s.ReplicationMode)
	w.attr("unique_id", s.UniqueID)
	w.str("subnets")
	w.list(len(s.Subnets))
	for _, sn := range s.Subnets {
		w.object(2)
		w.attr("gateway_address", sn.GatewayAddress)
		w.attr("network", sn.Network)
	}
	w.str("vlan_ids")
	w.list(len(s.VlanIDs))
	for _, v := range s.VlanIDs {
		w.str(v)
	}
}

// segmentValue is one segment as a Terraform value (for nsx_segment).
func segmentValue(s *nsxt.Segment) (tftypes.Value, error) {
	w := newStateWriter(512)
	writeSegment(w, s)
	b, err := w.bytes()
	if err != nil {
		return tftypes.Value{}, err
	}
	return (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(segmentTF)
}

// state is the data source's whole state, encoded: data's filters, id and timeouts with the
// segments of all that match the filters, sorted by display name, and their paths.
// Diagnostics warn of display names that several segments share.
func (data *segmentsModel) state(ctx context.Context, all []nsxt.Segment) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	sort.SliceStable(all, func(i, j int) bool { return all[i].DisplayName < all[j].DisplayName })
	kept := make([]*nsxt.Segment, 0, len(all))
	paths := make(map[string]string, len(all))
	var dupes []string
	for i := range all {
		s := &all[i]
		if !matches(data.DisplayName, s.DisplayName) || !matches(data.Type, s.Type) || !matches(data.TransportZonePath, s.TransportZonePath) {
			continue
		}
		kept = append(kept, s)
		if _, dup := paths[s.DisplayName]; dup {
			dupes = append(dupes, s.Path)
			continue
		}
		paths[s.DisplayName] = s.Path
	}
	if len(dupes) > 0 {
		diags.AddAttributeWarning(path.Root("paths"), "Segments Share a Display Name",
			fmt.Sprintf("paths keeps the first segment of each display name; these were left out of it (they are in segments): %s.", strings.Join(dupes, ", ")))
	}
	w := newStateWriter(400 * (len(kept) + 1))
	w.object(7)
	w.configValues(ctx, map[string]attr.Value{
		"id": data.ID, "display_name": data.DisplayName, "type": data.Type,
		"transport_zone_path": data.TransportZonePath, "timeouts": data.Timeouts,
	})
	w.str("segments")
	w.list(len(kept))
	for _, s := range kept {
		writeSegment(w, s)
	}
	w.str("paths")
	w.mapOf(len(paths))
	for name, p := range paths {
		w.attr(name, p)
	}
	return w.finish(&diags), diags
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
