package nsxt_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
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

// Role bindings: one is created, changed and recreated when someone deletes it; a built-in
// binding is imported by type and name; the data source shows every binding with the display
// names the STIG's check compares.
func TestRoleBindings(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2})
	binding := func(roles string) string {
		return fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_role_binding" "jdoe" {
  name                 = "jdoe@corp.example.com"
  type                 = "remote_user"
  identity_source_type = "LDAP"
  roles_for_paths      = ` + roles + `
}
data "nsx_role_bindings" "all" {
  depends_on = [nsx_role_binding.jdoe]
}`
	}
	find := func(name string) (string, map[string]any) {
		for id, b := range h.Fake.Bindings() {
			if b["name"] == name {
				return id, b
			}
		}
		return "", nil
	}
	acctest.Test(t, []resource.TestStep{
		{
			Config: binding(`{ "/" = ["auditor"], "/orgs/default/projects/web" = ["project_admin"] }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_role_bindings.all", tfjsonpath.New("roles").AtMapKey("admin"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Enterprise Admin")})),
				statecheck.ExpectKnownValue("data.nsx_role_bindings.all", tfjsonpath.New("roles").AtMapKey("jdoe@corp.example.com"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Auditor")})),
				statecheck.ExpectKnownValue("data.nsx_role_bindings.all", tfjsonpath.New("bindings"), knownvalue.ListSizeExact(5)),
			},
		},
		{
			Config: binding(`{ "/" = ["auditor", "network_op"] }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("nsx_role_binding.jdoe", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				if _, b := find("jdoe@corp.example.com"); b == nil || fmt.Sprint(b["roles_for_paths"]) != "[{/ [{auditor Auditor} {network_op Network Operator}]}]" {
					return fmt.Errorf("the manager holds %v", b)
				}
				return nil
			},
		},
		{
			// Deleted behind Terraform's back: planned again.
			PreConfig: func() {
				id, _ := find("jdoe@corp.example.com")
				h.DeleteOutside(t, "/policy/api/v1/aaa/role-bindings/"+id)
			},
			Config: binding(`{ "/" = ["auditor", "network_op"] }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("nsx_role_binding.jdoe", plancheck.ResourceActionCreate),
			}},
		},
		{
			Config:      binding(`{ "/" = ["superuser"] }`),
			ExpectError: regexp.MustCompile(`Role\s+superuser\s+does\s+not\s+exist`),
		},
	})
	audit := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_role_binding" "audit" {
  name            = "audit"
  type            = "local_user"
  roles_for_paths = { "/" = ["auditor"] }
}`
	acctest.Test(t, []resource.TestStep{
		{Config: audit, ResourceName: "nsx_role_binding.audit", ImportState: true, ImportStateId: "local_user/audit", ImportStatePersist: true},
		{Config: audit, PlanOnly: true},
		{Config: audit, ResourceName: "nsx_role_binding.audit", ImportState: true, ImportStateVerify: true},
	})
	// Destroy deletes what the resource manages, an imported binding too.
	if _, b := find("audit"); b != nil {
		t.Fatalf("destroy left the binding: %v", b)
	}
}

// The banner is written byte for byte (the DoD notice's blank line included) where NSX takes
// it, and reads back where the STIG's check reads it; an import plans nothing.
func TestLoginBanner(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	content := "You are accessing a U.S. Government (USG) Information System (IS).\n\nBy using this IS, you consent:\n-The USG monitors.\n"
	cfg := fakeharness.Provider(h.NSXTBlock()) + fmt.Sprintf(`
