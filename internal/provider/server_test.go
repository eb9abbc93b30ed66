package provider

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func TestTidyDoubledPeriods(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"NSX said: locked.. Check the password.": "NSX said: locked. Check the password.",
		"ends here..":                            "ends here.",
		"wait... then":                           "wait... then",
		"version 4.2..1":                         "version 4.2..1",
	} {
		if got := tidy(in); got != want {
			t.Errorf("tidy(%q) = %q, want %q", in, got, want)
		}
	}
}

// The masking server must answer every RPC the framework's server answers: every method of
// the framework's server that takes a context and a *tfprotov6 request (the protocol's RPCs,
// the optional interfaces of list resources, actions and state stores included) is a method of
// the wrapper. A framework upgrade that adds an RPC fails here, not for a user, whose
// configuration would get "unimplemented" through the wrapper.
func TestServerForwardsEveryRPC(t *testing.T) {
	t.Parallel()
	p := &nsxProvider{version: "test", pool: session.NewPool(), table: DefaultManagers, configured: &configured{}}
	inner, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	ctxType := reflect.TypeFor[context.Context]()
	wrapper := reflect.TypeFor[*maskingServer]()
	it := reflect.TypeOf(inner)
	rpcs := 0
	for m := range it.Methods() {
		if m.Type.NumIn() != 3 || m.Type.In(1) != ctxType || m.Type.In(2).Kind() != reflect.Pointer ||
			m.Type.In(2).Elem().PkgPath() != "github.com/hashicorp/terraform-plugin-go/tfprotov6" {
			continue
		}
		rpcs++
		wm, ok := wrapper.MethodByName(m.Name)
		if !ok {
			t.Errorf("the framework's server answers %s; the masking server does not", m.Name)
			continue
		}
		if wm.Type.NumIn() != m.Type.NumIn() || wm.Type.In(2) != m.Type.In(2) || wm.Type.NumOut() != m.Type.NumOut() || wm.Type.Out(0) != m.Type.Out(0) {
			t.Errorf("%s: the masking server's signature %v differs from the framework's %v", m.Name, wm.Type, m.Type)
		}
	}
	if rpcs < 20 {
		t.Fatalf("found only %d RPCs on the framework's server (%T): the test no longer finds them", rpcs, inner)
	}
	t.Logf("%d RPCs of the framework's server, each answered by the masking server", rpcs)
}

// Every type has what the provider promises of every type, checked here once instead of an
// assertion in each file: resources take the managers, import and plan (the plan checks
// that their manager's block is there); data sources and ephemeral resources take the
// managers; ephemeral sessions are renewed and closed.
func TestEveryTypeImplements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &nsxProvider{version: "test", pool: session.NewPool(), table: DefaultManagers, configured: &configured{}}
	name := func(meta func(*string)) string {
		var n string
		meta(&n)
		return n
	}
	for _, f := range p.Resources(ctx) {
		r := f()
		n := name(func(s *string) {
			var resp resource.MetadataResponse
			r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "nsx"}, &resp)
			*s = resp.TypeName
		})
		if _, ok := r.(resource.ResourceWithConfigure); !ok {
			t.Errorf("%s takes no managers (Configure)", n)
		}
		if _, ok := r.(resource.ResourceWithImportState); !ok {
			t.Errorf("%s cannot be imported", n)
		}
		if _, ok := r.(resource.ResourceWithModifyPlan); !ok {
			t.Errorf("%s does not check at plan time that its manager is configured (ModifyPlan)", n)
		}
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		if _, ok := d.(datasource.DataSourceWithConfigure); !ok {
			var resp datasource.MetadataResponse
			d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "nsx"}, &resp)
			t.Errorf("%s takes no managers (Configure)", resp.TypeName)
		}
	}
	for _, f := range p.EphemeralResources(ctx) {
		e := f()
		_, configure := e.(ephemeral.EphemeralResourceWithConfigure)
		_, renew := e.(ephemeral.EphemeralResourceWithRenew)
		_, closes := e.(ephemeral.EphemeralResourceWithClose)
		if !configure || !renew || !closes {
			t.Errorf("%T: Configure %v, Renew %v, Close %v; want all three", e, configure, renew, closes)
		}
	}
}

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

// objectWith is a value of t whose attributes are null but for set.
func objectWith(t tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
			continue
		}
		vals[name] = tftypes.NewValue(at, nil)
	}
	return tftypes.NewValue(t, vals)
}

// The whole read of nsx_segments as Terraform asks for it, through the provider's protocol
// server (listing over loopback TLS from the fake, Read, the framework's checks and the
// state's encoding). `make bench` reports it; no test asserts a time.
func BenchmarkSegmentsRead(b *testing.B) {
	for _, n := range []int{2600, 20000} {
		b.Run(fmt.Sprintf("segments=%d", n), func(b *testing.B) {
			srv, dcfg := inProcessSegments(b, fakeharness.NSXTOptions{Nodes: 1, Segments: n})
			for b.Loop() {
				readDataSource(b, srv, "nsx_segments", &dcfg)
			}
		})
	}
}

