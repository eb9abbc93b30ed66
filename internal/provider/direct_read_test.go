package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// What the framework's passes after Read would act on, no directly read data source has: a
// block, or a value type with semantic equality.
func TestDirectReadSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, newDS := range directReads {
		var sr datasource.SchemaResponse
		newDS().Schema(ctx, datasource.SchemaRequest{}, &sr)
		if len(sr.Schema.Blocks) > 0 {
			t.Errorf("%s has blocks; the framework reifies null ones after Read", name)
		}
		var walk func(at string, a schema.Attribute)
		walk = func(at string, a schema.Attribute) {
			if semantic(ctx, a.GetType()) {
				t.Errorf("%s.%s has a type with semantic equality", name, at)
			}
			if n, ok := a.(schema.ListNestedAttribute); ok {
				for k, na := range n.NestedObject.Attributes {
					walk(at+"[*]."+k, na)
				}
			}
		}
		for k, a := range sr.Schema.Attributes {
			walk(k, a)
		}
	}
}

// semantic reports whether values of t, or of the types inside it, define semantic equality.
func semantic(ctx context.Context, t attr.Type) bool {
	v, err := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
	if err != nil {
		return true
	}
	switch v.(type) {
	case basetypes.StringValuableWithSemanticEquals, basetypes.ListValuableWithSemanticEquals,
		basetypes.MapValuableWithSemanticEquals, basetypes.ObjectValuableWithSemanticEquals,
		basetypes.SetValuableWithSemanticEquals, basetypes.BoolValuableWithSemanticEquals,
		basetypes.Int64ValuableWithSemanticEquals, basetypes.NumberValuableWithSemanticEquals,
		basetypes.Float64ValuableWithSemanticEquals, basetypes.DynamicValuableWithSemanticEquals:
		return true
	}
	switch t := t.(type) {
	case attr.TypeWithElementType:
		return semantic(ctx, t.ElementType())
	case attr.TypeWithAttributeTypes:
		for _, at := range t.AttributeTypes() {
			if semantic(ctx, at) {
				return true
			}
		}
	}
	return false
}

// A direct read answers what the framework's read of the same data source answers: the same
// state, the same diagnostics (a warning on paths included), for each filter.
func TestDirectReadMatchesFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Two segments share a display name: the framework and the direct read must warn alike.
	list := []fakensxt.Segment{
		{ID: "web", DisplayName: "web", Type: "ROUTED", Subnets: []fakensxt.Subnet{{GatewayAddress: "10.0.0.1/24", Network: "10.0.0.0/24"}}},
		{ID: "web-2", DisplayName: "web", Type: "DISCONNECTED", VlanIDs: []string{"100", "200-210"}},
		{ID: "db", DisplayName: "db", Type: "EXTENDED"},
	}
	srv, _ := inProcessSegments(t, fakeharness.NSXTOptions{Nodes: 1, SegmentList: list})
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dt := sch.DataSourceSchemas["nsx_segments"].ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, filters := range []map[string]tftypes.Value{
		nil,
		{"display_name": str("web")},
		{"type": str("DISCONNECTED")},
		{"display_name": str("no-such-segment")},
	} {
		t.Run(fmt.Sprint(filters), func(t *testing.T) {
			cfg, err := tfprotov6.NewDynamicValue(dt, objectWith(dt, filters))
			if err != nil {
				t.Fatal(err)
			}
			req := &tfprotov6.ReadDataSourceRequest{TypeName: "nsx_segments", Config: &cfg}
			direct, ok := srv.readDirect(ctx, req)
			if !ok {
				t.Fatal("the configured server did not read nsx_segments directly")
			}
			framework, err := srv.ProviderServer.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(direct.Diagnostics) != len(framework.Diagnostics) {
				t.Fatalf("diagnostics differ: direct %v, framework %v", direct.Diagnostics, framework.Diagnostics)
			}
			for i, d := range direct.Diagnostics {
				f := framework.Diagnostics[i]
				if d.Severity != f.Severity || d.Summary != f.Summary || d.Detail != f.Detail || !d.Attribute.Equal(f.Attribute) {
					t.Fatalf("diagnostic %d differs: direct %+v, framework %+v", i, d, f)
				}
			}
			if filters == nil && len(direct.Diagnostics) != 1 {
				t.Fatalf("want the warning about the shared display name, got %v", direct.Diagnostics)
			}
			dv, err := direct.State.Unmarshal(dt)
			if err != nil {
				t.Fatal(err)
			}
			fv, err := framework.State.Unmarshal(dt)
			if err != nil {
				t.Fatal(err)
			}
			if !dv.Equal(fv) {
				diffs, _ := dv.Diff(fv)
				t.Fatalf("states differ in %d places, e.g. %v", len(diffs), diffs[:min(3, len(diffs))])
			}
		})
	}
}
