package provider

import (
	"context"
	"errors"
	"regexp"
	"strings"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

var (
	_ datasource.DataSource              = (*segmentDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*segmentDataSource)(nil)
)

// NewSegmentDataSource is nsx_segment: one segment by id or policy path.
func NewSegmentDataSource() datasource.DataSource { return &segmentDataSource{} }

type segmentDataSource struct {
	managers *Managers
}

// segmentConfig is what a configuration sets; the rest of the state is built from NSX's answer.
type segmentConfig struct {
	ID       types.String     `tfsdk:"id"`
	Path     types.String     `tfsdk:"path"`
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
}

var segmentID = regexp.MustCompile(`^[^/?#\s]+$`)

func (d *segmentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_segment"
}

func (d *segmentDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := segmentAttributes()
	attrs["timeouts"] = dataSourceTimeouts(ctx)
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
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one NSX policy segment (`GET /policy/api/v1/infra/segments/<id>`) by id or policy path: " +
			"one small request, where `nsx_segments` lists them all. A segment that does not exist is an error.",
		Attributes: attrs,
	}
}

func (d *segmentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *segmentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data segmentConfig
	for name, dst := range map[string]any{"id": &data.ID, "path": &data.Path, "timeouts": &data.Timeouts} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "nsx_segment", "read", limit, &resp.Diagnostics)
	defer done()
	id, at := data.ID.ValueString(), path.Root("id")
	if !data.Path.IsNull() {
		id, at = strings.TrimPrefix(data.Path.ValueString(), "/infra/segments/"), path.Root("path")
	}
	c, diags := use(ctx, d.managers, nsxtSpec, "nsx_segment")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := c.GetSegment(ctx, id)
	if errors.Is(err, nsxt.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(at, "NSX Segment Not Found",
			"NSX has no segment /infra/segments/"+id+": "+err.Error())
		return
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(at, "Reading the NSX Segment Failed", "Reading /infra/segments/"+id+" failed: "+err.Error())
		return
	}
	var attrs map[string]tftypes.Value
	v, err := segmentValue(s)
	if err == nil {
		err = v.As(&attrs)
	}
	if err != nil {
		resp.Diagnostics.AddError("Value Conversion Error", "This is a bug in the provider, please report it: "+err.Error())
		return
	}
	tv, err := data.Timeouts.ToTerraformValue(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Value Conversion Error", "This is a bug in the provider, please report it: "+err.Error())
		return
	}
	attrs["timeouts"] = tv
	resp.State.Raw = tftypes.NewValue(resp.State.Schema.Type().TerraformType(ctx), attrs)
}
