package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/illumio"
)

var (
	_ datasource.DataSource              = (*illumioLabelsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*illumioLabelsDataSource)(nil)
)

// NewIllumioLabelsDataSource is the illumio_labels data source.
func NewIllumioLabelsDataSource() datasource.DataSource { return &illumioLabelsDataSource{} }

type illumioLabelsDataSource struct {
	managers *Managers
}

type illumioLabelsModel struct {
	ID             types.String        `tfsdk:"id"`
	Key            types.String        `tfsdk:"key"`
	Value          types.String        `tfsdk:"value"`
	Exact          types.Bool          `tfsdk:"exact"`
	IncludeDeleted types.Bool          `tfsdk:"include_deleted"`
	Labels         []illumioLabelModel `tfsdk:"labels"`
	Values         types.Map           `tfsdk:"values"`
	Timeouts       dstimeouts.Value    `tfsdk:"timeouts"`
}

// illumioLabelModel is one label of the listing: the label's attributes, as illumio_label
// has them, and whether it is deleted.
type illumioLabelModel struct {
	labelFields
	Deleted types.Bool `tfsdk:"deleted"`
}

func (d *illumioLabelsDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	// Named for its product, not the provider: configurations set provider = nsx.
	resp.TypeName = "illumio_labels"
}

func (d *illumioLabelsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the labels of an Illumio PCE organization (`/api/v2/orgs/{org}/labels`), **every one of them**: a synchronous " +
			"answer holds at most 500, so when `X-Total-Count` says there are more the provider requests the collection asynchronously " +
			"(`Prefer: respond-async`), waits for the job and fetches its result. The type is not prefixed `nsx_`, so set `provider = nsx` on it.",
		Attributes: map[string]schema.Attribute{
			"timeouts": dataSourceTimeouts(ctx),
			"id":       computedString("A digest of the filters, stable while they are."),
			"key": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only labels of this key (label type), e.g. `env`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"value": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only labels whose value contains this text: the PCE matches partially (`APP` matches `WEB-APP`). " +
					"With `exact = true`, only labels whose value is exactly this.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"exact": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Match `value` exactly (case-sensitive) instead of partially. Default `false`.",
			},
			"include_deleted": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Also list deleted labels. Default `false`.",
			},
			"labels": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching labels, sorted by key, then value.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"href":                    computedString("The label's href, e.g. `/orgs/1/labels/42`."),
					"id":                      computedString("The label's id, the last element of its href."),
					"key":                     computedString("Key (label type), e.g. `env`."),
					"value":                   computedString("Value, e.g. `Production`."),
					"deleted":                 schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the label was deleted."},
					"external_data_set":       computedString("External data set, for labels managed by another system; null when none."),
					"external_data_reference": computedString("External data reference; null when none."),
					"created_at":              computedString("When the label was created (RFC 3339)."),
					"updated_at":              computedString("When the label was last changed (RFC 3339)."),
				}},
			},
			"values": schema.MapAttribute{
				Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Key → sorted list of the values of the matching labels, for modules (e.g. `values[\"env\"]`).",
			},
		},
	}
}

func (d *illumioLabelsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = managersFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *illumioLabelsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data illumioLabelsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := startOperation(ctx, "illumio_labels", "read", limit, &resp.Diagnostics)
	defer done()
	c, org, diags := illumioInOrg(ctx, d.managers, "illumio_labels")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	start := time.Now()
	all, st, err := c.Labels(ctx, org, illumio.LabelFilter{
		Key: data.Key.ValueString(), Value: data.Value.ValueString(), IncludeDeleted: data.IncludeDeleted.ValueBool(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Listing Illumio Labels Failed", fmt.Sprintf("Listing the labels of organization %d failed: %v", org, err))
		return
	}
	tflog.Debug(ctx, "listed labels", map[string]any{
		"labels": len(all), "total": st.Total, "async": st.Async, "requests": st.Requests, "duration_ms": time.Since(start).Milliseconds(),
	})
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Key != all[j].Key {
			return all[i].Key < all[j].Key
		}
		return all[i].Value < all[j].Value
	})
	data.Labels = []illumioLabelModel{}
	values := map[string][]string{}
	for _, l := range all {
		if data.Exact.ValueBool() && !data.Value.IsNull() && l.Value != data.Value.ValueString() {
			continue
		}
		var m illumioLabelModel
		m.fromAPI(&l)
		m.Deleted = types.BoolValue(l.Deleted)
		data.Labels = append(data.Labels, m)
		values[l.Key] = append(values[l.Key], l.Value)
	}
	vm, diags := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, values)
	resp.Diagnostics.Append(diags...)
	data.Values = vm
	data.ID = types.StringValue(digest(data.Key.ValueString(), data.Value.ValueString(), data.Exact.String(), data.IncludeDeleted.String()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
