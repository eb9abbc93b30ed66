package routingstig_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/routingstig"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
)

// Builders of hierarchical policy bodies, as a network team's tool sends them.
func child(typ, body string, children ...string) string {
	if len(children) > 0 {
		body += `,"children":[` + strings.Join(children, ",") + `]`
	}
	return fmt.Sprintf(`{"resource_type":"Child%s","%s":{%s}}`, typ, typ, strings.TrimPrefix(body, ","))
}

func infra(children ...string) string {
	return `{"resource_type":"Infra","children":[` + strings.Join(children, ",") + `]}`
}

func t0(id, fields string, children ...string) string {
	return child("Tier0", `"id":"`+id+`"`+fields, children...)
}

func t1(id, fields string, children ...string) string {
	return child("Tier1", `"id":"`+id+`"`+fields, children...)
}

func ls(children ...string) string { return child("LocaleServices", `"id":"default"`, children...) }

func t0if(id, fields string) string {
	return child("Tier0Interface", `"id":"`+id+`","subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}]`+fields)
}

func bgp(fields string, neighbors ...string) string {
	return child("BgpRoutingConfig", `"local_as_num":"65001"`+fields, neighbors...)
}

func neighbor(id, fields string) string {
	return child("BgpNeighborConfig", `"id":"`+id+`","neighbor_address":"192.0.2.1","remote_as_num":"65002"`+fields)
}

func ospf(fields string, areas ...string) string {
	return child("OspfRoutingConfig", strings.TrimPrefix(fields, ","), areas...)
}

func area(id, mode string) string {
	return child("OspfAreaConfig", `"id":"`+id+`","area_id":"0","authentication":{"mode":"`+mode+`","key_id":1,"secret_key":"Area-S3cret"}`)
}

func multicast(enabled bool) string {
	return child("PolicyMulticastConfig", fmt.Sprintf(`"enabled":%v,"replication_multicast_range":"239.1.1.0/24"`, enabled))
}

const maxRoutes = `,"password":"Peer-S3cret","route_filtering":[{"address_family":"IPV4","maximum_routes":1000}]`

// configurations are routing configurations built through the policy API: empty, compliant,
// and non-compliant in each control's way, with the module's inputs.
var configurations = []struct {
	name    string
	release string
	ipv6    bool
	tree    string
	in      routingstig.Inputs
}{
	{name: "empty"},
	{name: "empty, IPv6 on", ipv6: true},
	{name: "compliant", ipv6: true, release: fakensxt.Release90, tree: infra(
		t0("edge", `,"display_name":"Edge T0"`, ls(
			t0if("uplink1", ""), t0if("uplink2", `,"urpf_mode":"STRICT"`),
			bgp(`,"enabled":true`, neighbor("tor-a", maxRoutes), neighbor("tor-b", maxRoutes)),
			ospf(`,"enabled":true`, area("backbone", "MD5")))),
		t0("mcast", "", ls(multicast(true), t0if("pim1", `,"multicast":{"enabled":true}`), t0if("plain", ""),
			bgp(`,"enabled":false`), ospf(`,"enabled":false`))),
		t0("dhcp", `,"dhcp_config_paths":["/infra/dhcp-server-configs/d1"]`, ls(bgp(`,"enabled":false`))),
		child("DhcpServerConfig", `"id":"d1","server_addresses":["192.0.2.10/24"]`),
		t1("app", ""), t1("mc1", "", ls(multicast(true))), t1("dhcp1", `,"dhcp_config_paths":["/infra/dhcp-server-configs/d1"]`)),
		in: routingstig.Inputs{Tier0Multicast: []string{"mcast"}, Tier0MulticastInterfaces: []string{"pim1"}, Tier0DHCP: []string{"dhcp"},
			Tier1Multicast: []string{"mc1"}, Tier1DHCP: []string{"dhcp1"}}},
	{name: "non-compliant in each control's way", ipv6: true, release: fakensxt.Release90, tree: infra(
		child("Ipv6NdraProfile", `"id":"low","ra_config":{"hop_limit":10}`),
		t0("edge", `,"ipv6_profile_paths":["/infra/ipv6-ndra-profiles/low"],"dhcp_config_paths":[]`, ls(
			multicast(true), t0if("uplink1", `,"urpf_mode":"NONE","multicast":{"enabled":true}`), t0if("uplink2", `,"multicast":{"enabled":false}`),
			bgp(`,"enabled":true`, neighbor("no-password", `,"route_filtering":[{"address_family":"IPV4"}]`), neighbor("no-filtering", `,"password":"Peer-S3cret"`)),
			ospf(`,"enabled":true`, area("clear", "PASSWORD"), area("none", "NONE")))),
		t0("idle", "", ls(bgp(""), ospf(`,"enabled":true`), multicast(false), t0if("pim", `,"multicast":{"enabled":true}`))),
		t0("vrf", `,"vrf_config":{"tier0_path":"/infra/tier-0s/edge"}`, ls(bgp(`,"enabled":false`), ospf(`,"enabled":true`))),
		t0("no-ls", ""),
		t1("app", `,"dhcp_config_paths":["/infra/dhcp-server-configs/x"],"ipv6_profile_paths":["/infra/ipv6-ndra-profiles/low"]`, ls(multicast(true))),
		t1("no-profiles", `,"ipv6_profile_paths":[]`)),
		in: routingstig.Inputs{}},
	{name: "NSX 4.2: no password_set", release: fakensxt.Release42, tree: infra(
		t0("edge", "", ls(t0if("uplink1", ""), bgp(`,"enabled":true`, neighbor("tor-a", maxRoutes)))))},
	{name: "a fresh gateway (BGP on, OSPF off, as NSX creates them)", release: fakensxt.Release90, tree: infra(t0("fresh", "", ls()), t1("fresh1", ""))},
}