resource "nsx_login_banner" "dod" {
  login_banner_title         = "Standard Mandatory DoD Notice and Consent Banner"
  login_banner_content       = %q
  login_banner_status        = true
  login_banner_checkbox_flag = true
}`, content)
	acctest.Test(t, []resource.TestStep{
		{
			Config: cfg,
			Check: func(*terraform.State) error {
				if got := h.Fake.Object(fakensxt.BannerWritePath, 0)["login_banner_content"]; got != content {
					return fmt.Errorf("the manager holds %q", got)
				}
				return nil
			},
		},
		{
			Config: cfg, ResourceName: "nsx_login_banner.dod", ImportState: true, ImportStateId: "login_banner",
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts", "write_path"}, // known again at the next write
		},
	})
	var shown map[string]any
	h.CallAs(t, http.MethodGet, fakensxt.BannerPath, &shown)
	if shown["login_banner_content"] != content || shown["login_banner_status"] != true {
		t.Fatalf("where the STIG reads it: %v", shown)
	}
}

// The node settings hold on every node; a time zone NSX would not know is refused at plan
// time.
func TestNodeSettings(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_node_settings" "this" {
  cli_timeout = 300
  timezone    = "Etc/UTC"
}`
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`resource "nsx_node_settings" "this" { timezone = "utc+1" }`, regexp.MustCompile(`must be an IANA time zone name`)),
		{
			Config: cfg,
			Check: func(*terraform.State) error {
				for i := range 3 {
					if o := h.Fake.Object(fakensxt.NodePath, i); o["cli_timeout"] != int64(300) || o["timezone"] != "Etc/UTC" {
						return fmt.Errorf("node %d holds %v", i, o)
					}
				}
				return nil
			},
		},
		{Config: cfg, ResourceName: "nsx_node_settings.this", ImportState: true, ImportStateId: "node_settings", ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"timeouts"}},
	})
}

func userList(t *testing.T, h *fakeharness.NSXT) []map[string]any {
	var out struct {
		Results []map[string]any `json:"results"`
	}
	h.CallAs(t, http.MethodGet, "/api/v1/node/users", &out)
	return out.Results
}

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
	runs.Test(t, []resource.TestStep{
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
	})
	// A matching configuration plans nothing after an import.
	runs.Test(t, []resource.TestStep{
		{Config: cfg, ResourceName: policyRes, ImportState: true, ImportStateId: "auth_policy", ImportStatePersist: true},
		{Config: cfg, PlanOnly: true},
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
		{`cli_max_auth_failures = 11`, `Attribute cli_max_auth_failures value must be between 0 and 10`},
		{`max_repeats = -1`, `Attribute max_repeats value must be at least 0`},
		{`api_max_auth_failures = 2.5`, `(?s)Not a Whole Number.*api_max_auth_failures takes a whole number; 2.5 is not one`},
	}
	refusedAtPlan(t, h, "nsx_auth_policy", cases)
}

// refusedAtPlan plans each case's body as a typeName resource and wants its error; none of
// them may reach the manager.
func refusedAtPlan(t *testing.T, h *fakeharness.NSXT, typeName string, cases []struct{ body, want string }) {
	t.Helper()
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+"resource \""+typeName+"\" \"this\" {\n  "+c.body+"\n}\n", regexp.MustCompile(c.want)))
	}
	acctest.Test(t, steps)
	if s := h.Stats(t); s["requests"] != 0 {
		t.Fatalf("invalid configurations reached the manager: %v", s)
	}
}

