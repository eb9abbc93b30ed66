package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

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
	ID             types.String     `tfsdk:"id"`
	Key            types.String     `tfsdk:"key"`
	Value          types.String     `tfsdk:"value"`
	Exact          types.Bool       `tfsdk:"exact"`
	IncludeDeleted types.Bool       `tfsdk:"include_deleted"`
	Labels         types.List       `tfsdk:"labels"`
	Values         types.Map        `tfsdk:"values"`
	Timeouts       dstimeouts.Value `tfsdk:"timeouts"`
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
	readEncodedInto(ctx, d, req, resp)
}

// readEncoded lists the labels and returns the data source's state for config, encoded as the
// protocol carries it (see stateWriter): 20,000 labels cost milliseconds, where reflecting
// them into the state cost seconds.
func (d *illumioLabelsDataSource) readEncoded(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) []byte {
	var data illumioLabelsModel
	ctx, done, ok := startRead(ctx, config, "illumio_labels", &data, func(m *illumioLabelsModel) dstimeouts.Value { return m.Timeouts }, diags)
	defer done()
	if !ok {
		return nil
	}
	c, org, d2 := illumioInOrg(ctx, d.managers, "illumio_labels")
	diags.Append(d2...)
	if diags.HasError() {
		return nil
	}
	start := time.Now()
	all, st, err := c.Labels(ctx, org, illumio.LabelFilter{
		Key: data.Key.ValueString(), Value: data.Value.ValueString(), IncludeDeleted: data.IncludeDeleted.ValueBool(),
	})
	if err != nil {
		diags.AddError("Listing Illumio Labels Failed", fmt.Sprintf("Listing the labels of organization %d failed: %v", org, err))
		return nil
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
	kept := make([]*illumio.Label, 0, len(all))
	values := map[string][]string{}
	for i := range all {
		l := &all[i]
		if data.Exact.ValueBool() && !data.Value.IsNull() && l.Value != data.Value.ValueString() {
			continue
		}
		kept = append(kept, l)
		values[l.Key] = append(values[l.Key], l.Value)
	}
	data.ID = types.StringValue(digest(data.Key.ValueString(), data.Value.ValueString(), data.Exact.String(), data.IncludeDeleted.String()))
	w := newStateWriter(300 * (len(kept) + 1))
	w.object(8)
	w.configValues(ctx, map[string]attr.Value{
		"id": data.ID, "key": data.Key, "value": data.Value, "exact": data.Exact,
		"include_deleted": data.IncludeDeleted, "timeouts": data.Timeouts,
	})
	w.str("labels")
	w.list(len(kept))
	for _, l := range kept {
		var f labelFields
		f.fromAPI(l) // the label's attributes as illumio_label has them
		w.object(9)
		w.tstr("href", f.Href)
		w.tstr("id", f.ID)
		w.tstr("key", f.Key)
		w.tstr("value", f.Value)
		w.tstr("external_data_set", f.ExternalDataSet)
		w.tstr("external_data_reference", f.ExternalDataReference)
		w.tstr("created_at", f.CreatedAt)
		w.tstr("updated_at", f.UpdatedAt)
		w.str("deleted")
		w.bool(l.Deleted)
	}
	w.str("values")
	w.mapOf(len(values))
	for key, vs := range values {
		w.str(key)
		w.list(len(vs))
		for _, v := range vs {
			w.str(v)
		}
	}
	return w.finish(diags)
}
