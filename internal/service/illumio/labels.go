package illumio

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/illumio"
)

type labelsDataSource struct{ framework.DataSourceBase }

type labelsModel struct {
	ID             types.String        `tfsdk:"id"`
	Key            types.String        `tfsdk:"key"`
	Value          types.String        `tfsdk:"value"`
	Exact          types.Bool          `tfsdk:"exact"`
	IncludeDeleted types.Bool          `tfsdk:"include_deleted"`
	Labels         []labelItem         `tfsdk:"labels"`
	Values         map[string][]string `tfsdk:"values"`
	framework.ReadTimeouts
}

// labelItem is one label of the listing: the attributes illumio_label has, and deleted.
type labelItem struct {
	labelFields
	Deleted bool `tfsdk:"deleted"`
}

func (d *labelsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = framework.DataSourceSchema(ctx, "Lists the labels of an Illumio PCE organization (`/api/v2/orgs/{org}/labels`), **every one of them**: a synchronous "+
		"answer holds at most 500, so when `X-Total-Count` says there are more the provider requests the collection asynchronously "+
		"(`Prefer: respond-async`), waits for the job and fetches its result. The type is not prefixed `nsx_`, so set `provider = nsx` on it.", map[string]schema.Attribute{
		"id":  framework.ComputedString("A digest of the filters, stable while they are."),
		"key": framework.FilterString("Only labels of this key (label type), e.g. `env`."),
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
			MarkdownDescription: "The matching labels, sorted by key, then value, then href.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"href":                    framework.ComputedString("The label's href, e.g. `/orgs/1/labels/42`."),
				"id":                      framework.ComputedString("The label's id, the last element of its href."),
				"key":                     framework.ComputedString("Key (label type), e.g. `env`."),
				"value":                   framework.ComputedString("Value, e.g. `Production`."),
				"deleted":                 schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the label was deleted."},
				"external_data_set":       framework.ComputedString("External data set, for labels managed by another system; null when none."),
				"external_data_reference": framework.ComputedString("External data reference; null when none."),
				"created_at":              framework.ComputedString("When the label was created (RFC 3339)."),
				"updated_at":              framework.ComputedString("When the label was last changed (RFC 3339)."),
			}},
		},
		"values": schema.MapAttribute{
			Computed: true, ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "Key → sorted list of the values of the matching labels, for modules (e.g. `values[\"env\"]`).",
		},
	})
}

// ReadModel lists the labels and returns the data source's state for req: 20,000 labels cost
// milliseconds to encode, where reflecting them into the state cost seconds.
func (d *labelsDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	var data labelsModel
	ctx, done, ok := framework.Begin(ctx, req.Config, d.ReadOp(), &data, diags)
	defer done()
	if !ok {
		return nil
	}
	c, org, d2 := inOrg(ctx, d.Managers, "illumio_labels")
	diags.Append(d2...)
	if diags.HasError() {
		return nil
	}
	start := time.Now()
	all, st, err := c.Labels(ctx, org, illumio.LabelFilter{
		Key: data.Key.ValueString(), Value: data.Value.ValueString(), IncludeDeleted: data.IncludeDeleted.ValueBool(),
	})
	if err != nil {
		d.Managers.ReadFailed(diags, "the Illumio Labels", fmt.Sprintf("Listing the labels of organization %d", org), err)
		return nil
	}
	tflog.Debug(ctx, "listed labels", map[string]any{
		"labels": len(all), "total": st.Total, "async": st.Async, "requests": st.Requests, "duration_ms": time.Since(start).Milliseconds(),
	})
	data.fromAPI(all)
	data.ID = types.StringValue(framework.Digest(data.Key.ValueString(), data.Value.ValueString(), data.Exact.String(), data.IncludeDeleted.String()))
	return &data
}

// fromAPI keeps the labels data's filters match, sorted by key, then value, then href (the
// one rule for ties), and their values by key.
func (data *labelsModel) fromAPI(all []illumio.Label) {
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Key != all[j].Key {
			return all[i].Key < all[j].Key
		}
		if all[i].Value != all[j].Value {
			return all[i].Value < all[j].Value
		}
		return all[i].Href < all[j].Href
	})
	data.Labels = make([]labelItem, 0, len(all))
	data.Values = map[string][]string{}
	for i := range all {
		l := &all[i]
		if data.Exact.ValueBool() && !data.Value.IsNull() && l.Value != data.Value.ValueString() {
			continue
		}
		item := labelItem{Deleted: l.Deleted}
		item.fromAPI(l) // the label's attributes as illumio_label has them
		data.Labels = append(data.Labels, item)
		data.Values[l.Key] = append(data.Values[l.Key], l.Value)
	}
}
