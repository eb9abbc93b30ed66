package illumio

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	illumio "github.com/netsession/terraform-provider-nsx/internal/illumio"
)

type labelResource struct{ framework.ResourceBase }

type labelResourceModel struct {
	labelFields
	framework.Timeouts
}

const labelType = "illumio_label"

// labelFields are an Illumio label's attributes, the same in illumio_label and in each label
// of illumio_labels.
type labelFields struct {
	ID                    types.String `tfsdk:"id"`
	Href                  types.String `tfsdk:"href"`
	Key                   types.String `tfsdk:"key"`
	Value                 types.String `tfsdk:"value"`
	ExternalDataSet       types.String `tfsdk:"external_data_set"`
	ExternalDataReference types.String `tfsdk:"external_data_reference"`
	CreatedAt             types.String `tfsdk:"created_at"`
	UpdatedAt             types.String `tfsdk:"updated_at"`
}

// fromAPI records a label as the PCE answered it; empty external data is null.
func (m *labelFields) fromAPI(l *illumio.Label) {
	m.ID = types.StringValue(l.ID())
	m.Href = types.StringValue(l.Href)
	m.Key = types.StringValue(l.Key)
	m.Value = types.StringValue(l.Value)
	m.ExternalDataSet = framework.NullIfEmpty(l.ExternalDataSet)
	m.ExternalDataReference = framework.NullIfEmpty(l.ExternalDataReference)
	m.CreatedAt = types.StringValue(l.CreatedAt)
	m.UpdatedAt = types.StringValue(l.UpdatedAt)
}

// toAPI is the body that writes m (the key only on create: it cannot change).
func (m *labelFields) toAPI() illumio.LabelWrite {
	return illumio.LabelWrite{Key: m.Key.ValueString(), Value: m.Value.ValueString(),
		ExternalDataSet: framework.Optional(m.ExternalDataSet), ExternalDataReference: framework.Optional(m.ExternalDataReference)}
}

// ModifyPlan reports a missing illumio block at plan time, as the apply would.
func (r *labelResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, labelType)...)
}

var (
	labelHref = regexp.MustCompile(`^/orgs/(\d+)/labels/(\d+)$`)
	labelID   = regexp.MustCompile(`^\d+$`)
)

func (r *labelResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A label of an Illumio PCE organization. Its key (label type) cannot change: a new key replaces the label. " +
			"A label deleted on the PCE is created again at the next apply; destroying a label the PCE has deleted already is not an error. " +
			"The type is not prefixed `nsx_`, so set `provider = nsx` on it.",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The label's id, the last element of its href."),
			"href":     framework.Assigned("The label's href, e.g. `/orgs/1/labels/42`."),
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Key (label type): `role`, `app`, `env`, `loc`, or a custom label type defined on the PCE. Changing it replaces the label.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				Required: true, MarkdownDescription: "Value, unique within its key, e.g. `Production`.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255), stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be blank")},
			},
			"external_data_set": schema.StringAttribute{
				Optional: true, MarkdownDescription: "External data set, naming the system that manages the label.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"external_data_reference": schema.StringAttribute{
				Optional: true, MarkdownDescription: "External data reference: the label's id in that system.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"created_at": framework.Assigned("When the label was created (RFC 3339)."),
			"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the label was last changed (RFC 3339)."},
		},
	}
}

func (r *labelResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan labelResourceModel
	ctx, done, ok := framework.Begin(ctx, req.Plan, r.Op("create"), &plan, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	c, org, diags := inOrg(ctx, r.Managers, labelType)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	l, err := c.CreateLabel(ctx, org, plan.toAPI())
	if err != nil {
		resp.Diagnostics.Append(labelWriteError(plan, err))
		return
	}
	plan.fromAPI(l)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *labelResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state labelResourceModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the Illumio Label", func(ctx context.Context, c *illumio.Client) (string, error) {
		l, err := c.GetLabel(ctx, state.Href.ValueString())
		switch {
		case err == nil && l.Deleted:
			err = illumio.ErrNotFound // deleted labels stay listed with deleted: true
		case err == nil:
			state.fromAPI(l)
		}
		return "Reading the label " + state.Href.ValueString(), err
	})
}

