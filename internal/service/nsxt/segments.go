package nsxt

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

type segmentsDataSource struct{ framework.DataSourceBase }

type segmentsModel struct {
	ID                types.String      `tfsdk:"id"`
	DisplayName       types.String      `tfsdk:"display_name"`
	Type              types.String      `tfsdk:"type"`
	TransportZonePath types.String      `tfsdk:"transport_zone_path"`
	Segments          []segmentModel    `tfsdk:"segments"`
	Paths             map[string]string `tfsdk:"paths"`
	framework.ReadTimeouts
}

// segmentModel is one segment as NSX answers it, the same in nsx_segments and nsx_segment.
type segmentModel struct {
	ID                string        `tfsdk:"id"`
	DisplayName       string        `tfsdk:"display_name"`
	Path              string        `tfsdk:"path"`
	Type              string        `tfsdk:"type"`
	Subnets           []subnetModel `tfsdk:"subnets"`
	ConnectivityPath  string        `tfsdk:"connectivity_path"`
	TransportZonePath string        `tfsdk:"transport_zone_path"`
	AdminState        string        `tfsdk:"admin_state"`
	ReplicationMode   string        `tfsdk:"replication_mode"`
	VlanIDs           []string      `tfsdk:"vlan_ids"`
	UniqueID          string        `tfsdk:"unique_id"`
}

type subnetModel struct {
	GatewayAddress string `tfsdk:"gateway_address"`
	Network        string `tfsdk:"network"`
}

// fromAPI records a segment as NSX answered it; lists it left out are empty.
func (m *segmentModel) fromAPI(s *nsxtapi.Segment) {
	*m = segmentModel{
		ID: s.ID, DisplayName: s.DisplayName, Path: s.Path, Type: s.Type, ConnectivityPath: s.ConnectivityPath,
		TransportZonePath: s.TransportZonePath, AdminState: s.AdminState, ReplicationMode: s.ReplicationMode,
		UniqueID: s.UniqueID, Subnets: make([]subnetModel, 0, len(s.Subnets)), VlanIDs: append([]string{}, s.VlanIDs...),
	}
	for _, sn := range s.Subnets {
		m.Subnets = append(m.Subnets, subnetModel{GatewayAddress: sn.GatewayAddress, Network: sn.Network})
	}
}

// segmentTypes are the values NSX gives a segment's type.
var segmentTypes = []string{"ROUTED", "EXTENDED", "ROUTED_AND_EXTENDED", "DISCONNECTED"}

func (d *segmentsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = framework.DataSourceSchema(ctx, "Lists NSX policy segments (`/policy/api/v1/infra/segments`), following the cursor through every page "+
		"(1,000 segments a request), so no segment is silently left out. Filters are applied by the provider after listing. "+
		"A listing that repeats a cursor or a segment, or that holds more than `max_read_items` segments or `max_read_mib` of answers, is an error that says so.", map[string]schema.Attribute{
		"id":           framework.ComputedString("A digest of the filters, stable while they are."),
		"display_name": framework.FilterString("Only segments with exactly this display name."),
		"type": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only segments of this type: `" + strings.Join(segmentTypes, "`, `") + "`.",
			Validators:          []validator.String{stringvalidator.OneOf(segmentTypes...)},
		},
		"transport_zone_path": framework.FilterString("Only segments in this transport zone (its policy path)."),
		"segments": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The matching segments, sorted by display name, then by path.",
			NestedObject:        schema.NestedAttributeObject{Attributes: segmentAttributes()},
		},
		"paths": schema.MapAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Display name → path of the matching segments, for lookups in modules. " +
				"Where several segments share a display name, the first in sort order (by path) is kept and a warning names the others.",
		},
	})
}

// ReadModel lists the segments and returns the data source's state for req.
func (d *segmentsDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	started := time.Now()
	return framework.Fetch(ctx, &d.DataSourceBase, Manager, req, diags, "the NSX Segments", func(ctx context.Context, c *nsxtapi.Client, data *segmentsModel) (string, error) {
		all, pages, err := c.ListSegments(ctx)
		if err != nil {
			return "Listing the segments", err
		}
		tflog.Debug(ctx, "listed segments", map[string]any{"segments": len(all), "pages": pages,
			"listing_ms": float64(time.Since(started).Microseconds()) / 1000})
		data.ID = types.StringValue(framework.Digest(data.DisplayName.ValueString(), data.Type.ValueString(), data.TransportZonePath.ValueString()))
		diags.Append(data.fromAPI(all)...)
		return "", nil
	})
}

// segmentListing: sorted by display name and then by path, paths by display name.
var segmentListing = framework.Listing[nsxtapi.Segment]{Item: "segment", Items: "segments", Name: "display name", Key: "path", Index: "paths",
	NameOf: func(s *nsxtapi.Segment) string { return s.DisplayName }, KeyOf: func(s *nsxtapi.Segment) string { return s.Path }}

