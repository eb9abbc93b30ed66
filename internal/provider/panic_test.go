package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// panicky is a framework server whose reads and applies panic, the way a nil reaching a
// *Must constructor did.
type panicky struct {
	tfprotov6.ProviderServer
	calls int
}

func (p *panicky) ReadResource(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	p.calls++
	var values []int
	return nil, fmt.Errorf("unreachable: %d", values[p.calls]) // out of range: panics
}

func (p *panicky) ApplyResourceChange(context.Context, *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	p.calls++
	panic("secret-token-123 reached a Must constructor")
}

func TestPanicInAnRPCIsOneErrorAndTheServerServesOn(t *testing.T) {
	t.Parallel()
	pool := session.NewPool()
	inner := &panicky{}
	srv := &maskingServer{inner: inner, pool: pool, provider: &nsxProvider{table: DefaultManagers}}
	prior := &tfprotov6.DynamicValue{JSON: []byte(`{"id":"a"}`)}

	for i := range 2 { // the second call proves the server still serves
		resp, err := srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "nsx_snmp", CurrentState: prior, Private: []byte("p")})
		if err != nil || resp == nil {
			t.Fatalf("call %d: %v, %v", i, resp, err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
			t.Fatalf("call %d: want one error, got %+v", i, resp.Diagnostics)
		}
		d := resp.Diagnostics[0]
		if d.Summary != "Provider Bug" || !strings.Contains(d.Detail, "ReadResource of nsx_snmp") || !strings.Contains(d.Detail, "has a bug") {
			t.Fatalf("the error does not say a bug in which operation of which type: %q %q", d.Summary, d.Detail)
		}
		if resp.NewState != prior || string(resp.Private) != "p" {
			t.Fatalf("the state given is not left as it was: %v %q", resp.NewState, resp.Private)
		}
	}
	resp, err := srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{TypeName: "nsx_node_user", PriorState: prior})
	if err != nil || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "ApplyResourceChange of nsx_node_user") {
		t.Fatalf("apply: %+v, %v", resp, err)
	}
	if resp.NewState != prior {
		t.Fatal("an apply that panicked must leave the prior state")
	}
	// A data source's read, which goes around the framework where it can (readDirect): here
	// that path panics (its index of types asks this server for a schema it lacks).
	dresp, err := srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "nsx_segments"})
	if err != nil || len(dresp.Diagnostics) != 1 || !strings.Contains(dresp.Diagnostics[0].Detail, "ReadDataSource of nsx_segments") {
		t.Fatalf("data source read: %+v, %v", dresp, err)
	}
	if inner.calls != 3 {
		t.Fatalf("%d calls reached the framework's server, want 3", inner.calls)
	}
}
