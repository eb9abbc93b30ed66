package illumio_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
)

// 2,000 labels, four times the synchronous cap, all returned; the filters work.
func TestIllumio_everyLabel(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 2000})
	h.Fake.DeleteLabel("3") // env-0002
	runs := acctest.NewRuns(t, false)
	var start time.Time
	runs.Test(t, []resource.TestStep{{
		PreConfig: func() { start = time.Now() },
		Config: fakeharness.Provider(h.SessionBlock()) + `
data "illumio_labels" "all" {
  provider = nsx
}
data "illumio_labels" "env" {
  provider = nsx
  key      = "env"
}
data "illumio_labels" "partial" {
  provider = nsx
  value    = "app-001"
}
data "illumio_labels" "exact" {
  provider = nsx
  value    = "app-0013"
  exact    = true
}
data "illumio_labels" "with_deleted" {
  provider        = nsx
  key             = "env"
  value           = "env-0002"
  include_deleted = true
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.illumio_labels.all", tfjsonpath.New("labels"), knownvalue.ListSizeExact(1999)),
			statecheck.ExpectKnownValue("data.illumio_labels.env", tfjsonpath.New("labels"), knownvalue.ListSizeExact(499)),
			statecheck.ExpectKnownValue("data.illumio_labels.env", tfjsonpath.New("values").AtMapKey("env"), knownvalue.ListSizeExact(499)),
			// Label i has key role, app, env, loc in turn and value <key>-<i>: "app-001" matches app-0013 and app-0017.
			statecheck.ExpectKnownValue("data.illumio_labels.partial", tfjsonpath.New("labels"), knownvalue.ListSizeExact(2)),
			statecheck.ExpectKnownValue("data.illumio_labels.exact", tfjsonpath.New("labels"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"href": knownvalue.StringExact("/orgs/1/labels/14"), "id": knownvalue.StringExact("14"),
					"key": knownvalue.StringExact("app"), "value": knownvalue.StringExact("app-0013"), "deleted": knownvalue.Bool(false),
				}),
			})),
			statecheck.ExpectKnownValue("data.illumio_labels.with_deleted", tfjsonpath.New("labels").AtSliceIndex(0).AtMapKey("deleted"), knownvalue.Bool(true)),
		},
	}})
	s := h.Stats(t)
	if s["async_jobs"] == 0 || s["failed_logins"] != 0 || s["active_sessions"] != 0 || s["logins"] != s["logouts"] {
		t.Fatalf("fake says %v", s)
	}
	t.Logf("2,000 labels, 5 data sources, plan+apply+checks: %v in %v; %d provider processes", s, time.Since(start).Round(time.Millisecond), runs.Processes())
}

// Create, update, import by id and by href, recreate after deletion on the PCE, destroy of a
// label the PCE deleted already.
func TestIllumio_labelLifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 3})
	const res = "illumio_label.prod"
	label := func(value, extra string) string {
		return labelConfig(h, "prod", "env", value, extra)
	}
	acctest.Test(t, []resource.TestStep{
		{
			Config: label("Production", `external_data_set = "cmdb"
  external_data_reference = "env-42"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("href"), knownvalue.StringExact("/orgs/1/labels/4")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("4")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("external_data_set"), knownvalue.StringExact("cmdb")),
			},
		},
		{
			Config: label("Prod", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("value"), knownvalue.StringExact("Prod")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("external_data_set"), knownvalue.Null()),
			},
			Check: func(*terraform.State) error {
				if k, v, _, _ := h.Fake.Label("4"); k != "env" || v != "Prod" {
					return fmt.Errorf("PCE holds %s=%s", k, v)
				}
				return nil
			},
		},
		{ResourceName: res, ImportState: true, ImportStateId: "4", ImportStateVerify: true},
		{ResourceName: res, ImportState: true, ImportStateId: "/orgs/1/labels/4", ImportStateVerify: true},
		{ResourceName: res, ImportState: true, ImportStateId: "env=Prod", ExpectError: regexp.MustCompile(`Import\s+illumio_label\s+by\s+its\s+href`)},
		{ResourceName: res, ImportState: true, ImportStateId: "9999", ExpectError: regexp.MustCompile(`(?s)Illumio\s+Label\s+Not\s+Found.*no\s+label\s+/orgs/1/labels/9999`)},
		{
			// Changed in the PCE console: the plan shows it.
			PreConfig:          func() { h.Fake.SetValue("4", "PROD-edited") },
			Config:             label("Prod", ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		{
			// Deleted on the PCE: created again.
			PreConfig: func() { h.Fake.DeleteLabel("4") },
			Config:    label("Prod", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("5")),
			},
		},
		{
			// A key change replaces the label.
			Config: labelConfig(h, "prod", "loc", "Prod", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionDestroyBeforeCreate),
			}},
		},
		{
			// Deleted on the PCE just before destroy: the 406 counts as done.
			PreConfig: func() { h.Fake.DeleteLabel("6") },
			Config:    fakeharness.Provider(h.SessionBlock()),
		},
	})
	if _, _, deleted, ok := h.Fake.Label("5"); !ok || !deleted {
		t.Fatal("the replaced label was not deleted")
	}
}

