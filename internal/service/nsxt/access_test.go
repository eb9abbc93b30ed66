package nsxt_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// A built-in user is taken over and deactivated; a new user is created with a write-only
// password that never reaches the state, rotated with its version, and refused by the
// password policy with the rule named; destroy deletes the new user and leaves audit.
func TestNodeUser_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	const first, second, weak = "Ops-Passw0rd!first", "Ops-Passw0rd!second", "short1!A"
	users := `
variable "ops_password" {
  type      = string
  sensitive = true
}
variable "ops_version" {
  type = number
}
resource "nsx_node_user" "audit" {
  username = "audit"
  active   = false
}
resource "nsx_node_user" "ops" {
  username            = "ops"
  full_name           = "Operations"
  password_wo         = var.ops_password
  password_wo_version = var.ops_version
}`
	vars := func(pw string, version int) config.Variables {
		return config.Variables{"ops_password": config.StringVariable(pw), "ops_version": config.IntegerVariable(version)}
	}
	user := func(name string) map[string]any {
		var out map[string]any
		h.Call(t, http.MethodGet, "/_fake/stats", nil, &out) // the fake is up
		for _, u := range userList(t, h) {
			if u["username"] == name {
				return u
			}
		}
		return nil
	}
	noSecret := func(secrets ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			b, _ := json.Marshal(s)
			for _, secret := range secrets {
				if strings.Contains(string(b), secret) {
					return fmt.Errorf("the state holds a password")
				}
			}
			return nil
		}
	}
	cfg := fakeharness.Provider(h.NSXTBlock()) + users
	runs := acctest.NewRuns(t, false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: runs.Factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg, ConfigVariables: vars(first, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("nsx_node_user.audit", tfjsonpath.New("status"), knownvalue.StringExact("NOT_ACTIVATED")),
					statecheck.ExpectKnownValue("nsx_node_user.audit", tfjsonpath.New("userid"), knownvalue.Int64Exact(10002)),
					statecheck.ExpectKnownValue("nsx_node_user.ops", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue("nsx_node_user.ops", tfjsonpath.New("password_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(noSecret(first), func(*terraform.State) error {
					if h.LoginOutside(t, 2, "ops", first) != http.StatusOK || h.LoginOutside(t, 0, "audit", "Aud1t-Fake-Pass!") == http.StatusOK {
						return fmt.Errorf("ops cannot log in with its password, or audit still can")
					}
					return nil
				}),
			},
			{
				Config: cfg, ConfigVariables: vars(second, 2),
				Check: resource.ComposeTestCheckFunc(noSecret(first, second), func(*terraform.State) error {
					if h.LoginOutside(t, 1, "ops", second) != http.StatusOK {
						return fmt.Errorf("the rotated password does not log in")
					}
					return nil
				}),
			},
			{
				Config: cfg, ConfigVariables: vars(weak, 3),
				ExpectError: regexp.MustCompile(`(?s)Password Refused by the NSX Password Policy.*at least 12 characters`),
			},
			{
				// The refused rotation left the password as it was.
				Config: cfg, ConfigVariables: vars(second, 2),
				Check: func(*terraform.State) error {
					if h.LoginOutside(t, 0, "ops", second) != http.StatusOK {
						return fmt.Errorf("the password changed though NSX refused it")
					}
					return nil
				},
			},
		},
	})
	if user("ops") != nil {
		t.Fatal("destroy left the created user")
	}
	if u := user("audit"); u == nil || u["status"] != "NOT_ACTIVATED" {
		t.Fatalf("destroy changed the built-in audit user: %v", u)
	}
	runs.CloseAll()
	if s := h.Stats(t); s["active_sessions"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
}

// A built-in user imported plans nothing with a configuration that matches it; admin cannot
// be deactivated, and a user that exists already is an error that shows the import.
func TestNodeUser_importAndErrors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	guest := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_node_user" "guest" {
  username = "guestuser1"
  active   = false
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{Config: guest, ResourceName: "nsx_node_user.guest", ImportState: true, ImportStateId: "guestuser1", ImportStatePersist: true},
			{Config: guest, PlanOnly: true},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_node_user" "admin" {
  username = "admin"
  active   = false
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`admin Cannot Be Deactivated`),
			},
			{
				Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_node_user" "x" { username = "9lives" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must start with a letter`),
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_node_user" "guest2" {
  username = "guestuser2"
  active   = true
}`,
				ExpectError: regexp.MustCompile(`(?s)Password Needed to Activate the User.*password_wo`),
			},
		},
	})
}

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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
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
		},
	})
	audit := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_role_binding" "audit" {
  name            = "audit"
  type            = "local_user"
  roles_for_paths = { "/" = ["auditor"] }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{Config: audit, ResourceName: "nsx_role_binding.audit", ImportState: true, ImportStateId: "local_user/audit", ImportStatePersist: true},
			{Config: audit, PlanOnly: true},
			{Config: audit, ResourceName: "nsx_role_binding.audit", ImportState: true, ImportStateVerify: true},
		},
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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
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
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
			},
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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_node_settings" "this" { timezone = "utc+1" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must be an IANA time zone name`),
			},
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					for i := 0; i < 3; i++ {
						if o := h.Fake.Object(fakensxt.NodePath, i); o["cli_timeout"] != int64(300) || o["timezone"] != "Etc/UTC" {
							return fmt.Errorf("node %d holds %v", i, o)
						}
					}
					return nil
				},
			},
			{Config: cfg, ResourceName: "nsx_node_settings.this", ImportState: true, ImportStateId: "node_settings", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

func userList(t *testing.T, h *fakeharness.NSXT) []map[string]any {
	var out struct {
		Results []map[string]any `json:"results"`
	}
	h.CallAs(t, http.MethodGet, "/api/v1/node/users", &out)
	return out.Results
}
