package nsxt_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// Gateways built through the policy API by another tool are judged through terraform: the
// open controls name the object and what to change, the inputs take a gateway out of a
// finding, no password reaches the state, and the read costs two requests.
func TestRoutingSTIG_judgesTheGateways(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	h.PatchInfra(t, `{"resource_type":"Infra","children":[
	  {"resource_type":"ChildTier0","Tier0":{"id":"t0-media","display_name":"Media","children":[
	    {"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
	      {"resource_type":"ChildPolicyMulticastConfig","PolicyMulticastConfig":{"enabled":true,"replication_multicast_range":"239.1.1.0/24"}},
	      {"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"uplink-media","subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}],"urpf_mode":"NONE","multicast":{"enabled":true}}},
	      {"resource_type":"ChildBgpRoutingConfig","BgpRoutingConfig":{"enabled":true,"local_as_num":"65001","children":[
	        {"resource_type":"ChildBgpNeighborConfig","BgpNeighborConfig":{"id":"tor","neighbor_address":"192.0.2.1","remote_as_num":"65002","password":"Peer-S3cret-Value"}}]}}]}}]}},
	  {"resource_type":"ChildTier1","Tier1":{"id":"t1-lab","dhcp_config_paths":["/infra/dhcp-server-configs/lab"]}}]}`)
	cfg := func(inputs string) string {
		return fakeharness.Provider(h.NSXTBlock()) + `
data "nsx_routing_stig" "gw" {
` + inputs + `
}`
	}
	ctl := func(id string) tfjsonpath.Path { return tfjsonpath.New("controls").AtMapKey(id) }
	const iface = "/infra/tier-0s/t0-media/locale-services/default/interfaces/uplink-media"
	const nb = "/infra/tier-0s/t0-media/locale-services/default/bgp/neighbors/tor"
	noPassword := func(s *terraform.State) error {
		b, _ := json.Marshal(s)
		if strings.Contains(string(b), "Peer-S3cret") {
			return fmt.Errorf("the state holds a BGP password")
		}
		return nil
	}
	acctest.Test(t, []resource.TestStep{
		{
			// An empty id is refused on its attribute, before anything is read.
			Config:      cfg(`  dhcp_tier1_gateways = [""]`),
			ExpectError: regexp.MustCompile(`(?s)dhcp_tier1_gateways.*at least 1`),
		},
		{
			Config: cfg(""),
			Check:  noPassword,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("any_open"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("requests"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("controls"), knownvalue.MapSizeExact(17)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000051").AtMapKey("status"), knownvalue.StringExact("open")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000051").AtMapKey("findings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"object": knownvalue.StringExact(iface), "status": knownvalue.StringExact("open"),
						"evidence": knownvalue.StringExact(`Interface uplink-media of gateway "Media" (/infra/tier-0s/t0-media) has uRPF mode NONE.`),
						"fix":      knownvalue.StringExact(`nsxt_policy_tier0_gateway_interface.urpf_mode = "STRICT"`),
					}),
				})),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000110").AtMapKey("status"), knownvalue.StringExact("open")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000013").AtMapKey("objects").AtMapKey(iface), knownvalue.StringExact("open")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000113").AtMapKey("status"), knownvalue.StringExact("open")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000111").AtMapKey("objects").AtMapKey(nb), knownvalue.StringExact("not_a_finding")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000067").AtMapKey("objects").AtMapKey(nb), knownvalue.StringExact("open")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000055").AtMapKey("status"), knownvalue.StringExact("not_reviewed")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000102").AtMapKey("status"), knownvalue.StringExact("not_applicable")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("bgp_neighbors").AtSliceIndex(0).AtMapKey("password_set"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("bgp_neighbors").AtSliceIndex(0).AtMapKey("maximum_routes"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("interfaces").AtSliceIndex(0).AtMapKey("pim_enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("gateways").AtSliceIndex(0).AtMapKey("ra_hop_limit"), knownvalue.Int64Exact(64)),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", tfjsonpath.New("gateways").AtSliceIndex(1).AtMapKey("dhcp_config_paths"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("/infra/dhcp-server-configs/lab")})),
			},
		},
		{
			// The profile's inputs: the gateway and interface need multicast, the Tier-1 DHCP.
			Config: cfg(`  multicast_tier0_gateways   = ["t0-media"]
  multicast_tier0_interfaces = ["uplink-media"]
  dhcp_tier1_gateways        = ["t1-lab"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000013").AtMapKey("status"), knownvalue.StringExact("not_a_finding")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000110").AtMapKey("status"), knownvalue.StringExact("not_a_finding")),
				statecheck.ExpectKnownValue("data.nsx_routing_stig.gw", ctl("VCFR-9X-000113").AtMapKey("status"), knownvalue.StringExact("not_a_finding")),
			},
		},
	})
}
