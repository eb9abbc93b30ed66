package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	wrapper := reflect.TypeOf(&maskingServer{})
	it := reflect.TypeOf(inner)
	rpcs := 0
	for i := 0; i < it.NumMethod(); i++ {
		m := it.Method(i)
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