func (r *labelResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state labelResourceModel
	framework.Change(ctx, &r.ResourceBase, Manager, req, resp, &plan, &state, func(ctx context.Context, c *illumio.Client) {
		w := plan.toAPI()
		// Removing external data from the configuration clears it on the PCE.
		empty := ""
		if w.ExternalDataSet == nil && !state.ExternalDataSet.IsNull() {
			w.ExternalDataSet = &empty
		}
		if w.ExternalDataReference == nil && !state.ExternalDataReference.IsNull() {
			w.ExternalDataReference = &empty
		}
		href := state.Href.ValueString()
		if err := c.UpdateLabel(ctx, href, w); err != nil {
			resp.Diagnostics.Append(labelWriteError(plan, err))
			return
		}
		// The PCE took the change: the state says so even if the read-back does not come.
		plan.ID, plan.Href, plan.CreatedAt = state.ID, state.Href, state.CreatedAt
		if plan.UpdatedAt.IsUnknown() {
			plan.UpdatedAt = state.UpdatedAt
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		l, err := c.GetLabel(ctx, href)
		if err != nil {
			r.Managers.Failed(&resp.Diagnostics, "Reading Back the Illumio Label Failed", "The label "+href+" was changed, but reading it back failed", err)
			return
		}
		plan.fromAPI(l)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *labelResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state labelResourceModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *illumio.Client) {
		err := c.DeleteLabel(ctx, state.Href.ValueString())
		if err != nil && !errors.Is(err, illumio.ErrGone) && !errors.Is(err, illumio.ErrNotFound) {
			resp.Diagnostics.AddError("Deleting the Illumio Label Failed",
				fmt.Sprintf("DELETE %s failed: %v. A label still used by workloads, rulesets or label groups cannot be deleted.", state.Href.ValueString(), err))
		}
	})
}

// ImportState takes a label's href (/orgs/1/labels/42) or its id (42, in the configured or
// only organization).
func (r *labelResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	href := id
	if !labelHref.MatchString(id) {
		if !labelID.MatchString(id) {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("Import illumio_label by its href (/orgs/1/labels/42) or its id (42), not %q.", req.ID))
			return
		}
		_, org, diags := inOrg(ctx, r.Managers, labelType+" import")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		href = fmt.Sprintf("/orgs/%d/labels/%s", org, id)
	}
	// Say in this provider's words that the label does not exist, rather than Terraform's
	// generic "Cannot import non-existent remote object".
	framework.Import(ctx, r.Managers, Manager, labelType, &resp.Diagnostics, func(ctx context.Context, c *illumio.Client) {
		if _, err := c.GetLabel(ctx, href); errors.Is(err, illumio.ErrNotFound) {
			resp.Diagnostics.AddError("Illumio Label Not Found",
				fmt.Sprintf("The PCE has no label %s (from the import id %q). Check the id or href in the PCE's web console (Labels) or with the illumio_labels data source.", href, req.ID))
			return
		} else if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the Illumio Label", "Reading "+href+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("href"), href)...)
	})
}

// labelWriteError explains what the PCE refused.
func labelWriteError(plan labelResourceModel, err error) diag.Diagnostic {
	switch {
	case errors.Is(err, illumio.ErrDuplicateLabel):
		return diag.NewAttributeErrorDiagnostic(path.Root("value"), "Illumio Label Already Exists",
			fmt.Sprintf("A label %s=%s exists already on the PCE (values are unique within a key, regardless of case). "+
				"Import it (`terraform import illumio_label.<name> <href or id>`) instead of creating it. (%v)", plan.Key.ValueString(), plan.Value.ValueString(), err))
	case errors.Is(err, illumio.ErrUnknownLabelType):
		return diag.NewAttributeErrorDiagnostic(path.Root("key"), "Unknown Illumio Label Type", err.Error())
	}
	return diag.NewErrorDiagnostic("Writing the Illumio Label Failed", err.Error())
}