var fromPort = map[string]string{stigcheck.Passed: routingstig.NotAFinding, stigcheck.Failed: routingstig.Open, stigcheck.Skipped: routingstig.NotReviewed}

// On every configuration, the provider's verdict for every routing control and every object
// is the vendor's InSpec logic's (its port, stigcheck.RunRouting, sending the profile's
// GETs), from two requests where the profile sends one per object.
func TestRoutingVerdictsAreTheVendorProfiles(t *testing.T) {
	t.Parallel()
	for _, cfg := range configurations {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			// The profile sends one GET per object with no pause and no retry: against NSX's
			// default rate limit (100 a second per client) it meets 429s; the limit is off here
			// so that it runs to the end.
			h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: cfg.release, APIService: map[string]any{"client_api_rate_limit": 0}})
			if cfg.tree != "" {
				h.PatchInfra(t, cfg.tree)
			}
			if cfg.ipv6 {
				h.Fake.SetObjectField(fakensxt.GlobalConfigPath, 0, "l3_forwarding_mode", "IPV4_AND_IPV6")
			}
			c := nsxt.NewClient(fakeharness.Session(t, h.Control, session.Config{
				Block: "nsxt", MaxRetries: 2, Auth: &nsxt.Auth{Username: h.Username, Password: h.Password},
			}))
			r, err := c.ReadRouting(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := routingstig.Evaluate(r, cfg.in)
			port, err := stigcheck.RunRouting(context.Background(), h.HTTP, h.Server.URLs()[0], h.Username, h.Password, stigcheck.RoutingInputs{
				T0Multicast: cfg.in.Tier0Multicast, T0MulticastInterfaces: cfg.in.Tier0MulticastInterfaces, T1Multicast: cfg.in.Tier1Multicast,
				T0DHCP: cfg.in.Tier0DHCP, T1DHCP: cfg.in.Tier1DHCP})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 17 {
				t.Fatalf("%d controls", len(got))
			}
			statuses := map[string]int{}
			for _, ctl := range got {
				statuses[ctl.Status]++
				want := port.Controls[ctl.ID]
				objects := map[string]string{}
				for _, f := range ctl.Findings {
					objects[f.Object] = routingstig.Worst(objects[f.Object], f.Status)
					if f.Evidence == "" || (f.Status == routingstig.Open) != (f.Fix != "") {
						t.Errorf("%s %s: evidence %q, fix %q", ctl.ID, f.Object, f.Evidence, f.Fix)
					}
				}
				switch {
				case want != nil && want.NotApplicable:
					if ctl.Status != routingstig.NotApplicable {
						t.Errorf("%s: %s, the profile's: not applicable", ctl.ID, ctl.Status)
					}
					continue
				case want == nil || len(want.Objects) == 0:
					if ctl.Status != routingstig.NotReviewed || len(ctl.Findings) != 0 {
						t.Errorf("%s: %s %v, the profile's: no results", ctl.ID, ctl.Status, objects)
					}
					continue
				}
				wantObjects := map[string]string{}
				for o, res := range want.Objects {
					wantObjects[o] = fromPort[res]
				}
				if !maps.Equal(objects, wantObjects) {
					t.Errorf("%s:\n  provider %v\n  profile  %v", ctl.ID, objects, wantObjects)
				}
			}
			t.Logf("%v; requests: provider %d, the profile %d", statuses, r.Requests, port.Requests)
			if r.Requests != 2 {
				t.Errorf("the provider read the routing configuration in %d requests", r.Requests)
			}
		})
	}
}

// Every control of the non-compliant configuration is open or, where the profile reviews by
// hand, not reviewed: the configuration exercises each control's way of failing.
func TestEveryRoutingControlCanBeOpen(t *testing.T) {
	t.Parallel()
	cfg := configurations[3]
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: cfg.release})
	h.PatchInfra(t, cfg.tree)
	h.Fake.SetObjectField(fakensxt.GlobalConfigPath, 0, "l3_forwarding_mode", "IPV4_AND_IPV6")
	c := nsxt.NewClient(fakeharness.Session(t, h.Control, session.Config{Block: "nsxt", Auth: &nsxt.Auth{Username: h.Username, Password: h.Password}}))
	r, err := c.ReadRouting(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	manual := []string{"VCFR-9X-000016", "VCFR-9X-000028", "VCFR-9X-000055", "VCFR-9X-000091", "VCFR-9X-000112"}
	for _, ctl := range routingstig.Evaluate(r, cfg.in) {
		want := routingstig.Open
		if slices.Contains(manual, ctl.ID) {
			want = routingstig.NotReviewed
		}
		if ctl.Status != want {
			t.Errorf("%s is %s, want %s: %+v", ctl.ID, ctl.Status, want, ctl.Findings)
		}
	}
}