// With the STIG's lockout (3 failures) on every node, a pipeline's wrong password costs one
// failed attempt per node, however many runs it starts: the session cache keeps the refusal
// for the node's own lockout period, learnt from its auth policy. Three wrong passwords
// from elsewhere lock the account on that node, and the provider's runs then add no attempt
// of their own on top.
func TestLockout_pipelineNeverLocksItsAccount(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2})
	cacheDir := privateDir(t)
	cache := fmt.Sprintf(`session_cache = true
  session_cache_dir = %q`, cacheDir)
	acctest.Test(t, []resource.TestStep{{
		Config: fakeharness.Provider(h.NSXTBlock(), cache) + `
resource "nsx_auth_policy" "stig" {
  api_max_auth_failures          = 3
  api_failed_auth_lockout_period = 1200
}`,
	}})
	wrong := *h
	wrong.Password = "Not-The-Password-1!"
	readVersion := fakeharness.Provider(wrong.NSXTBlock(), cache) + `
data "nsx_version" "v" {}`
	steps := []resource.TestStep{}
	for range 4 {
		steps = append(steps, acctest.RefusedAtPlan(readVersion, regexp.MustCompile(`refused the login`)))
	}
	acctest.Test(t, steps)
	if s := h.Stats(t); s["failed_logins"] != 1 || s["lockouts"] != 0 {
		t.Fatalf("want one failed attempt for four runs and no lockout, fake says %v", s)
	}
	if h.Fake.Locked(0, "admin") {
		t.Fatal("the provider's runs locked the account")
	}

	// Someone else gets the password wrong three times on node 0: the account is locked there.
	for range 3 {
		if status := h.LoginOutside(t, 0, "admin", "Guessing-1!"); status != http.StatusForbidden {
			t.Fatalf("a wrong password answered %d", status)
		}
	}
	if !h.Fake.Locked(0, "admin") {
		t.Fatal("three failures did not lock the account under the STIG's policy")
	}
	// A run with the right password meets the lock once, and later runs of the pipeline send
	// nothing while it lasts.
	before := h.Stats(t)["failed_logins"]
	// A fresh cache, so that no session of the first run is found there.
	right := fakeharness.Provider(h.NSXTBlock(), fmt.Sprintf("session_cache = true\n  session_cache_dir = %q", privateDir(t))) + `
data "nsx_version" "v" {}`
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(right, regexp.MustCompile(`refused the login`)),
		acctest.RefusedAtPlan(right, regexp.MustCompile(`(?s)refused the login.*not\s+sent\s+again`)),
	})
	if n := h.Stats(t)["failed_logins"] - before; n != 1 {
		t.Fatalf("want one attempt against the locked account, %d were sent", n)
	}
}

// privateDir is a directory only its owner may read, as the session cache requires.
func privateDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

const res = "nsx_api_service_config.this"

func TestAPIServiceConfig_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout       = 1200
  client_api_rate_limit = 80
  protocol_versions     = { "TLSv1.3" = true }
  cipher_suites         = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("reverse_proxy_config")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(1200)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("client_api_rate_limit"), knownvalue.Int64Exact(80)),
					// Not configured: the manager's value is recorded.
					statecheck.ExpectKnownValue(res, tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_protocol_versions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"TLSv1.1": knownvalue.Bool(true), "TLSv1.2": knownvalue.Bool(true), "TLSv1.3": knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites"), knownvalue.MapSizeExact(13)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					c := h.Config()
					if c.SessionTimeout != 1200 || c.ClientAPIRateLimit != 80 {
						return fmt.Errorf("manager holds session_timeout=%d client_api_rate_limit=%d", c.SessionTimeout, c.ClientAPIRateLimit)
					}
					if on, _ := h.Enabled("TLS_RSA_WITH_AES_128_CBC_SHA"); on {
						return fmt.Errorf("cipher suite still enabled on the manager")
					}
					return nil
				},
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout       = 900
  client_api_rate_limit = 80
  redirect_host         = "nsx.example.com"
  lockout_immune_addresses = ["10.0.0.5", "2001:db8::1"]
  protocol_versions     = { "TLSv1.3" = true }
  cipher_suites         = { TLS_RSA_WITH_AES_128_CBC_SHA = true, TLS_RSA_WITH_AES_256_CBC_SHA = false }
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(900)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("redirect_host"), knownvalue.StringExact("nsx.example.com")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("lockout_immune_addresses"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateId:     "reverse_proxy_config",
				ImportStateVerify: true,
				// Which names a configuration manages is not recorded on the manager.
				ImportStateVerifyIgnore: []string{"protocol_versions", "cipher_suites"},
			},
			{
				ResourceName:  res,
				ImportState:   true,
				ImportStateId: "something_else",
				ExpectError:   regexp.MustCompile(`import it with the id\s+"reverse_proxy_config"`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Destroy leaves the manager's settings in place.
			if c := h.Config(); c.SessionTimeout != 900 || c.RedirectHost != "nsx.example.com" {
				return fmt.Errorf("destroy changed the manager: session_timeout=%d redirect_host=%q", c.SessionTimeout, c.RedirectHost)
			}
			return nil
		},
	})
	if s := h.Stats(t); s["active_sessions"] != 0 || s["logins"] != s["logouts"] || s["failed_logins"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
}

