package nsxv_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

const roleRes = "nsxv_cli_user_role.api"

func roleConfig(h *fakeharness.NSXV, user, role, scope string) string {
	s := ""
	if scope != "" {
		s = "\n  resource_ids = " + scope
	}
	return fakeharness.Provider(h.NSXVBlock()) + fmt.Sprintf(`
resource "nsxv_cli_user_role" "api" {
  provider = nsx
  user_id  = %q
  role     = %q%s
}`, user, role, s)
}

// wantRole checks the role the fake holds.
func wantRole(h *fakeharness.NSXV, user, role string, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, gotIDs, ok := h.Fake.Role(user)
		if !ok || got != role || strings.Join(gotIDs, ",") != strings.Join(ids, ",") {
			return fmt.Errorf("manager holds %q %v (ok=%v), want %q %v", got, gotIDs, ok, role, ids)
		}
		return nil
	}
}

// Create, change the role, change the scope, import, drift, destroy: the whole life of a role.
func TestCLIUserRole_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	runs := acctest.NewRuns(t, false)
	var writesBefore int64
	runs.Test(t, []resource.TestStep{
		{
			Config: roleConfig(h, "api", "auditor", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("id"), knownvalue.StringExact("api")),
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("role"), knownvalue.StringExact("auditor")),
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("resource_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("globalroot-0")})),
			},
			Check: wantRole(h, "api", "auditor", "globalroot-0"),
		},
		{
			Config: roleConfig(h, "api", "security_admin", `["datacenter-2", "edge-1"]`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleRes, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("role"), knownvalue.StringExact("security_admin")),
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("resource_ids"), knownvalue.SetSizeExact(2)),
			},
			Check: wantRole(h, "api", "security_admin", "datacenter-2", "edge-1"),
		},
		{
			// super_user takes no scope: none is sent.
			Config: roleConfig(h, "api", "super_user", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("role"), knownvalue.StringExact("super_user")),
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("resource_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("globalroot-0")})),
			},
			Check: wantRole(h, "api", "super_user"),
		},
		{
			ResourceName:      roleRes,
			ImportState:       true,
			ImportStateId:     "api",
			ImportStateVerify: true,
		},
		{
			// A user that does not exist is said so in the provider's words.
			ResourceName:  roleRes,
			ImportState:   true,
			ImportStateId: "nobody",
			ExpectError:   regexp.MustCompile(`(?s)NSX-v\s+User\s+Role\s+Not\s+Found.*no\s+user\s+nobody`),
		},
		{
			// Someone changes the role in the vSphere Web Client: the plan shows it.
			PreConfig:          func() { h.Fake.SetRole("api", "auditor", []string{"globalroot-0"}) },
			Config:             roleConfig(h, "api", "super_user", ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleRes, plancheck.ResourceActionUpdate),
			}},
		},
		{
			Config: roleConfig(h, "api", "super_user", ""),
			Check: func(s *terraform.State) error {
				writesBefore = h.Stats(t)["role_writes"]
				return wantRole(h, "api", "super_user")(s)
			},
		},
	})
	// Destroy asked NSX-v to delete the role; it keeps a local user's role, so the provider
	// lowered super_user to auditor (one write) and said so instead of failing.
	s := h.Stats(t)
	if s["refused_deletes"] != 1 || s["role_writes"] != writesBefore+1 || s["failed_logins"] != 0 {
		t.Fatalf("fake says %v", s)
	}
	if err := wantRole(h, "api", "auditor", "globalroot-0")(nil); err != nil {
		t.Fatalf("after destroy: %v", err)
	}
	st := runs.Stats()
	if st.FailedLogins != 0 || st.Relogins != 0 || s["logins"] > int64(runs.Processes()) {
		t.Fatalf("want at most one login per provider process (%d processes), provider counted %+v, fake %v", runs.Processes(), st, s)
	}
	t.Logf("lifecycle: %d provider processes, fake %v", runs.Processes(), s)
}