// inProcessSegments is the provider's protocol server, configured for a fake NSX started
// with o, and a configuration of nsx_segments with no filters.
func inProcessSegments(tb testing.TB, o fakeharness.NSXTOptions) (*maskingServer, tfprotov6.DynamicValue) {
	tb.Helper()
	h := fakeharness.StartNSXT(tb, o)
	srv := inProcessServer(tb, "nsxt", map[string]tftypes.Value{
		"hosts":    tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, h.Hosts()[0])}),
		"username": tftypes.NewValue(tftypes.String, h.Username), "password": tftypes.NewValue(tftypes.String, h.Password),
		"ca_file": tftypes.NewValue(tftypes.String, h.CAFile),
	})
	return srv, dataSourceConfig(tb, srv, "nsx_segments", nil)
}

// inProcessServer is the provider's protocol server, configured with one manager block whose
// attributes are fields (the others null).
func inProcessServer(tb testing.TB, block string, fields map[string]tftypes.Value) *maskingServer {
	tb.Helper()
	ctx := context.Background()
	pool := session.NewPool()
	tb.Cleanup(pool.Close)
	ps, err := NewServer("bench", pool)()
	if err != nil {
		tb.Fatal(err)
	}
	srv := ps.(*maskingServer) //nolint:forcetypeassert // NewServer's own type
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	pt := sch.Provider.ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	var value tftypes.Value
	switch bt := pt.AttributeTypes[block].(type) {
	case tftypes.Object:
		value = objectWith(bt, fields)
	case tftypes.List:
		value = tftypes.NewValue(bt, []tftypes.Value{objectWith(bt.ElementType.(tftypes.Object), fields)}) //nolint:forcetypeassert // a block's element is an object
	default:
		tb.Fatalf("%s is a %T", block, bt)
	}
	cfg, err := tfprotov6.NewDynamicValue(pt, objectWith(pt, map[string]tftypes.Value{block: value}))
	if err != nil {
		tb.Fatal(err)
	}
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg}); err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatal(err, resp.Diagnostics)
	}
	return srv
}

// dataSourceConfig is a configuration of the data source typeName with set attributes (the
// others null).
func dataSourceConfig(tb testing.TB, srv *maskingServer, typeName string, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	tb.Helper()
	sch, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	dt := sch.DataSourceSchemas[typeName].ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	dcfg, err := tfprotov6.NewDynamicValue(dt, objectWith(dt, set))
	if err != nil {
		tb.Fatal(err)
	}
	return dcfg
}

// readDataSource reads typeName with cfg through srv, failing tb on any diagnostic.
func readDataSource(tb testing.TB, srv *maskingServer, typeName string, cfg *tfprotov6.DynamicValue) {
	resp, err := srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatal(err, resp.Diagnostics)
	}
}

// The whole read of illumio_labels (20,000 labels: an async job) and of sdwan_devices (5,000
// devices) through the provider's protocol server. `make bench` reports them.
func BenchmarkLargeReads(b *testing.B) {
	b.Run("illumio_labels=20000", func(b *testing.B) {
		h := fakeharness.StartIllumio(b, fakeharness.IllumioOptions{Labels: 20000})
		srv := inProcessServer(b, "illumio", map[string]tftypes.Value{
			"host": tftypes.NewValue(tftypes.String, h.Host()), "username": tftypes.NewValue(tftypes.String, h.Email),
			"password": tftypes.NewValue(tftypes.String, h.Password), "ca_file": tftypes.NewValue(tftypes.String, h.CAFile),
		})
		cfg := dataSourceConfig(b, srv, "illumio_labels", nil)
		for b.Loop() {
			readDataSource(b, srv, "illumio_labels", &cfg)
		}
	})
	b.Run("sdwan_devices=5000", func(b *testing.B) {
		h := fakeharness.StartSDWAN(b, fakeharness.SDWANOptions{Devices: 5000})
		srv := inProcessServer(b, "sdwan", map[string]tftypes.Value{
			"url": tftypes.NewValue(tftypes.String, h.URL()), "username": tftypes.NewValue(tftypes.String, h.Username),
			"password": tftypes.NewValue(tftypes.String, h.Password), "ca_file": tftypes.NewValue(tftypes.String, h.CAFile),
		})
		cfg := dataSourceConfig(b, srv, "sdwan_devices", nil)
		for b.Loop() {
			readDataSource(b, srv, "sdwan_devices", &cfg)
		}
	})
}
