package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
)

// What the framework's passes after Read would act on, no directly read data source has: a
// block, or a value type with semantic equality.
func TestDirectReadSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, newDS := range modelReaders(t) {
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

// modelReaders are the data sources the server reads directly, by type name: every data
// source of the provider that reads through its model.
func modelReaders(t *testing.T) map[string]func() datasource.DataSource {
	t.Helper()
	ctx := context.Background()
	srv := &maskingServer{provider: &nsxProvider{table: DefaultManagers}}
	out := map[string]func() datasource.DataSource{}
	for name, f := range srv.index(ctx).dataSources {
		if _, ok := f().(framework.ModelReader); ok {
			out[name] = f
		}
	}
	if len(out) == 0 {
		t.Fatal("no data source reads through its model")
	}
	return out
}

// The oracle of the direct reads: the state a direct read sends is the state the framework's
// own State.Set makes of the same model (its Read), with the same diagnostics (a warning on
// paths included), for each filter; and every directly read type is held to it. An encoder
// that dropped a segment, or wrote one attribute wrong, fails here, in seconds and without
// terraform.
func TestDirectReadIsTheFrameworksState(t *testing.T) {
	t.Parallel()
	tested := map[string]bool{"nsx_segments": true, "illumio_labels": true, "sdwan_devices": true, "nsx_segment": true, "nsx_role_bindings": true}
	for name := range modelReaders(t) {
		if !tested[name] {
			t.Errorf("%s is read directly but has no case here", name)
		}
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	yes := tftypes.NewValue(tftypes.Bool, true)
	t.Run("nsx_segments", func(t *testing.T) {
		t.Parallel()
		// Two segments share a display name: the framework and the direct read must warn alike.
		list := []fakensxt.Segment{
			{ID: "web", DisplayName: "web", Type: "ROUTED", Subnets: []fakensxt.Subnet{{GatewayAddress: "10.0.0.1/24", Network: "10.0.0.0/24"}}},
			{ID: "web-2", DisplayName: "web", Type: "DISCONNECTED", VlanIDs: []string{"100", "200-210"}},
			{ID: "db", DisplayName: "db", Type: "EXTENDED"},
		}
		srv, _ := inProcessSegments(t, fakeharness.NSXTOptions{Nodes: 1, SegmentList: list})
		compareReads(t, srv, "nsx_segments", 1, nil,
			map[string]tftypes.Value{"display_name": str("web")},
			map[string]tftypes.Value{"type": str("DISCONNECTED")},
			map[string]tftypes.Value{"display_name": str("no-such-segment")})
		compareReads(t, srv, "nsx_segment", 0, map[string]tftypes.Value{"id": str("web-2")},
			map[string]tftypes.Value{"path": str("/infra/segments/db")})
		compareReads(t, srv, "nsx_role_bindings", 0, nil, map[string]tftypes.Value{"type": str("local_user")},
			map[string]tftypes.Value{"type": str("remote_group")})
	})
	t.Run("illumio_labels", func(t *testing.T) {
		t.Parallel()
		// More than 500: the unfiltered read goes through the PCE's async job.
		h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 600})
		srv := inProcessServer(t, "illumio", map[string]tftypes.Value{
			"host": str(h.Host()), "username": str(h.Email), "password": str(h.Password), "ca_file": str(h.CAFile),
		})
		compareReads(t, srv, "illumio_labels", 0, nil,
			map[string]tftypes.Value{"key": str("env")},
			map[string]tftypes.Value{"value": str("env-0002"), "exact": yes},
			map[string]tftypes.Value{"value": str("-000")})
	})
	t.Run("sdwan_devices", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Devices: 50})
		srv := inProcessServer(t, "sdwan", map[string]tftypes.Value{
			"url": str(h.URL()), "username": str(h.Username), "password": str(h.Password), "ca_file": str(h.CAFile),
		})
		compareReads(t, srv, "sdwan_devices", 0, nil,
			map[string]tftypes.Value{"device_type": str("vedge")},
			map[string]tftypes.Value{"reachability": str("unreachable")})
	})
}

// compareReads reads typeName directly and through the framework for each configuration (its
// set attributes; nil: none), and fails t where the answers differ. The first configuration
// must answer warnings diagnostics.
func compareReads(t *testing.T, srv *maskingServer, typeName string, warnings int, configs ...map[string]tftypes.Value) {
	t.Helper()
	ctx := context.Background()
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dt := sch.DataSourceSchemas[typeName].ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	for i, set := range configs {
		cfg := dataSourceConfig(t, srv, typeName, set)
		req := &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &cfg}
		direct, ok := srv.readDirect(ctx, req)
		if !ok {
			t.Fatalf("the configured server did not read %s directly", typeName)
		}
		framework, err := srv.inner.ReadDataSource(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(direct.Diagnostics) != len(framework.Diagnostics) {
			t.Fatalf("%v: diagnostics differ: direct %v, framework %v", set, direct.Diagnostics, framework.Diagnostics)
		}
		for j, d := range direct.Diagnostics {
			f := framework.Diagnostics[j]
			if d.Severity != f.Severity || d.Summary != f.Summary || d.Detail != f.Detail || !d.Attribute.Equal(f.Attribute) {
				t.Fatalf("%v: diagnostic %d differs: direct %+v, framework %+v", set, j, d, f)
			}
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%v: %s: %s", set, d.Summary, d.Detail)
			}
		}
		if i == 0 && len(direct.Diagnostics) != warnings {
			t.Fatalf("want %d warnings, got %v", warnings, direct.Diagnostics)
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
			t.Fatalf("%v: states differ in %d places, e.g. %v", set, len(diffs), diffs[:min(3, len(diffs))])
		}
		// Something was read: an empty answer would prove nothing.
		if i == 0 && set == nil && !someElements(t, dv) {
			t.Fatalf("%s read nothing: the comparison proves nothing", typeName)
		}
		t.Logf("%s %v: %d bytes of state", typeName, set, len(direct.State.MsgPack))
	}
}

// someElements reports whether a data source's state lists anything: a list attribute with
// elements.
func someElements(t *testing.T, v tftypes.Value) bool {
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for _, a := range attrs {
		if a.Type().Is(tftypes.List{}) && a.IsKnown() && !a.IsNull() {
			var elems []tftypes.Value
			if a.As(&elems) == nil && len(elems) > 0 {
				return true
			}
		}
	}
	return false
}