// Changes made outside Terraform show in the next plan and are put right by apply.
func TestAPIServiceConfig_drift(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1500
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`
	acctest.Test(t, []resource.TestStep{
		{Config: cfg},
		{
			PreConfig: func() {
				h.ChangeOutside(t, func(o map[string]any) {
					o["session_timeout"] = 600
					o["cipher_suites"] = []map[string]any{{"name": "TLS_RSA_WITH_AES_128_CBC_SHA", "enabled": true}}
				})
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(1500)),
			}},
			Check: func(*terraform.State) error {
				if c := h.Config(); c.SessionTimeout != 1500 {
					return fmt.Errorf("drift not corrected: session_timeout=%d", c.SessionTimeout)
				}
				if on, _ := h.Enabled("TLS_RSA_WITH_AES_128_CBC_SHA"); on {
					return fmt.Errorf("drift not corrected: cipher suite enabled")
				}
				return nil
			},
		},
		{
			// A name the configuration does not manage may change freely: no diff.
			PreConfig: func() {
				h.ChangeOutside(t, func(o map[string]any) {
					o["cipher_suites"] = []map[string]any{{"name": "TLS_RSA_WITH_AES_256_CBC_SHA", "enabled": false}}
				})
			},
			Config:   cfg,
			PlanOnly: true,
		},
	})
}

// Bad input is rejected at plan time with the attribute named, and nothing reaches the manager.
func TestAPIServiceConfig_invalid(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cases := []struct{ body, want string }{
		{`session_timeout = -1`, `Attribute session_timeout value must be between 0 and 2147483647, got: -1`},
		// Issue 22: a fraction is an attribute error, not the framework's "always an error in the provider".
		{`session_timeout = 1.5`, `(?s)Not a Whole Number.*session_timeout takes a whole number; 1.5 is not one`},
		{`connection_timeout = 2147483648`, `Attribute connection_timeout value must be between`},
		{`client_api_rate_limit = -5`, `Attribute client_api_rate_limit value must be between`},
		{`global_api_concurrency_limit = -1`, `Attribute global_api_concurrency_limit value must be between`},
		{`client_api_concurrency_limit = -1`, `Attribute client_api_concurrency_limit value must be between`},
		{`redirect_host = "bad host!"`, `Attribute redirect_host must be a host name`},
		{`lockout_immune_addresses = ["10.0.0.300"]`, `"10.0.0.300" is not an IPv4 or IPv6 address`},
		{`protocol_versions = { "TLSv9" = true }`, `protocol_versions`},
		{`cipher_suites = { TLS_MADE_UP = true }`, `cipher_suites`},
		{`protocol_versions = { "TLSv1.1" = false, "TLSv1.2" = false, "TLSv1.3" = false }`, `protocol_versions disables every name`},
		{`basic_authentication_enabled = false
  cookie_based_authentication_enabled = false`, `(?s)Every Authentication Method Disabled.*cookie_based_authentication_enabled`},
	}
	refusedAtPlan(t, h, "nsx_api_service_config", cases)
}

// What only the manager can tell (which names it offers, what the rest of its list holds) is
// checked before anything is written: at plan time, against the state's lists or, on create,
// against the lists the plan reads from the manager; and again before the PUT.
func TestAPIServiceConfig_rejectedAgainstManager(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	acctest.Test(t, []resource.TestStep{
		{
			// A known TLS 1.3 suite name this manager does not offer.
			Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { cipher_suites = { TLS_AES_128_GCM_SHA256 = true } }`,
			ExpectError: regexp.MustCompile(`(?s)Error running pre-apply plan.*does not offer\s+TLS_AES_128_GCM_SHA256`),
		},
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { session_timeout = 1700 }`,
		},
		{
			Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { protocol_versions = { "TLSv1.1" = false, "TLSv1.2" = false } }`,
			ExpectError: regexp.MustCompile(`no entry of protocol_versions would\s+be\s+enabled`),
		},
	})
	if s := h.Stats(t); s["config_writes"] != 1 || s["rejected_writes"] != 0 {
		t.Fatalf("want exactly 1 write (session_timeout) and none rejected, fake says %v", s)
	}
}

