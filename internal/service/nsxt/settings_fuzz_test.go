package nsxt

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Whatever a manager answers for any declared object, the state built from it never holds a
// nil value (which a *Must constructor would panic on) and never panics; a value it cannot
// take is an error naming the attribute, never text of Go's.
func FuzzSettingsState(f *testing.F) {
	for _, seed := range []string{
		`{"_revision":3,"session_timeout":1e300,"protocol_versions":null}`,
		`{"service_properties":{"v3_targets":[{"server":"a","port":"oops"}],"servers":[1]},"_revision":"x"}`,
		`{"backup_schedule":"weekly","remote_file_server":{"port":1.5}}`,
		`{"api_max_auth_failures":-1,"minimum_password_length":true,"fips":{"lb_fips_enabled":"yes"}}`,
		`{}`, `{"tags":[{"scope":1}],"cipher_suites":[{"name":null,"enabled":"1"}]}`,
	} {
		for i := range declared {
			f.Add([]byte(seed), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		d := declared[int(which)%len(declared)]
		doc, err := nsxtapi.DocumentOf(d.object, &session.Response{StatusCode: 200, Body: body, Node: "https://nsx-01.example.com"})
		if err != nil {
			return
		}
		ctx := context.Background()
		var diags diag.Diagnostics
		docs := map[string]*nsxtapi.Document{"": doc}
		if d.object.Scope == nsxtapi.Node {
			docs = map[string]*nsxtapi.Document{"https://nsx-01.example.com": doc, "https://nsx-02.example.com": doc}
		}
		next := d.stateFrom(ctx, docs, values{}, nil, values{}, &diags)
		for _, e := range diags.Errors() {
			if strings.Contains(e.Detail(), "json: ") || strings.Contains(e.Detail(), "Go struct") {
				t.Fatalf("an error quotes Go: %s", e.Detail())
			}
		}
		if diags.HasError() {
			return
		}
		for _, f := range d.fields {
			if v, ok := next[f.name]; ok && v == nil {
				t.Fatalf("%s: %s is nil", d.typeName, f.name)
			}
		}
		if d.object.Scope == nsxtapi.Node {
			if m, ok := next[attrNodes].(types.Map); !ok || len(m.Elements()) != 2 {
				t.Fatalf("%s: nodes %v", d.typeName, next[attrNodes])
			}
		}
	})
}

// Every settings object whose destroy contacts nothing says so in a warning, as a user who
// destroys it expects to hear what became of the manager's settings.
func TestEverySettingsDestroySaysWhatItLeaves(t *testing.T) {
	t.Parallel()
	for _, d := range declared {
		if d.reset == nil && d.destroyNote == "" {
			t.Errorf("%s: a destroy that leaves the manager's settings says nothing (destroyNote)", d.typeName)
		}
	}
}
