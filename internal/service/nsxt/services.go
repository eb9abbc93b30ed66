package nsxt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// What the node-service types share (nsx_ntp, nsx_ssh_service, nsx_snmp, nsx_service_logging,
// nsx_syslog_exporter): attribute builders, validators and map helpers.

// running is a service's running state, started or stopped with the service's actions.
func running(service, stig string) field {
	return boolField("running", fmt.Sprintf("Whether the %s runs on the node (its status's `runtime_state` is `running`): the provider starts or stops it "+
		"with the service's `start` and `stop` actions and waits until the status says so. %s", service, stig)).at(nsxtapi.RunningPath)
}

// props is the path of a service property.
func props(name string) string { return "service_properties." + name }

const nodeServiceNote = "NSX keeps node services per node: the provider writes every node listed in the `nsxt` block through that node's own " +
	"session, and `nodes` holds what each node has; a node that differs from the configuration shows in the plan under its own address, " +
	"and the apply changes that node only."

func required(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: v}
}

func optionalString(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func portAttr(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: []validator.Int64{int64validator.Between(1, 65535)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

type planSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

type stateSink interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

func stringMap(m types.Map) map[string]string {
	out := map[string]string{}
	if !framework.Known(m) {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && framework.Known(s) {
			out[k] = s.ValueString()
		}
	}
	return out
}

func mapValue(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func nodesValue(nodes map[string]map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(nodes))
	for host, levels := range nodes {
		elems[host] = mapValue(levels)
	}
	return types.MapValueMust(levelsType, elems)
}

func setOf(l []string) types.Set {
	elems := make([]attr.Value, 0, len(l))
	for _, s := range l {
		elems = append(elems, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, elems)
}