// fromAPI keeps the segments that match data's filters (segmentListing).
func (data *segmentsModel) fromAPI(all []nsxtapi.Segment) diag.Diagnostics {
	var diags diag.Diagnostics
	kept, paths := segmentListing.Keep(all, func(s *nsxtapi.Segment) bool {
		return framework.Matches(data.DisplayName, s.DisplayName) && framework.Matches(data.Type, s.Type) &&
			framework.Matches(data.TransportZonePath, s.TransportZonePath)
	}, &diags)
	data.Segments, data.Paths = make([]segmentModel, len(kept)), paths
	for i, s := range kept {
		data.Segments[i].fromAPI(s)
	}
	return diags
}

// segmentAttributes are the attributes of one segment as NSX answers it.
func segmentAttributes() map[string]schema.Attribute {
	str := framework.ComputedString
	return map[string]schema.Attribute{
		"id":           str("Segment id."),
		"display_name": str("Display name."),
		"path":         str("Policy path, e.g. `/infra/segments/web`."),
		"type":         str("`ROUTED`, `EXTENDED`, `ROUTED_AND_EXTENDED` or `DISCONNECTED`."),
		"subnets": schema.ListNestedAttribute{
			Computed: true, MarkdownDescription: "Subnets of the segment.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"gateway_address": str("Gateway address with prefix length, e.g. `10.0.1.1/24`."),
				"network":         str("Network address with prefix length, e.g. `10.0.1.0/24`."),
			}},
		},
		"connectivity_path":   str("Path of the gateway the segment connects to; empty when none."),
		"transport_zone_path": str("Path of the segment's transport zone."),
		"admin_state":         str("`UP` or `DOWN`."),
		"replication_mode":    str("BUM replication mode of overlay segments (`MTEP` or `SOURCE`)."),
		"vlan_ids": schema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "VLAN ids (or ranges) of VLAN-backed segments.",
		},
		"unique_id": str("The segment's unique id (UUID)."),
	}
}

type segmentDataSource struct{ framework.DataSourceBase }

// oneSegmentModel is nsx_segment's state: the segment, found by its id or path.
type oneSegmentModel struct {
	segmentModel
	framework.ReadTimeouts
}

var segmentID = regexp.MustCompile(`^[^/?#\s]+$`)

func (d *segmentDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := segmentAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The segment's id, the last element of its path. Exactly one of `id` and `path` is set.",
		Validators: []validator.String{
			stringvalidator.RegexMatches(segmentID, "must be a segment id, without slashes"),
			stringvalidator.ExactlyOneOf(path.MatchRoot("path")),
		},
	}
	attrs["path"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The segment's policy path, `/infra/segments/<id>`.",
		Validators: []validator.String{
			stringvalidator.RegexMatches(regexp.MustCompile(`^/infra/segments/[^/?#\s]+$`), "must be a policy path /infra/segments/<id>"),
		},
	}
	resp.Schema = framework.DataSourceSchema(ctx, "Reads one NSX policy segment (`GET /policy/api/v1/infra/segments/<id>`) by id or policy path: "+
		"one small request, where `nsx_segments` lists them all. A segment that does not exist is an error.", attrs)
}

// segmentConfig is what a configuration of nsx_segment sets.
type segmentConfig struct {
	ID   types.String `tfsdk:"id"`
	Path types.String `tfsdk:"path"`
	framework.ReadTimeouts
}

// ReadModel reads the segment the configuration names.
func (d *segmentDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	var cfg segmentConfig
	for name, dst := range map[string]any{"id": &cfg.ID, "path": &cfg.Path, "timeouts": &cfg.Timeouts} {
		diags.Append(req.Config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	if diags.HasError() {
		return nil
	}
	ctx, done, ok := framework.Start(ctx, d.ReadOp(), &cfg, diags)
	defer done()
	if !ok {
		return nil
	}
	id, at := cfg.ID.ValueString(), path.Root("id")
	if !cfg.Path.IsNull() {
		id, at = strings.TrimPrefix(cfg.Path.ValueString(), "/infra/segments/"), path.Root("path")
	}
	c, dd := framework.Use(ctx, d.Managers, Manager, "nsx_segment")
	diags.Append(dd...)
	if diags.HasError() {
		return nil
	}
	s, err := c.GetSegment(ctx, id)
	if errors.Is(err, nsxtapi.ErrNotFound) {
		diags.AddAttributeError(at, "NSX Segment Not Found", "NSX has no segment /infra/segments/"+id+": "+err.Error())
		return nil
	}
	if err != nil {
		d.Managers.FailedAt(diags, at, framework.ReadFailedSummary("the NSX Segment"), "Reading /infra/segments/"+id, err)
		return nil
	}
	out := &oneSegmentModel{ReadTimeouts: cfg.ReadTimeouts}
	out.fromAPI(s)
	return out
}
