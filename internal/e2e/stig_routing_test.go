package e2e

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/checklist/cklbtest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
)

// routingTree is a routing configuration a network team built through the policy API: one
// Tier-0 that meets the routing STIG, one that fails it in several ways, a Tier-1 with DHCP.
const routingTree = `{"resource_type":"Infra","children":[
  {"resource_type":"ChildTier0","Tier0":{"id":"t0-core","display_name":"Core","children":[
    {"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
      {"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"core-up","subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}]}},
      {"resource_type":"ChildBgpRoutingConfig","BgpRoutingConfig":{"enabled":true,"local_as_num":"65001","children":[
        {"resource_type":"ChildBgpNeighborConfig","BgpNeighborConfig":{"id":"tor","neighbor_address":"192.0.2.1","remote_as_num":"65002","password":"Peer-S3cret",
          "route_filtering":[{"address_family":"IPV4","maximum_routes":1000}]}}]}}]}}]}},
  {"resource_type":"ChildTier0","Tier0":{"id":"t0-lab","display_name":"Lab","dhcp_config_paths":["/infra/dhcp-server-configs/lab"],"children":[
    {"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
      {"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"lab-up","subnets":[{"ip_addresses":["198.51.100.2"],"prefix_len":24}],"urpf_mode":"NONE"}},
      {"resource_type":"ChildOspfRoutingConfig","OspfRoutingConfig":{"enabled":true,"children":[
        {"resource_type":"ChildOspfAreaConfig","OspfAreaConfig":{"id":"a0","area_id":"0","authentication":{"mode":"PASSWORD","key_id":1,"secret_key":"Area-S3cret"}}}]}}]}}]}},
  {"resource_type":"ChildDhcpServerConfig","DhcpServerConfig":{"id":"lab","server_addresses":["192.0.2.10/24"]}},
  {"resource_type":"ChildTier1","Tier1":{"id":"t1-lab","dhcp_config_paths":["/infra/dhcp-server-configs/lab"]}}]}`

