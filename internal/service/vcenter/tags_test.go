package vcenter_test

import (
	"regexp"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakevcenter "github.com/netsession/terraform-provider-nsx/internal/fakemanager/vcenter"
)

const vcenterReads = `
data "nsx_version" "vc" {
  manager = "vcenter"
}
data "vcenter_tags" "all" {
  provider   = nsx
  depends_on = [data.nsx_version.vc]
}
data "vcenter_tags" "env" {
  provider   = nsx
  category   = "env"
  depends_on = [data.nsx_version.vc]
}`

// Version and tags against a vCenter with /api and against one older than 7.0 U2 (legacy
// /rest only); sessions expiring mid-run are renewed once; every session is deleted at the end.
func TestVCenter_versionAndTags(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "api", true: "legacy"}[legacy], func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{Legacy: legacy})
			h.Fake.AddTag("env", "test")
			runs := acctest.NewRuns(t, false)
			runs.Test(t, []resource.TestStep{{
				// Every session ends after the first requests, while the tags are read.
				PreConfig: func() { after := 3; h.Faults(t, fakemanager.Faults{ExpireAfter: &after}) },
				Config:    fakeharness.Provider(h.VCenterBlock()) + vcenterReads,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.nsx_version.vc", tfjsonpath.New("version"), knownvalue.StringExact(fakevcenter.Version)),
					statecheck.ExpectKnownValue("data.nsx_version.vc", tfjsonpath.New("build"), knownvalue.StringExact(fakevcenter.Build)),
					statecheck.ExpectKnownValue("data.nsx_version.vc", tfjsonpath.New("product"), knownvalue.StringExact(fakevcenter.Product)),
					statecheck.ExpectKnownValue("data.nsx_version.vc", tfjsonpath.New("release_date"), knownvalue.StringExact(fakevcenter.ReleaseDate)),
					statecheck.ExpectKnownValue("data.vcenter_tags.all", tfjsonpath.New("tags"), knownvalue.ListSizeExact(7)),
					statecheck.ExpectKnownValue("data.vcenter_tags.all", tfjsonpath.New("tags").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("dev"), "category": knownvalue.StringExact("env"), "description": knownvalue.StringExact("dev workloads"),
						"id": knownvalue.StringRegexp(regexp.MustCompile(`^urn:vmomi:InventoryServiceTag:`)),
					})),
					statecheck.ExpectKnownValue("data.vcenter_tags.all", tfjsonpath.New("by_category").AtMapKey("security-zone"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("dmz"), knownvalue.StringExact("internal"), knownvalue.StringExact("pci"),
					})),
					statecheck.ExpectKnownValue("data.vcenter_tags.env", tfjsonpath.New("tags"), knownvalue.ListSizeExact(4)),
				},
			}})
			s := h.Stats(t)
			// Reads in flight when the sessions die are each refused once; together they cause one new login.
			if s["forced_expiries"] != 1 || s["rejected_requests"] < 1 || s["failed_logins"] != 0 || s["active_sessions"] != 0 {
				t.Fatalf("want one expiry renewed once and no session left, fake says %v", s)
			}
			if st := runs.Stats(); st.Relogins != 1 {
				t.Fatalf("want exactly one new login, provider counted %+v", st)
			}
			t.Logf("vcenter %s: fake %v, provider %+v", map[bool]string{false: "api", true: "legacy"}[legacy], s, runs.Stats())
		})
	}
}

// A category that does not exist is named in an error that lists the existing ones, rather
// than hidden behind an empty list.
func TestVCenter_unknownCategory(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{})
	h.Fake.AddTag("env", "test")
	acctest.Test(t, []resource.TestStep{{
		Config: fakeharness.Provider(h.VCenterBlock()) + `
data "vcenter_tags" "typo" {
  provider = nsx
  category = "Env"
}`,
		ExpectError: regexp.MustCompile(`(?s)vCenter Tag Category Not Found.*no tag category named\s+"Env".*Existing\s+categories:.*env`),
	}})
}