// The errors users meet, each explained.
func TestCLIUserRole_errors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.AddCLIUser(t, "ops", "Ops&Pass-1")
	h.Fake.SetRole("ops", "auditor", []string{"globalroot-0"})
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(roleConfig(h, "Api", "auditor", ""), regexp.MustCompile(`(?s)Upper-Case\s+Letters\s+in\s+an\s+NSX-v\s+User\s+Name.*console\s+refuses\s+them.*Use\s+"api"`)),
		acctest.RefusedAtPlan(roleConfig(h, "api", "network_admin", ""), regexp.MustCompile(`(?s)role\s+value\s+must\s+be\s+one\s+of`)),
		acctest.RefusedAtPlan(roleConfig(h, "api", "super_user", `["datacenter-2"]`), regexp.MustCompile(`(?s)Scope\s+Not\s+Accepted\s+for\s+This\s+Role`)),
		{
			Config:      roleConfig(h, "nobody", "auditor", ""),
			ExpectError: regexp.MustCompile(`(?s)No\s+CLI\s+user\s+nobody\s+exists.*user\s+nobody\s+password\s+plaintext.*user\s+nobody\s+privilege\s+web-interface`),
		},
		{
			Config:      roleConfig(h, "ops", "auditor", ""),
			ExpectError: regexp.MustCompile(`(?s)with nsxv_cli_user_role\.\w+.*ops\s+already\s+has\s+the\s+role\s+auditor.*importing\s+it\s+into\s+this\s+resource,\s+with\s+the\s+id\s+"ops"`),
		},
		{
			// 6.4 refuses legacy roles for CLI users: the plan warned, the manager says why.
			Config:      roleConfig(h, "api", "vshield_admin", ""),
			ExpectError: regexp.MustCompile(`(?s)cannot\s+be\s+assigned\s+to\s+a\s+CLI\s+user`),
		},
		{
			Config:      roleConfig(h, "api", "auditor", `["datacenter-99"]`),
			ExpectError: regexp.MustCompile(`(?s)NSX-v\s+Object\s+Not\s+Found.*datacenter-99`),
		},
	})
	if _, _, ok := h.Fake.Role("api"); ok {
		t.Fatal("a refused assignment left a role behind")
	}
}

// A console user without a role cannot log in: the message says why and what to do, with
// one attempt.
func TestCLIUserRole_accountWithoutRole(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.Username, h.Password = "api", "Api&Pass-123"
	acctest.Test(t, []resource.TestStep{{
		Config:      fakeharness.Provider(h.NSXVBlock(), "max_retries = 10") + `data "nsx_version" "v" { manager = "nsxv" }`,
		ExpectError: regexp.MustCompile(`(?s)VC\s+user\s+does\s+not\s+have\s+any\s+role\s+on\s+NSX\s+Manager.*has\s+no\s+role\s+on\s+NSX\s+Manager;\s+assign\s+it\s+a\s+role`),
	}})
	if s := h.Stats(t); s["failed_logins"] != 1 || s["logins"] != 0 {
		t.Fatalf("want one refused login, fake says %v", s)
	}
}

// Tokens that expire in the middle of a run are renewed once; the version reads.
func TestCLIUserRole_tokenExpiryAndVersion(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.AddCLIUser(t, "ops", "Ops&Pass-1")
	// Plan: token, global/info. Apply: token, then every token dies before the POST.
	after := 4
	h.Faults(t, fakemanager.Faults{ExpireAfter: &after})
	runs := acctest.NewRuns(t, false)
	runs.Test(t, []resource.TestStep{{
		Config: fakeharness.Provider(h.NSXVBlock()) + `
data "nsx_version" "v" {
  manager = "nsxv"
}
resource "nsxv_cli_user_role" "ops" {
  provider     = nsx
  user_id      = "ops"
  role         = "security_admin"
  resource_ids = ["securitygroup-10"]
  depends_on   = [data.nsx_version.v]
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_version.v", tfjsonpath.New("version"), knownvalue.StringExact("6.4.14.20609341")),
			statecheck.ExpectKnownValue("data.nsx_version.v", tfjsonpath.New("build"), knownvalue.StringExact("20609341")),
		},
		Check: wantRole(h, "ops", "security_admin", "securitygroup-10"),
	}})
	s := h.Stats(t)
	if s["forced_expiries"] != 1 || s["rejected_requests"] != 1 || s["failed_logins"] != 0 {
		t.Fatalf("want one expiry met once, fake says %v", s)
	}
	if st := runs.Stats(); st.Relogins != 1 {
		t.Fatalf("want exactly one new login, provider counted %+v", st)
	}
	t.Logf("token expiry: fake %v, provider %+v", s, runs.Stats())
}

// A manager older than 6.4 has no token endpoint: Basic on every call (a wrong password is
// still sent once: provider's TestWrongPasswordIsOneAttemptOnEveryManager).
func TestCLIUserRole_basicFallback(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{NoTokenEndpoint: true, Major: 6, Minor: 2})
	acctest.Test(t, []resource.TestStep{{
		Config: roleConfig(h, "api", "vshield_admin", "") + `
data "nsx_version" "v" {
  manager = "nsxv"
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("role"), knownvalue.StringExact("vshield_admin")),
			statecheck.ExpectKnownValue("data.nsx_version.v", tfjsonpath.New("version"), knownvalue.StringExact("6.2.5.4818372")),
		},
		Check: wantRole(h, "api", "vshield_admin"),
	}})
	s := h.Stats(t)
	if s["logins"] != 0 || s["basic_requests"] == 0 || s["failed_logins"] != 0 {
		t.Fatalf("want Basic on every call and no token, fake says %v", s)
	}
}

