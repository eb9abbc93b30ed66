package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

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
