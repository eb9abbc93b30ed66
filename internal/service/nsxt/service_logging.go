package nsxt

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_service_logging: the logging level of several node services on every manager node.
// Each service is a settings object of its own (/api/v1/node/services/<name>), written
// through the engine on each node, one node after the other; only logging_level changes.

const serviceLoggingType = "nsx_service_logging"

type serviceLoggingResource struct{ framework.ResourceBase }

type serviceLoggingModel struct {
	ID     types.String `tfsdk:"id"`
	Levels types.Map    `tfsdk:"levels"`
	Nodes  types.Map    `tfsdk:"nodes"`
	framework.Timeouts
}

var (
	levelsType                                  = types.MapType{ElemType: types.StringType}
	_          resource.ResourceWithModifyPlan  = (*serviceLoggingResource)(nil)
	_          resource.ResourceWithImportState = (*serviceLoggingResource)(nil)
)

func (r *serviceLoggingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The logging level of NSX node services on **every NSX Manager node**: `" + strings.Join(nsxtapi.LoggingServices, "`, `") +
			"` (`/api/v1/node/services/<name>`, `service_properties.logging_level`). Each service's properties are written through their own " +
			"object, on every node listed in the `nsxt` block through that node's own session, one node after the other; only `logging_level` " +
			"changes, everything else goes back as NSX answered it. `nodes` holds each node's levels: a node that differs shows in the plan " +
			"under its own address, and the apply changes that node only.\n\n" +
			"STIG VCFN-9X-000007: `INFO` for `async_replicator`, `auth`, `http`, `manager` and `telemetry`.\n\n" +
			"Import with the id `service_logging` (every service is then managed) or `service_logging:async_replicator,auth,...` (those services). **Destroying this resource leaves the levels as they are** (with a warning).",
		Attributes: map[string]schema.Attribute{
			"id": framework.Assigned("Always `service_logging`."),
			"levels": schema.MapAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "The logging level by service: `OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`. Services not listed are left as they are.",
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(stringvalidator.OneOf(nsxtapi.LoggingServices...)),
					mapvalidator.ValueStringsAre(stringvalidator.OneOf("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE")),
				},
			},
			"nodes": schema.MapAttribute{
				Computed: true, ElementType: levelsType,
				MarkdownDescription: "The levels of the services in `levels` as read on each manager node, by the node's address as the `nsxt` block lists it.",
			},
			"timeouts": framework.CRUTimeouts(ctx),
		},
	}
}

func (r *serviceLoggingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, "create", req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *serviceLoggingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, "update", req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *serviceLoggingResource) apply(ctx context.Context, op string, plan planSource, out stateSink, diags *diag.Diagnostics) {
	var m serviceLoggingModel
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		want := stringMap(m.Levels)
		nodes := map[string]map[string]string{}
		for _, host := range c.Nodes() {
			got := map[string]string{}
			for _, svc := range framework.SortedKeys(want) {
				level := want[svc]
				w, err := c.WriteSettings(ctx, nsxtapi.LoggingService(svc), host, restartWait, func(*nsxtapi.Document) (nsxtapi.Changes, error) {
					return nsxtapi.Changes{"service_properties.logging_level": level}, nil
				})
				if err != nil {
					lead := fmt.Sprintf("Setting the logging level of the %s service on node %s", svc, host)
					if len(nodes) > 0 || len(got) > 0 {
						lead += " (what was written before it is in the state)"
					}
					r.Managers.Failed(diags, "Writing NSX Service Logging Failed", lead, err)
					if len(nodes) == 0 && len(got) == 0 {
						return
					}
					break
				}
				got[svc] = level
				if read, err := loggingLevel(w.After); err != nil {
					diags.AddAttributeError(path.Root("levels").AtMapKey(svc), "Unexpected NSX Answer", err.Error()+
						". The level was written; the state records the configured one.")
				} else {
					got[svc] = read
				}
			}
			nodes[host] = got
			if diags.HasError() {
				break
			}
		}
		m.ID = types.StringValue("service_logging")
		m.Nodes = nodesValue(nodes)
		diags.Append(out.Set(ctx, &m)...)
	})
}

func (r *serviceLoggingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m serviceLoggingModel
	framework.Do(ctx, req.State, r.Op("read"), &m, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		var services []string
		if m.Levels.IsNull() { // imported: every service
			services = nsxtapi.LoggingServices
		} else {
			services = framework.SortedKeys(m.Levels.Elements())
		}
		nodes := map[string]map[string]string{}
		for _, host := range c.Nodes() {
			got := map[string]string{}
			for _, svc := range services {
				doc, err := c.ReadSettings(ctx, nsxtapi.LoggingService(svc), host)
				if err != nil {
					r.Managers.ReadFailed(&resp.Diagnostics, "NSX Service Logging", fmt.Sprintf("Reading the %s service on node %s", svc, host), err)
					return
				}
				level, err := loggingLevel(doc)
				if err != nil {
					resp.Diagnostics.AddAttributeError(path.Root("levels").AtMapKey(svc), "Unexpected NSX Answer", err.Error()+". Nothing of this answer was recorded.")
					return
				}
				got[svc] = level
			}
			nodes[host] = got
		}
		// The top level: what every node agrees on; where they differ, what the state said.
		prior := stringMap(m.Levels)
		levels := map[string]string{}
		for _, svc := range services {
			agreed, first := "", true
			for _, got := range nodes {
				if first {
					agreed, first = got[svc], false
				} else if got[svc] != agreed {
					agreed = ""
					break
				}
			}
			switch {
			case agreed != "":
				levels[svc] = agreed
			case prior[svc] != "":
				levels[svc] = prior[svc]
			}
		}
		m.Levels = mapValue(levels)
		m.Nodes = nodesValue(nodes)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	})
}

func (r *serviceLoggingResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("NSX Service Logging Left As It Is",
		"nsx_service_logging left the state; the logging levels of every NSX Manager node's services stay as they are.")
}

// ImportState takes `service_logging` (every service) or `service_logging:auth,http,...`
// (those services: the ones the configuration lists, so that it plans nothing).
func (r *serviceLoggingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, list, hasList := strings.Cut(req.ID, ":")
	if id != "service_logging" {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%s is a singleton; import it with the id %q, or %q with the services to manage, not %q.",
				serviceLoggingType, "service_logging", "service_logging:auth,http", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), "service_logging")...)
	if !hasList {
		return
	}
	levels := map[string]string{}
	for svc := range strings.SplitSeq(list, ",") {
		svc = strings.TrimSpace(svc)
		if !slices.Contains(nsxtapi.LoggingServices, svc) {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not one of the services: %s.", svc, strings.Join(nsxtapi.LoggingServices, ", ")))
			return
		}
		levels[svc] = ""
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("levels"), mapValue(levels))...)
}

// ModifyPlan plans each configured node at the configured levels, so that a node that
// differs shows under its own address.
func (r *serviceLoggingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, serviceLoggingType)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan serviceLoggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := r.Managers.Settings(Manager.Block)
	if s == nil || !framework.Known(plan.Levels) || !framework.WhollyKnown(plan.Levels) {
		plan.Nodes = types.MapUnknown(levelsType)
	} else {
		want := stringMap(plan.Levels)
		nodes := map[string]map[string]string{}
		for _, n := range s.Nodes {
			nodes[n.Host] = want
		}
		plan.Nodes = nodesValue(nodes)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func loggingLevel(d *nsxtapi.Document) (string, error) {
	var level string
	_, err := d.Decode("service_properties.logging_level", &level)
	return level, err
}