// No trap after destroy: NSX-v keeps a local user's role, so destroy lowers it to auditor and
// warns; applying the same configuration again names the role the user has and the import
// command; adopt_existing = true takes the role over.
func TestCLIUserRole_destroyThenCreateAgain(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.AddCLIUser(t, "ops", "Ops&Pass-1")
	cfg := func(adopt string) string {
		return fakeharness.Provider(h.NSXVBlock()) + `
resource "nsxv_cli_user_role" "api" {
  provider = nsx
  user_id  = "ops"
  role     = "super_user"` + adopt + `
}`
	}
	acctest.Test(t, []resource.TestStep{
		{Config: cfg(""), Check: wantRole(h, "ops", "super_user")},
		{
			// Destroy: NSX-v refuses to delete, the role is lowered to the least privilege.
			Config: fakeharness.Provider(h.NSXVBlock()),
			Check:  wantRole(h, "ops", "auditor", "globalroot-0"),
		},
		{
			Config:      cfg(""),
			ExpectError: regexp.MustCompile(`(?s)with nsxv_cli_user_role\.\w+.*ops already has the role auditor.*the\s+id\s+"ops".*adopt_existing`),
		},
		{
			Config: cfg("\n  adopt_existing = true"),
			Check:  wantRole(h, "ops", "super_user"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("role"), knownvalue.StringExact("super_user")),
				statecheck.ExpectKnownValue(roleRes, tfjsonpath.New("adopt_existing"), knownvalue.Bool(true)),
			},
		},
	})
	if s := h.Stats(t); s["refused_deletes"] != 2 {
		t.Fatalf("want two refused deletes (one per destroy), fake says %v", s)
	}
	if err := wantRole(h, "ops", "auditor", "globalroot-0")(nil); err != nil {
		t.Fatalf("after the final destroy: %v", err)
	}
}

// Issue 21: a create interrupted after NSX-v took the role (here: its read-back fails) leaves
// the resource in the state, tainted, so the next apply replaces it: no untracked
// super_user grant, and no "Already Has a Role" (the replacement's create takes over the
// role its own destroy lowered).
func TestCLIUserRole_interruptedCreateIsTracked(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.AddCLIUser(t, "ops", "Cl1-User-Passw0rd!")
	cfg := roleConfig(h, "ops", "super_user", "")
	acctest.Test(t, []resource.TestStep{
		{
			PreConfig: func() {
				// The POST goes through; the GET that reads it back is refused.
				h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 500, Count: 5, Method: "GET", PathPrefix: "/api/2.0/services/usermgmt/role/ops"}}})
			},
			Config:      cfg,
			ExpectError: regexp.MustCompile(`Reading Back the NSX-v User Role Failed`),
		},
		{
			PreConfig: func() { h.Faults(t, fakemanager.Faults{Clear: true}) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleRes, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: wantRole(h, "ops", "super_user"),
		},
	})
}
