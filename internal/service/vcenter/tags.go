package vcenter

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	vcenter "github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

type tagsDataSource struct{ framework.DataSourceBase }

type vcenterTagsModel struct {
	ID       types.String     `tfsdk:"id"`
	Category types.String     `tfsdk:"category"`
	Tags     []vcenterTagItem `tfsdk:"tags"`
	ByCat    types.Map        `tfsdk:"by_category"`
	framework.ReadTimeouts
}

type vcenterTagItem struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	CategoryID   types.String `tfsdk:"category_id"`
	CategoryName types.String `tfsdk:"category"`
}

func (d *tagsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = framework.DataSourceSchema(ctx, "Lists the vSphere tags of a vCenter with their categories (`/api/cis/tagging`, or `/rest/com/vmware/cis/tagging` "+
		"before vCenter 7.0 U2), so that NSX and Illumio pipelines can map vSphere tags to segments and labels. "+
		"The type is not prefixed `nsx_`, so set `provider = nsx` on it.", map[string]schema.Attribute{
		"id":       framework.ComputedString("A digest of the filter, stable while it is."),
		"category": framework.FilterString("Only tags of the category with this name (case-sensitive). A category that does not exist is an error that lists the existing ones."),
		"tags": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The tags, sorted by category name, then tag name.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":          framework.ComputedString("The tag's id, e.g. `urn:vmomi:InventoryServiceTag:…:GLOBAL`."),
				"name":        framework.ComputedString("Name."),
				"description": framework.ComputedString("Description."),
				"category_id": framework.ComputedString("The id of the tag's category."),
				"category":    framework.ComputedString("The name of the tag's category."),
			}},
		},
		"by_category": schema.MapAttribute{
			Computed: true, ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "Category name → sorted tag names of the tags listed (all, or those of `category`), for modules (e.g. `by_category[\"env\"]`).",
		},
	})
}

func (d *tagsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data := framework.Fetch(ctx, &d.DataSourceBase, Manager, req, &resp.Diagnostics, "the vCenter Tags", func(ctx context.Context, c *vcenter.Client, data *vcenterTagsModel) (string, error) {
		tags, cats, err := c.Tags(ctx)
		if err != nil {
			return "Reading the tagging service", err
		}
		tflog.Debug(ctx, "listed vSphere tags", map[string]any{"tags": len(tags), "categories": len(cats), "legacy_api": c.Legacy()})
		data.fromAPI(ctx, tags, cats, &resp.Diagnostics)
		return "", nil
	}); data != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

// fromAPI keeps the tags of data's category (all where it names none), and their names by
// category, sorted.
func (data *vcenterTagsModel) fromAPI(ctx context.Context, tags []vcenter.Tag, cats []vcenter.Category, diags *diag.Diagnostics) {
	if !data.Category.IsNull() {
		// A category that does not exist is a typo far more often than an empty category:
		// an empty list would hide it.
		names := make([]string, 0, len(cats))
		found := false
		for _, cat := range cats {
			names = append(names, cat.Name)
			found = found || cat.Name == data.Category.ValueString()
		}
		if !found {
			sort.Strings(names)
			existing := "none"
			if len(names) > 0 {
				existing = strings.Join(names, ", ")
			}
			diags.AddAttributeError(path.Root("category"), "vCenter Tag Category Not Found",
				fmt.Sprintf("vCenter has no tag category named %q (names are case-sensitive). Existing categories: %s.", data.Category.ValueString(), existing))
			return
		}
	}
	data.Tags = []vcenterTagItem{}
	by := map[string][]string{}
	for _, t := range tags {
		if !framework.Matches(data.Category, t.CategoryName) {
			continue
		}
		var item vcenterTagItem
		item.fromAPI(t)
		data.Tags = append(data.Tags, item)
		by[t.CategoryName] = append(by[t.CategoryName], t.Name)
	}
	for k := range by {
		sort.Strings(by[k])
	}
	m, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, by)
	diags.Append(d...)
	data.ByCat = m
	data.ID = types.StringValue(framework.Digest(data.Category.ValueString()))
}

// fromAPI records a tag, with its category's name, as vCenter answered it.
func (m *vcenterTagItem) fromAPI(t vcenter.Tag) {
	*m = vcenterTagItem{
		ID: types.StringValue(t.ID), Name: types.StringValue(t.Name), Description: types.StringValue(t.Description),
		CategoryID: types.StringValue(t.CategoryID), CategoryName: types.StringValue(t.CategoryName),
	}
}
