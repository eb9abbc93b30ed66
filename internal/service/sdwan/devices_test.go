package sdwan_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
)

// Version and devices read, with filters; every session logged out at the end of each run,
// and the operator's browser session left alone.
func TestSDWAN_versionAndDevices(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Devices: 10})
	browser := h.OpenBrowserSession(t)
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.SDWANBlock())+`
data "sdwan_devices" "x" {
  provider    = nsx
  device_type = "router"
}`, regexp.MustCompile(`device_type\s+value\s+must\s+be\s+one\s+of`)),
		{
			Config: fakeharness.Provider(h.SDWANBlock()) + `
data "nsx_version" "sdwan" {
  manager = "sdwan"
}
data "sdwan_devices" "all" {
  provider = nsx
}
data "sdwan_devices" "edges_down" {
  provider     = nsx
  device_type  = "vedge"
  reachability = "unreachable"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.sdwan", tfjsonpath.New("version"), knownvalue.StringExact(fakesdwan.Version)),
				statecheck.ExpectKnownValue("data.sdwan_devices.all", tfjsonpath.New("devices"), knownvalue.ListSizeExact(10)),
				statecheck.ExpectKnownValue("data.sdwan_devices.all", tfjsonpath.New("devices").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"system_ip": knownvalue.StringExact("1.1.1.3"), "host_name": knownvalue.StringExact("vbond-03"),
					"device_model": knownvalue.StringExact("vedge-cloud"), "device_type": knownvalue.StringExact("vbond"),
					"version": knownvalue.StringExact(fakesdwan.Version), "reachability": knownvalue.StringExact("reachable"),
					"site_id": knownvalue.StringExact("102"), "uuid": knownvalue.StringExact("00000003-0000-4000-8000-000000000003"),
				})),
				statecheck.ExpectKnownValue("data.sdwan_devices.all", tfjsonpath.New("system_ips").AtMapKey("vmanage-01"), knownvalue.StringExact("1.1.1.1")),
				// Devices 5 and 10 are unreachable edges.
				statecheck.ExpectKnownValue("data.sdwan_devices.edges_down", tfjsonpath.New("devices"), knownvalue.ListSizeExact(2)),
			},
		},
	})
	s := h.Stats(t)
	if s["active_sessions"] != 1 || s["logins"] != s["logouts"]+1 || s["evictions"] != 0 || s["failed_logins"] != 0 {
		t.Fatalf("want only the browser session open, fake says %v", s)
	}
	if !h.Fake.Alive(browser) {
		t.Fatal("the operator's browser session was ended")
	}
	t.Logf("sdwan read: %v", s)
}

// A login redirected to the password reset page says so.
func TestSDWAN_passwordReset(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{PasswordReset: true})
	acctest.Test(t, []resource.TestStep{{
		Config:      fakeharness.Provider(h.SDWANBlock()) + `data "nsx_version" "a" { manager = "sdwan" }`,
		ExpectError: regexp.MustCompile(`(?s)password\s+reset\s+page.*must\s+be\s+changed\s+first`),
	}})
}

// Sessions that end in the middle of a run, answered the way older releases do (the login page
// with 200) or the way the API gateway does (401), are renewed once.
func TestSDWAN_expiryMidRun(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusOK, http.StatusUnauthorized} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{ExpiredStatus: status})
			// Login and token are requests 1 and 2; every session ends before the 4th.
			after := 4
			h.Faults(t, fakemanager.Faults{ExpireAfter: &after})
			runs := acctest.NewRuns(t, false)
			runs.Test(t, []resource.TestStep{{
				Config: fakeharness.Provider(h.SDWANBlock()) + `
data "nsx_version" "v" { manager = "sdwan" }
data "sdwan_devices" "all" {
  provider   = nsx
  depends_on = [data.nsx_version.v]
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sdwan_devices.all", tfjsonpath.New("devices"), knownvalue.ListSizeExact(6)),
				},
			}})
			s := h.Stats(t)
			if s["forced_expiries"] != 1 || s["rejected_requests"] != 1 || s["active_sessions"] != 0 || s["failed_logins"] != 0 {
				t.Fatalf("want one expiry met once and nothing left open, fake says %v", s)
			}
			if st := runs.Stats(); st.Relogins != 1 {
				t.Fatalf("want exactly one new login, provider counted %+v", st)
			}
		})
	}
}