// The module judges the routing part on the gateways another tool built: its controls output
// gives every routing control the vendor's InSpec logic's verdict, object by object (the
// port sends the profile's GETs); all_passed keeps its meaning (the manager controls) while
// any_open reports the routing findings; the manager controls still pass 23/23 on every node.
func TestSTIGModuleJudgesTheRoutingAsTheVendorProfile(t *testing.T) {
	t.Parallel()
	// The profile's one GET per object meets NSX's default rate limit (100 a second): it runs
	// before the module sets the limits, with them off.
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90, Infra: json.RawMessage(routingTree),
		APIService: map[string]any{"client_api_rate_limit": 0}})
	in := stigcheck.RoutingInputs{T1DHCP: []string{"t1-lab"}}
	port, err := stigcheck.RunRouting(context.Background(), h.HTTP, h.Server.URLs()[0], h.Username, h.Password, in)
	must(t, err)

	w := stigWorkspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", "")
	root, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(string(root), `  virtual_ip     = "192.0.2.10"`, `  virtual_ip     = "192.0.2.10"
  routing        = { dhcp_tier1_gateways = ["t1-lab"] }`, 1)), 0o600))
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	var controls map[string]struct {
		Passed  bool              `json:"passed"`
		Status  string            `json:"status"`
		Detail  string            `json:"detail"`
		Objects map[string]string `json:"objects"`
	}
	must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "controls")), &controls))
	if len(controls) != 40 {
		t.Fatalf("%d controls", len(controls))
	}
	fromPort := map[string]string{stigcheck.Passed: "not_a_finding", stigcheck.Failed: "open", stigcheck.Skipped: "not_reviewed"}
	statuses := map[string]int{}
	for id, c := range controls {
		if !strings.HasPrefix(id, "VCFR-9X-") {
			if c.Status != "not_a_finding" || len(c.Objects) == 0 {
				t.Errorf("manager control %s: %+v", id, c)
			}
			continue
		}
		statuses[c.Status]++
		want := port.Controls[id]
		switch {
		case want != nil && want.NotApplicable:
			if c.Status != "not_applicable" || !c.Passed {
				t.Errorf("%s: %+v, the profile's: not applicable", id, c)
			}
			continue
		case want == nil || len(want.Objects) == 0:
			if c.Status != "not_reviewed" || c.Passed {
				t.Errorf("%s: %+v, the profile's: no results", id, c)
			}
			continue
		}
		wantObjects := map[string]string{}
		for o, res := range want.Objects {
			wantObjects[o] = fromPort[res]
		}
		if !maps.Equal(c.Objects, wantObjects) {
			t.Errorf("%s:\n  module  %v\n  profile %v", id, c.Objects, wantObjects)
		}
		if c.Status == "open" && (c.Passed || !strings.Contains(c.Detail, "Fix: ")) {
			t.Errorf("%s: an open control says what to fix: %+v", id, c)
		}
	}
	if statuses["open"] == 0 || statuses["not_a_finding"] == 0 {
		t.Fatalf("the configuration should make controls open and met: %v", statuses)
	}
	if w.terraform(nil, "output", "-raw", "all_passed") != "true" || w.terraform(nil, "output", "-raw", "any_open") != "true" {
		t.Fatal("want all_passed (the manager controls) and any_open (routing findings)")
	}
	for i, r := range stigReports(t, h) {
		if f := r.Failed(); len(f) > 0 {
			t.Fatalf("node %d still fails manager controls:\n%s", i, r)
		}
	}
	// The checklist: both STIGs, every rule with the run's status, valid CKLB 1.0.
	doc := w.terraform(nil, "output", "-raw", "checklist")
	if err := cklbtest.Validate(t, []byte(doc)); err != nil {
		t.Fatalf("the checklist does not validate against CKLB 1.0: %v", err)
	}
	var ckl struct {
		TargetData struct {
			HostName string `json:"host_name"`
			Comments string `json:"comments"`
		} `json:"target_data"`
		STIGs []struct {
			Rules []struct {
				RuleVersion    string `json:"rule_version"`
				Status         string `json:"status"`
				FindingDetails string `json:"finding_details"`
			} `json:"rules"`
		} `json:"stigs"`
	}
	must(t, json.Unmarshal([]byte(doc), &ckl))
	rules := 0
	for _, st := range ckl.STIGs {
		for _, r := range st.Rules {
			rules++
			if c, ok := controls[r.RuleVersion]; !ok || c.Status != r.Status {
				t.Errorf("checklist %s: %s, the module's controls: %+v", r.RuleVersion, r.Status, c)
			}
		}
	}
	if len(ckl.STIGs) != 2 || rules != 40 || ckl.TargetData.HostName != "192.0.2.10" || !strings.Contains(ckl.TargetData.Comments, h.Hosts()[2]) {
		t.Fatalf("checklist: %d STIGs, %d rules, target %+v", len(ckl.STIGs), rules, ckl.TargetData)
	}
	// A plan of the same run changes nothing: the checklist follows from the run alone.
	if out := w.terraform(nil, "plan", "-input=false", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Fatalf("a second plan:\n%s", out)
	}
	// The nightly evidence run the guide gives: the network team fixes the interface; a
	// refresh-only apply (which changes nothing on the manager) re-reads what the checks read,
	// and the checklist written after it shows the fix.
	before := h.Stats(t)["object_writes"]
	h.PatchInfra(t, `{"resource_type":"Infra","children":[{"resource_type":"ChildTier0","Tier0":{"id":"t0-lab","children":[{"resource_type":"ChildLocaleServices",
	  "LocaleServices":{"id":"default","children":[{"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"lab-up","urpf_mode":"STRICT"}}]}}]}}]}`)
	w.terraform(nil, "apply", "-refresh-only", "-auto-approve", "-input=false")
	must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-raw", "checklist")), &ckl))
	for _, st := range ckl.STIGs {
		for _, r := range st.Rules {
			if r.RuleVersion == "VCFR-9X-000051" && (r.Status != "not_a_finding" || !strings.Contains(r.FindingDetails, "lab-up: not_a_finding")) {
				t.Fatalf("after the fix and a refresh-only apply, VCFR-9X-000051 is %s: %s", r.Status, r.FindingDetails)
			}
		}
	}
	if after := h.Stats(t)["object_writes"]; after != before {
		t.Fatalf("the refresh-only run wrote %d settings", after-before)
	}
	t.Logf("routing controls: %v; the profile sent %d requests; checklist %d bytes", statuses, port.Requests, len(doc))
}

// The examples of nsx_routing_stig and provider::nsx::stig_checklist work as written: the
// check block warns of the open routing controls, and the checklist validates.
func TestRoutingExamplesWorkAsWritten(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90, Infra: json.RawMessage(routingTree)})
	var body strings.Builder
	for _, f := range []string{"data-sources/nsx_routing_stig/data-source.tf", "functions/stig_checklist/function.tf"} {
		b, err := os.ReadFile(filepath.Join(repoRoot(), "examples", f))
		must(t, err)
		body.Write(b)
	}
	w := newWorkspace(t, h, body.String())
	out := w.terraform(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "A routing control of the VCF 9 NSX STIG is open") {
		t.Fatalf("the check block did not warn of the open routing controls:\n%s", out)
	}
	var open map[string][]string
	must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "routing_open")), &open))
	if len(open["VCFR-9X-000051"]) != 1 || !strings.Contains(open["VCFR-9X-000051"][0], `lab-up: nsxt_policy_tier0_gateway_interface.urpf_mode = "STRICT"`) {
		t.Fatalf("routing_open: %v", open)
	}
	if err := cklbtest.Validate(t, []byte(w.terraform(nil, "output", "-raw", "routing_checklist"))); err != nil {
		t.Fatalf("the example's checklist: %v", err)
	}
}
