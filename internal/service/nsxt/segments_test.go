package nsxt_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// 2,500 segments span three pages of 1,000: every one comes back, and filters narrow them.
func TestSegments_allPagesAndFilters(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
data "nsx_segments" "all" {}
data "nsx_segments" "web" {
  display_name = "web"
}
data "nsx_segments" "vlan" {
  type = "DISCONNECTED"
}
data "nsx_segments" "none" {
  display_name = "no-such-segment"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("segments"), knownvalue.ListSizeExact(2500)),
				statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("paths"), knownvalue.MapSizeExact(2500)),
				statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("paths").AtMapKey("segment-2500"), knownvalue.StringExact("/infra/segments/segment-2500")),
				statecheck.ExpectKnownValue("data.nsx_segments.web", tfjsonpath.New("segments"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("web"), "display_name": knownvalue.StringExact("web"),
						"path": knownvalue.StringExact("/infra/segments/web"), "type": knownvalue.StringExact("ROUTED"),
						"subnets": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"gateway_address": knownvalue.StringExact("10.0.0.1/24"), "network": knownvalue.StringExact("10.0.0.0/24"),
						})}),
						"connectivity_path":   knownvalue.StringExact("/infra/tier-1s/t1-0"),
						"transport_zone_path": knownvalue.StringRegexp(regexp.MustCompile(`^/infra/sites/default/enforcement-points/default/transport-zones/`)),
						"admin_state":         knownvalue.StringExact("UP"),
						"replication_mode":    knownvalue.StringExact("MTEP"),
						"vlan_ids":            knownvalue.ListSizeExact(0),
						"unique_id":           knownvalue.NotNull(),
					}),
				})),
				// Every fourth segment is a VLAN segment.
				statecheck.ExpectKnownValue("data.nsx_segments.vlan", tfjsonpath.New("segments"), knownvalue.ListSizeExact(625)),
				statecheck.ExpectKnownValue("data.nsx_segments.vlan", tfjsonpath.New("segments").AtSliceIndex(0).AtMapKey("vlan_ids"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.nsx_segments.none", tfjsonpath.New("segments"), knownvalue.ListSizeExact(0)),
			},
			Check: func(*terraform.State) error {
				// Each listing of 2,500 segments costs 3 pages; the 4 data sources of a process
				// share the pages they read at the same time, so a reading process asks for 3
				// to 12 pages (each process logs in once).
				s := h.Stats(t)
				if s["logins"] == 0 || s["segment_pages"] < 3*s["logins"] || s["segment_pages"] > 12*s["logins"] {
					return fmt.Errorf("want 3 to 12 pages per reading process, fake served %d pages in %d logins", s["segment_pages"], s["logins"])
				}
				return nil
			},
		}},
	})
}

// nsx_segment reads one segment by id or path with one request; a missing one is an error on
// the attribute that named it, and exactly one of id and path is required. (The valid step
// comes last: the test's final destroy runs its configuration.)
func TestSegment_byIDAndPath(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	provider := fakeharness.Provider(h.NSXTBlock())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				Config:      provider + `data "nsx_segment" "x" { path = "/infra/segments/no-such" }`,
				ExpectError: regexp.MustCompile(`(?s)NSX Segment Not Found.*/infra/segments/no-such`),
			},
			{
				Config:      provider + `data "nsx_segment" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				Config:      provider + `data "nsx_segment" "x" { path = "/infra/tier-1s/t1" }`,
				ExpectError: regexp.MustCompile(`(?s)must be a policy path`),
			},
			{
				Config: provider + `
data "nsx_segment" "web" {
  id = "web"
}
data "nsx_segment" "vlan" {
  path = "/infra/segments/segment-0011"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.nsx_segment.web", tfjsonpath.New("path"), knownvalue.StringExact("/infra/segments/web")),
					statecheck.ExpectKnownValue("data.nsx_segment.web", tfjsonpath.New("subnets").AtSliceIndex(0).AtMapKey("network"), knownvalue.StringExact("10.0.0.0/24")),
					statecheck.ExpectKnownValue("data.nsx_segment.vlan", tfjsonpath.New("id"), knownvalue.StringExact("segment-0011")),
					statecheck.ExpectKnownValue("data.nsx_segment.vlan", tfjsonpath.New("type"), knownvalue.StringExact("DISCONNECTED")),
					statecheck.ExpectKnownValue("data.nsx_segment.vlan", tfjsonpath.New("vlan_ids"), knownvalue.ListSizeExact(1)),
				},
				Check: func(*terraform.State) error {
					if s := h.Stats(t); s["segment_pages"] != 0 || s["segment_reads"] == 0 {
						return fmt.Errorf("want single reads and no listing, fake says %v", s)
					}
					return nil
				},
			},
		},
	})
}
