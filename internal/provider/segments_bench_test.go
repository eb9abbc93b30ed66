package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// benchSegments are n segments shaped as the fake NSX makes them.
func benchSegments(n int) []nsxt.Segment {
	out := make([]nsxt.Segment, n)
	for i := range out {
		name := fmt.Sprintf("segment-%05d", i)
		out[i] = nsxt.Segment{
			ID: name, DisplayName: name, Path: "/infra/segments/" + name, Type: "ROUTED",
			ConnectivityPath: "/infra/tier-1s/t1-0", TransportZonePath: "/infra/sites/default/enforcement-points/default/transport-zones/tz",
			AdminState: "UP", ReplicationMode: "MTEP", UniqueID: fmt.Sprintf("6573d2c9-f4f9-4b37-0000-%012x", i),
			Subnets: []nsxt.Subnet{{GatewayAddress: "10.0.0.1/24", Network: "10.0.0.0/24"}},
		}
		if i%4 == 2 {
			out[i].Type, out[i].Subnets, out[i].VlanIDs = "DISCONNECTED", nil, []string{"100"}
		}
	}
	return out
}

// The provider's work after the last page of nsx_segments: filter, sort, build and set the
// state. `make bench` reports it; no test asserts a time.
func BenchmarkSegmentsState(b *testing.B) {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	(&segmentsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	for _, n := range []int{2600, 20000} {
		all := benchSegments(n)
		b.Run(fmt.Sprintf("segments=%d", n), func(b *testing.B) {
			for b.Loop() {
				data := segmentsModel{}
				data.Timeouts.Object = nullTimeouts(ctx)
				in := append([]nsxt.Segment(nil), all...)
				raw, diags := data.state(ctx, typ, in)
				if diags.HasError() {
					b.Fatal(diags)
				}
				// What the framework does with the state on its way to terraform.
				if _, err := tfprotov6.NewDynamicValue(typ, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func nullTimeouts(context.Context) types.Object {
	return types.ObjectNull(map[string]attr.Type{"read": types.StringType})
}

// The segment values built directly have the type the schema declares.
func TestSegmentTypeMatchesSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var sr datasource.SchemaResponse
	(&segmentsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)                                    //nolint:forcetypeassert // a schema is an object
	if want := typ.AttributeTypes["segments"].(tftypes.List).ElementType; !want.Equal(segmentTF) { //nolint:forcetypeassert // declared a list
		t.Fatalf("segmentTF is %s, the schema says %s", segmentTF, want)
	}
}
