package nsxt_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// A routing configuration built through the hierarchical API reads back through it and at
// every object's own path; PUT takes the current _revision only; write-only fields are never
// answered; what the schema refuses changes nothing of the request.
func TestPolicyTreeServesRoutingObjects(t *testing.T) {
	t.Parallel()
	w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	_, auth := w.login(w.base, w.h.Password)
	send := func(method, path, body string) (int, string) {
		t.Helper()
		resp, text := w.do(method, w.base, path, withJSON(auth), body)
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(text)) == nil {
			text = compact.String()
		}
		return resp.StatusCode, text
	}
	tree := `{"resource_type":"Infra","children":[{"resource_type":"ChildTier0","Tier0":{"id":"t0","display_name":"T0 one","dhcp_config_paths":["/infra/dhcp-server-configs/d1"],
	  "children":[{"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
	    {"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"uplink1","subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}],"urpf_mode":"NONE","multicast":{"enabled":true}}},
	    {"resource_type":"ChildBgpRoutingConfig","BgpRoutingConfig":{"local_as_num":"65001","children":[
	      {"resource_type":"ChildBgpNeighborConfig","BgpNeighborConfig":{"id":"peer1","neighbor_address":"192.0.2.1","remote_as_num":"65002","password":"S3cret-peer","route_filtering":[{"address_family":"IPV4","maximum_routes":100}]}}]}},
	    {"resource_type":"ChildOspfAreaConfig","OspfAreaConfig":{"id":"area0","area_id":"0","authentication":{"mode":"MD5","key_id":1,"secret_key":"S3cret-area"}}}
	  ]}}]}},
	  {"resource_type":"ChildDhcpServerConfig","DhcpServerConfig":{"id":"d1","server_addresses":["192.0.2.10/24"]}}]}`
	// OSPF areas live under ospf, not under the locale service: refused, nothing made.
	if code, text := send(http.MethodPatch, "/policy/api/v1/infra", tree); code != http.StatusBadRequest || !strings.Contains(text, "OspfAreaConfig") {
		t.Fatalf("misplaced area: %d %s", code, text)
	}
	if code, _ := send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0", ""); code != http.StatusNotFound {
		t.Fatal("a refused tree left an object")
	}
	tree = strings.Replace(tree, `{"resource_type":"ChildOspfAreaConfig","OspfAreaConfig":{"id":"area0","area_id":"0","authentication":{"mode":"MD5","key_id":1,"secret_key":"S3cret-area"}}}`,
		`{"resource_type":"ChildOspfRoutingConfig","OspfRoutingConfig":{"enabled":true,"children":[{"resource_type":"ChildOspfAreaConfig","OspfAreaConfig":{"id":"area0","area_id":"0","authentication":{"mode":"MD5","key_id":1,"secret_key":"S3cret-area"}}}]}}`, 1)
	if code, text := send(http.MethodPatch, "/policy/api/v1/infra", tree); code != http.StatusOK {
		t.Fatalf("tree: %d %s", code, text)
	}
	code, text := send(http.MethodGet, "/policy/api/v1/infra?type_filter=Tier0;LocaleServices;Tier0Interface;BgpRoutingConfig;BgpNeighborConfig;OspfRoutingConfig;OspfAreaConfig", "")
	if code != http.StatusOK || strings.Contains(text, "S3cret") || !strings.Contains(text, `"password_set":true`) || !strings.Contains(text, `"ChildOspfAreaConfig"`) || strings.Contains(text, "DhcpServerConfig") {
		t.Fatalf("hierarchical read: %d %s", code, text)
	}
	// The same through filter, and a type whose parent is not asked for is not answered.
	if _, text := send(http.MethodGet, "/policy/api/v1/infra?filter=Type-Tier0|LocaleServices", ""); !strings.Contains(text, `"ChildLocaleServices"`) || strings.Contains(text, "Tier0Interface") {
		t.Fatalf("filter: %s", text)
	}
	if _, text := send(http.MethodGet, "/policy/api/v1/infra?type_filter=Tier0Interface", ""); strings.Contains(text, "uplink1") {
		t.Fatalf("an interface without its gateway: %s", text)
	}
	// Every object at its own path, and its collection.
	var iface map[string]any
	code, text = send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/interfaces/uplink1", "")
	_ = json.Unmarshal([]byte(text), &iface)
	if code != http.StatusOK || iface["urpf_mode"] != "NONE" || iface["parent_path"] != "/infra/tier-0s/t0/locale-services/default" || iface["resource_type"] != "Tier0Interface" {
		t.Fatalf("interface: %d %s", code, text)
	}
	if _, text := send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/bgp/neighbors", ""); !strings.Contains(text, `"result_count":1`) || strings.Contains(text, "S3cret") {
		t.Fatalf("neighbours: %s", text)
	}
	// A new gateway refers to the default IPv6 profiles; a Tier-0 locale service has BGP and
	// OSPF at once; multicast is absent until configured.
	if _, text := send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0", ""); !strings.Contains(text, "/infra/ipv6-ndra-profiles/default") {
		t.Fatalf("gateway: %s", text)
	}
	if code, _ := send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/multicast", ""); code != http.StatusNotFound {
		t.Fatalf("multicast before it is configured: %d", code)
	}
	// PUT: only with the current _revision; PATCH merges.
	put := `{"subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}],"urpf_mode":"STRICT","_revision":%d}`
	if code, _ := send(http.MethodPut, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/interfaces/uplink1", strings.Replace(put, "%d", "7", 1)); code != http.StatusPreconditionFailed {
		t.Fatalf("stale PUT: %d", code)
	}
	if code, text := send(http.MethodPut, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/interfaces/uplink1", strings.Replace(put, "%d", "0", 1)); code != http.StatusOK || !strings.Contains(text, `"_revision":1`) {
		t.Fatalf("PUT: %d %s", code, text)
	}
	for _, c := range []struct{ path, body, want string }{
		{"/policy/api/v1/infra/tier-0s/t0/locale-services/default/interfaces/uplink1", `{"urpf_mode":"LOOSE"}`, "urpf_mode"},
		{"/policy/api/v1/infra/tier-0s/t0", `{"no_such_field":1}`, "no_such_field"},
		{"/policy/api/v1/infra/tier-0s/t0/locale-services/default/ospf/areas/area0", `{"authentication":{"mode":"SHA"}}`, "authentication.mode"},
		{"/policy/api/v1/infra/tier-1s/t1/locale-services/default", `{}`, "parent path"},
	} {
		if code, text := send(http.MethodPatch, c.path, c.body); code != http.StatusBadRequest || !strings.Contains(text, c.want) || goText.MatchString(text) {
			t.Errorf("PATCH %s %s: %d %s", c.path, c.body, code, text)
		}
	}
	// The neighbour's password is kept by a write that leaves it out.
	if code, _ := send(http.MethodPatch, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/bgp/neighbors/peer1", `{"hold_down_time":30}`); code != http.StatusOK {
		t.Fatal("PATCH of a neighbour")
	}
	if _, text := send(http.MethodGet, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/bgp/neighbors/peer1", ""); !strings.Contains(text, `"password_set":true`) || !strings.Contains(text, `"hold_down_time":30`) {
		t.Fatalf("neighbour after a PATCH: %s", text)
	}
	// A delete takes the subtree; BGP cannot be deleted on its own.
	if code, _ := send(http.MethodDelete, "/policy/api/v1/infra/tier-0s/t0/locale-services/default/bgp", ""); code != http.StatusBadRequest {
		t.Fatal("BGP deleted on its own")
	}
	if code, _ := send(http.MethodPatch, "/policy/api/v1/infra", `{"children":[{"resource_type":"ChildTier0","marked_for_delete":true,"Tier0":{"id":"t0"}}]}`); code != http.StatusOK {
		t.Fatal("hierarchical delete")
	}
	if _, text := send(http.MethodGet, "/policy/api/v1/infra/tier-0s", ""); !strings.Contains(text, `"result_count":0`) {
		t.Fatalf("after the delete: %s", text)
	}
}
