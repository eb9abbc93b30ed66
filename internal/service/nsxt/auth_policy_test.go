package nsxt_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

const policyRes = "nsx_auth_policy.this"

// The auth policy holds on every node, each written through its own session; the lockout
// change restarts each node's HTTP service once, and the provider logs in again to that node
// only. A node changed behind Terraform's back shows in the plan under its own address, and
// the apply writes that node alone. An import plans nothing.
func TestAuthPolicy_everyNode(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	restart := 300
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	hosts := h.Hosts()
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_auth_policy" "this" {
  api_max_auth_failures   = 3
  cli_max_auth_failures   = 3
  minimum_password_length = 15
}`
	onEveryNode := func(field string, want int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for i := range hosts {
				if got := h.Fake.Object(fakensxt.AuthPolicyPath, i)[field]; got != want {
					return fmt.Errorf("node %d holds %s = %v, want %d", i, field, got, want)
				}
			}
			return nil
		}
	}
	var writesBefore int64
	runs := acctest.NewRuns(t, false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: runs.Factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(onEveryNode("api_max_auth_failures", 3), onEveryNode("minimum_password_length", 15),
					func(*terraform.State) error {
						s := h.Stats(t)
						for i := range hosts {
							if s[fmt.Sprintf("restarts_node_%d", i)] != 1 {
								return fmt.Errorf("want one restart of each node, fake says %v", s)
							}
						}
						return nil
					}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyRes, tfjsonpath.New("id"), knownvalue.StringExact("auth_policy")),
					statecheck.ExpectKnownValue(policyRes, tfjsonpath.New("nodes"), knownvalue.MapSizeExact(3)),
					statecheck.ExpectKnownValue(policyRes, tfjsonpath.New("nodes").AtMapKey(hosts[2]).AtMapKey("api_max_auth_failures"), knownvalue.Int64Exact(3)),
					// Not configured: the manager's value.
					statecheck.ExpectKnownValue(policyRes, tfjsonpath.New("hash_algorithm"), knownvalue.StringExact("sha512")),
				},
			},
			{
				// Someone changes node 2 on its own CLI.
				PreConfig: func() {
					h.Fake.SetObjectField(fakensxt.AuthPolicyPath, 1, "minimum_password_length", int64(12))
					writesBefore = h.Stats(t)["object_writes "+fakensxt.AuthPolicyPath]
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyRes, tfjsonpath.New("nodes").AtMapKey(hosts[1]).AtMapKey("minimum_password_length"), knownvalue.Int64Exact(15)),
					plancheck.ExpectKnownValue(policyRes, tfjsonpath.New("nodes").AtMapKey(hosts[0]).AtMapKey("minimum_password_length"), knownvalue.Int64Exact(15)),
					plancheck.ExpectKnownValue(policyRes, tfjsonpath.New("minimum_password_length"), knownvalue.Int64Exact(15)),
				}},
				Check: resource.ComposeTestCheckFunc(onEveryNode("minimum_password_length", 15), func(*terraform.State) error {
					if n := h.Stats(t)["object_writes "+fakensxt.AuthPolicyPath] - writesBefore; n != 1 {
						return fmt.Errorf("want the drifted node written alone, %d writes", n)
					}
					return nil
				}),
			},
			{
				ResourceName: policyRes, ImportState: true, ImportStateId: "node_settings",
				ExpectError: regexp.MustCompile(`import it with the id\s+"auth_policy"`),
			},
		},
	})
	// A matching configuration plans nothing after an import.
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: runs.Factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: policyRes, ImportState: true, ImportStateId: "auth_policy", ImportStatePersist: true},
			{Config: cfg, PlanOnly: true},
		},
	})
	runs.CloseAll()
	// The three restarts ended a session each on the manager's side; every other session was
	// logged out, and each restarted node cost one new login.
	if s := h.Stats(t); s["active_sessions"] != 0 || s["logins"] != s["logouts"]+s["restarts"] || s["failed_logins"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
	if st := runs.Stats(); st.Relogins != 3 {
		t.Fatalf("want one new login per restarted node, got %+v", st)
	}
}

// Values outside NSX's documented ranges, and a minimum above the maximum, are refused at
// plan time on the attribute, and nothing reaches the manager.
func TestAuthPolicy_invalid(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cases := []struct{ body, want string }{
		{`api_max_auth_failures = 51`, `Attribute api_max_auth_failures value must be between 0 and 50`},
		{`api_failed_auth_lockout_period = 9001`, `Attribute api_failed_auth_lockout_period value must be between 0 and 9000`},
		{`minimum_password_length = 7`, `Attribute minimum_password_length value must be between 8 and 128`},
		{`minimum_password_length = 20
  maximum_password_length = 16`, `(?s)Minimum Password Length Above the Maximum.*minimum_password_length \(20\)`},
		{`hash_algorithm = "md5"`, `Attribute hash_algorithm value must be one of`},
		{`upper_chars = -129`, `Attribute upper_chars value must be between -128 and 128`},
		{`api_max_auth_failures = 2.5`, `(?s)Not a Whole Number.*api_max_auth_failures takes a whole number; 2.5 is not one`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fakeharness.Provider(h.NSXTBlock()) + "resource \"nsx_auth_policy\" \"this\" {\n  " + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.Factories(t), Steps: steps})
	if s := h.Stats(t); s["requests"] != 0 {
		t.Fatalf("invalid configurations reached the manager: %v", s)
	}
}