// labelConfig is a provider block for h's session and an illumio_label name of key and value,
// with extra lines inside it.
func labelConfig(h *fakeharness.Illumio, name, key, value, extra string) string {
	return fakeharness.Provider(h.SessionBlock()) + fmt.Sprintf(`
resource "illumio_label" %q {
  provider = nsx
  key      = %q
  value    = %q
  %s
}`, name, key, value, extra)
}

// What users get wrong, each named.
func TestIllumio_errors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 3})
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.SessionBlock(`api_key_username = "api_x"`))+`
data "illumio_labels" "l" { provider = nsx }`, regexp.MustCompile(`(?s)Two\s+Kinds\s+of\s+Illumio\s+Credentials.*exactly\s+one`)),
		acctest.RefusedAtPlan(fakeharness.Provider(h.KeyBlock())+`
data "illumio_labels" "l" { provider = nsx }`, regexp.MustCompile(`(?s)Missing\s+Illumio\s+Organization.*With\s+an\s+API\s+key,\s+set\s+org_id`)),
		{
			Config:      labelConfig(h, "dup", "role", "ROLE-0000", ""),
			ExpectError: regexp.MustCompile(`(?s)Illumio\s+Label\s+Already\s+Exists.*Import\s+it`),
		},
		{
			Config:      labelConfig(h, "bad", "tier", "web", ""),
			ExpectError: regexp.MustCompile(`(?s)Unknown\s+Illumio\s+Label\s+Type.*"tier"\s+does\s+not\s+exist`),
		},
	})
}

// Both auth modes, several orgs, a session expired mid-run (a wrong password: provider's
// TestWrongPasswordIsOneAttemptOnEveryManager).
func TestIllumio_sessions(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 10, Orgs: []int64{1, 3}})
	versionAndLabels := `
data "nsx_version" "pce" {
  manager = "illumio"
}
data "illumio_labels" "all" {
  provider   = nsx
  depends_on = [data.nsx_version.pce]
}`
	runs := acctest.NewRuns(t, false)
	runs.Test(t, []resource.TestStep{
		{
			Config:      fakeharness.Provider(h.SessionBlock()) + versionAndLabels,
			ExpectError: regexp.MustCompile(`(?s)Several\s+Illumio\s+Organizations.*belongs\s+to\s+2.*1\s+\(Org\s+1\),\s+3\s+\(Org\s+3\)`),
		},
		{
			// Every session ends between the version read and the labels read.
			PreConfig: func() { after := 4; h.Faults(t, fakemanager.Faults{ExpireAfter: &after}) },
			Config:    fakeharness.Provider(h.SessionBlock("org_id = 1")) + versionAndLabels,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.pce", tfjsonpath.New("version"), knownvalue.StringExact(fakeillumio.Version)),
				statecheck.ExpectKnownValue("data.nsx_version.pce", tfjsonpath.New("build"), knownvalue.StringExact(fmt.Sprint(fakeillumio.Build))),
				statecheck.ExpectKnownValue("data.illumio_labels.all", tfjsonpath.New("labels"), knownvalue.ListSizeExact(10)),
			},
		},
		{
			Config: fakeharness.Provider(h.KeyBlock("org_id = 1")) + versionAndLabels,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.illumio_labels.all", tfjsonpath.New("labels"), knownvalue.ListSizeExact(10)),
			},
		},
	})
	s := h.Stats(t)
	if s["forced_expiries"] != 1 || s["rejected_requests"] != 1 || s["api_key_requests"] == 0 || s["active_sessions"] != 0 || s["logins"] != s["logouts"]+1 {
		t.Fatalf("want one expiry renewed once, API key calls, every live session logged out; fake says %v", s)
	}
	if st := runs.Stats(); st.Relogins != 1 || st.FailedLogins != 0 {
		t.Fatalf("provider counted %+v", st)
	}
	t.Logf("illumio sessions: fake %v, provider %+v, %d processes", s, runs.Stats(), runs.Processes())
}

// The PCE's async answer may locate its job absolutely too (documented; TestIllumio_everyLabel
// reads the relative form): illumio_labels reads past the 500 cap with it.
func TestIllumio_everyLabelWithAnAbsoluteLocation(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 750, Location: fakeillumio.LocationAbsolute})
	acctest.Test(t, []resource.TestStep{{
		Config: fakeharness.Provider(h.KeyBlock("org_id = 1")) + `
data "illumio_labels" "all" {
  provider = nsx
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.illumio_labels.all", tfjsonpath.New("labels"), knownvalue.ListSizeExact(750)),
		},
	}})
	if s := h.Stats(t); s["async_jobs"] == 0 {
		t.Fatalf("the async collection was not used: %v", s)
	}
}