// The import of issue 22: a manager with TLS 1.1 and one CBC suite off, a configuration that
// says so, an import, and a plan that changes nothing (no revision to come, no PUT, no
// restart of the API service).
func TestAPIServiceConfig_importMatchingPlansNothing(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	h.ChangeOutside(t, func(c map[string]any) {
		c["session_timeout"] = 1200
		for _, list := range []string{"protocol_versions", "cipher_suites"} {
			for _, e := range c[list].([]any) {
				m := e.(map[string]any)
				if m["name"] == "TLSv1.1" || m["name"] == "TLS_RSA_WITH_AES_128_CBC_SHA" {
					m["enabled"] = false
				}
			}
		}
	})
	writes := h.Stats(t)["config_writes"]
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout   = 1200
  protocol_versions = { "TLSv1.1" = false }
  cipher_suites     = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`
	acctest.Test(t, []resource.TestStep{
		{Config: cfg, ResourceName: res, ImportState: true, ImportStateId: "reverse_proxy_config", ImportStatePersist: true},
		{Config: cfg, PlanOnly: true},
	})
	if s := h.Stats(t); s["config_writes"] != writes {
		t.Fatalf("the import and plan wrote: %v", s)
	}
}

// A manager is wider than what the resource models: display_name, tags and a field of a newer
// release survive create, update, a 412 retry and the restart wait; description and tags are
// managed only where configured.
func TestAPIServiceConfig_keepsWhatItDoesNotModel(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	h.ChangeOutside(t, fakeharness.OwnedByNetops)
	kept := func(description string, tags int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			c := h.Config()
			if c.DisplayName != "proxy settings" || c.Description != description || len(c.Tags) != tags {
				return fmt.Errorf("manager lost fields: display_name=%q description=%q tags=%v", c.DisplayName, c.Description, c.Tags)
			}
			extra, _ := json.Marshal(c.Extra["future_setting"])
			if string(extra) != `{"level":3,"mode":"strict"}` {
				return fmt.Errorf("manager lost future_setting: %s", extra)
			}
			var put map[string]any
			if err := json.Unmarshal(h.Fake.LastPut(), &put); err != nil {
				return err
			}
			for k := range put {
				if k != "_revision" && k[0] == '_' {
					return fmt.Errorf("the PUT carried the read-only field %s", k)
				}
			}
			return nil
		}
	}
	restart, stale := 300, 1
	acctest.Test(t, []resource.TestStep{
		{
			PreConfig: func() {
				// Someone writes between our read and our write (412), and every write
				// restarts the API service.
				h.Faults(t, fakemanager.Faults{ConcurrentWrites: &stale, RestartMS: &restart})
			},
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
}`,
			Check: resource.ComposeTestCheckFunc(kept("owned by netops", 1), func(*terraform.State) error {
				if s := h.Stats(t); s["stale_revisions"] != 1 || s["restarts"] != 1 {
					return fmt.Errorf("want one 412 and one restart, fake says %v", s)
				}
				return nil
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("description"), knownvalue.StringExact("owned by netops")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"scope": knownvalue.StringExact("owner"), "tag": knownvalue.StringExact("netops")}),
				})),
			},
		},
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 900
}`,
			Check: kept("owned by netops", 1),
		},
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 900
  description     = "managed by terraform"
  tags            = [{ scope = "owner", tag = "netops" }, { tag = "prod" }]
}`,
			Check: kept("managed by terraform", 2),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.SetSizeExact(2)),
			},
		},
	})
}

