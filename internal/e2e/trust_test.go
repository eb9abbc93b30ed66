package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// goText is what a message must never quote: Go's decoder, Go types.
var goText = regexp.MustCompile(`json: |Go struct|Go value|int64|float64|map\[string\]`)

// An answer of the wrong type, out of range, null or missing neither crashes the plugin nor
// stays in the state: the refresh fails with one error per answer naming the object, the
// field path and the node (or, for null and missing fields, records what was answered), and
// once the manager answers correctly again the plan is empty.
func TestOddAnswersNeitherCrashNorStay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		example, path string
		nodes         int // nodes the object is read on: errors expected
		// alter makes the odd answer from the object as NSX answered it.
		alter func(o map[string]any) string
		// want is in every error; "" when the answer is no error.
		want string
	}{
		{"nsx_snmp", "/api/v1/node/services/snmp", 3, func(o map[string]any) string {
			props := o["service_properties"].(map[string]any)
			targets := props["v3_targets"].([]any)
			targets[0].(map[string]any)["port"] = "oops"
			return marshalAny(o)
		}, `v3_targets[0].port is "oops" where a whole number`},
		{"nsx_api_service_config", "/api/v1/cluster/api-service", 1, func(o map[string]any) string {
			o["session_timeout"] = 424242
			return strings.Replace(marshalAny(o), "424242", "1e300", 1)
		}, "session_timeout is 1e300 where a whole number"},
		{"nsx_backup_config", "/api/v1/cluster/backups/config", 1, func(o map[string]any) string {
			o["backup_schedule"] = "weekly"
			return marshalAny(o)
		}, `backup_schedule is "weekly" where an object`},
		{"nsx_api_service_config", "/api/v1/cluster/api-service", 1, func(o map[string]any) string {
			o["protocol_versions"] = nil
			delete(o, "cipher_suites")
			delete(o, "session_timeout")
			o["client_api_rate_limit"] = nil
			return marshalAny(o)
		}, ""},
		{"nsx_ntp", "/api/v1/node/services/ntp", 3, func(o map[string]any) string {
			o["service_properties"] = nil
			return marshalAny(o)
		}, ""},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.example, i), func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
			w := newWorkspace(t, h, resourceExample(t, c.example))
			w.terraform(exampleVars, "apply", "-auto-approve", "-input=false")

			var o map[string]any
			h.CallAs(t, http.MethodGet, c.path, &o)
			h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{
				Status: http.StatusOK, Count: 1000, PathPrefix: c.path, Method: http.MethodGet,
				Body: c.alter(o), ContentType: "application/json",
			}}})
			out, err := w.run(exampleVars, "apply", "-refresh-only", "-auto-approve", "-input=false")
			if strings.Contains(out, "Plugin did not respond") || strings.Contains(out, "panic") {
				t.Fatalf("the plugin crashed on the answer:\n%s", out)
			}
			if goText.MatchString(out) {
				t.Fatalf("a message quotes Go:\n%s", out)
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("null or missing fields are an answer, not an error: %v\n%s", err, out)
				}
			} else {
				if err == nil {
					t.Fatalf("the refresh took an answer it cannot read:\n%s", out)
				}
				flat := strings.Join(strings.Fields(out), " ")
				if n := strings.Count(out, "Unexpected NSX Answer"); n != c.nodes {
					t.Fatalf("%d errors, want one per node read (%d):\n%s", n, c.nodes, out)
				}
				if strings.Count(flat, c.want) != c.nodes || !strings.Contains(flat, "GET "+c.path) {
					t.Fatalf("the errors do not say %q and %s:\n%s", c.want, c.path, out)
				}
				if c.nodes > 1 {
					for _, host := range h.Hosts() {
						if !strings.Contains(flat, "on node "+host) {
							t.Fatalf("no error names node %s:\n%s", host, out)
						}
					}
				}
			}
			h.Faults(t, fakemanager.Faults{Clear: true})
			// (The example's outputs may change: they were refreshed from the odd answer.)
			if changed := plannedChanges(t, w); len(changed) > 0 {
				t.Fatalf("with the manager answering correctly again, the plan changes %v", changed)
			}
		})
	}
}

// A setting another client changes on one node between the write and the read-back is
// warned about, naming that node and that attribute, and no other.
func TestTamperWarningNamesTheNodeAndField(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	restart := 200
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	w := newWorkspace(t, h, `
resource "nsx_auth_policy" "this" {
  api_max_auth_failures   = 3
  minimum_password_length = 15
}`)
	// Node 2's lockout change restarts its API; while it restarts, someone sets the length
	// there to 12.
	h.Fake.TamperAfterWrite(fakensxt.Tamper{Path: fakensxt.AuthPolicyPath, Node: 1, Field: "minimum_password_length", Value: 12})
	out := w.terraform(nil, "apply", "-auto-approve", "-input=false")
	flat := strings.Join(strings.Fields(out), " ")
	hosts := h.Hosts()
	if strings.Count(out, "Changed After the Write") != 1 || !strings.Contains(flat, "node "+hosts[1]) ||
		!strings.Contains(flat, "minimum_password_length: configured 15, the node now reports 12") {
		t.Fatalf("want one warning naming node %s and minimum_password_length:\n%s", hosts[1], out)
	}
	if strings.Contains(flat, "node "+hosts[0]) || strings.Contains(flat, "node "+hosts[2]) || strings.Contains(flat, "api_max_auth_failures:") {
		t.Fatalf("the warning names what nobody changed:\n%s", out)
	}
	if h.Stats(t)["tampered"] != 1 {
		t.Fatal("the fake did not change the node")
	}
	// The next plan shows it, on that node.
	if out := w.terraform(nil, "plan", "-input=false"); strings.Contains(out, "No changes.") {
		t.Fatalf("the change made behind the write is not planned:\n%s", out)
	}
}

// Destroying a local user's role says what happened to it: lowered where it was more than
// the least privilege, kept where it already was (the demo's audit user); never a lowering
// that did not happen.
func TestCLIUserRoleDestroySaysWhatHappened(t *testing.T) {
	t.Parallel()
	w, _ := exampleWorkspace(t, "nsxv_cli_user_role", resourceExample(t, "nsxv_cli_user_role"))
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	out := strings.Join(strings.Fields(w.terraform(nil, "destroy", "-auto-approve", "-input=false")), " ")
	if strings.Contains(out, "audit was lowered") || !strings.Contains(out, "audit keeps its role, already the least privilege (auditor on globalroot-0)") {
		t.Fatalf("the audit user's role was not lowered, and the warning must say so:\n%s", out)
	}
	if !strings.Contains(out, "fw-pipeline was lowered from security_admin to the least privilege, auditor on globalroot-0") {
		t.Fatalf("the firewall user's role was lowered, and the warning must say so:\n%s", out)
	}
}
