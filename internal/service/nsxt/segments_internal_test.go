package nsxt

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// benchSegments are n segments shaped as the fake NSX makes them.
func benchSegments(n int) []nsxtapi.Segment {
	out := make([]nsxtapi.Segment, n)
	for i := range out {
		name := fmt.Sprintf("segment-%05d", i)
		out[i] = nsxtapi.Segment{
			ID: name, DisplayName: name, Path: "/infra/segments/" + name, Type: "ROUTED",
			ConnectivityPath: "/infra/tier-1s/t1-0", TransportZonePath: "/infra/sites/default/enforcement-points/default/transport-zones/tz",
			AdminState: "UP", ReplicationMode: "MTEP", UniqueID: fmt.Sprintf("6573d2c9-f4f9-4b37-0000-%012x", i),
			Subnets: []nsxtapi.Subnet{{GatewayAddress: "10.0.0.1/24", Network: "10.0.0.0/24"}},
		}
		if i%4 == 2 {
			out[i].Type, out[i].Subnets, out[i].VlanIDs = "DISCONNECTED", nil, []string{"100"}
		}
	}
	return out
}

// The provider's work after the last page of nsx_segments: filter, sort and encode the state
// as the protocol carries it. `make bench` reports it; no test asserts a time.
func BenchmarkSegmentsState(b *testing.B) {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	(&segmentsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	for _, n := range []int{2600, 20000} {
		all := benchSegments(n)
		b.Run(fmt.Sprintf("segments=%d", n), func(b *testing.B) {
			for b.Loop() {
				data := segmentsModel{}
				data.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"read": types.StringType})
				data.ID, data.DisplayName, data.Type, data.TransportZonePath = types.StringValue("x"), types.StringNull(), types.StringNull(), types.StringNull()
				if diags := data.fromAPI(append([]nsxtapi.Segment(nil), all...)); diags.HasError() {
					b.Fatal(diags)
				}
				enc, err := framework.EncoderFor(&data, typ)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := enc.Encode(&data, 400*n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