// Changing one attribute plans the effective maps from state with the configured names
// applied, instead of "(known after apply)".
func TestAPIServiceConfig_planShowsEffectiveMaps(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	acctest.Test(t, []resource.TestStep{
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
		},
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 600
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites"), knownvalue.MapSizeExact(13)),
				plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(false)),
				plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_protocol_versions"), knownvalue.MapSizeExact(3)),
				plancheck.ExpectUnknownValue(res, tfjsonpath.New("revision")),
			}},
		},
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 600
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = true, TLS_RSA_WITH_AES_256_CBC_SHA = false }
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(true)),
				plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
			},
		},
	})
}

// A name the provider knows but this manager does not offer is refused at plan time, for a
// create too (the plan reads the manager's lists), and nothing is written. The error names
// the manager's release, and on NSX 4.x says that a TLS 1.3 suite is the VCF 9 STIG's.
func TestAPIServiceConfig_unofferedNameAtPlan(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	tls13 := strings.ReplaceAll(`(?s)Name Not Offered by the Manager.*manager \(NSX 4\.2\.1\.0\.0\.24304122\) does not offer TLS_CHACHA20_POLY1305_SHA256`+
		`.*TLS 1\.3 suite, which the VCF 9 \(NSX 9\.x\) STIG configures; this NSX 4\.2\.1\.0\.0\.24304122 manager lists no TLS 1\.3 suite\. On NSX 4\.x leave it out`, " ", `\s+`)
	cfg := func(body string) string {
		return fakeharness.Provider(h.NSXTBlock()) + "resource \"nsx_api_service_config\" \"this\" {\n" + body + "\n}\n"
	}
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(cfg(`cipher_suites = { TLS_CHACHA20_POLY1305_SHA256 = true }`), regexp.MustCompile(tls13)),
		{Config: cfg(`session_timeout = 1700`)},
		// An update is checked against the state's lists, with the same words.
		acctest.RefusedAtPlan(cfg("session_timeout = 1700\ncipher_suites = { TLS_CHACHA20_POLY1305_SHA256 = true }"), regexp.MustCompile(tls13)),
	})
	if s := h.Stats(t); s["config_writes"] != 1 {
		t.Fatalf("want only the session_timeout written: %v", s)
	}
}

// Issue 21: an auditor's PUT is refused with 403 and NSX's permission error, which is no
// session error: the write is sent once, not replayed after a new login, and the error
// says what NSX said.
func TestPermissionDeniedWriteNotReplayed(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	block := fmt.Sprintf("nsxt {\n    hosts    = [%q]\n    username = \"audit\"\n    password = \"Aud1t-Fake-Pass!\"\n    ca_file  = %q\n  }", h.Hosts()[0], h.CAFile)
	acctest.Test(t, []resource.TestStep{{
		Config:      fakeharness.Provider(block) + `resource "nsx_api_service_config" "this" { session_timeout = 1700 }`,
		ExpectError: regexp.MustCompile(`(?s)HTTP 403 \(error_code 401.*does not have permission`),
	}})
	s := h.Stats(t)
	if s["permission_refusals"] != 1 || s["logins"] != s["logouts"] || s["config_writes"] != 0 {
		t.Fatalf("want the refused PUT sent once and no new login for it: %v", s)
	}
}
