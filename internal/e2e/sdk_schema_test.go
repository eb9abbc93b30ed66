package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vmware/vsphere-automation-sdk-go/runtime/bindings"
	"github.com/vmware/vsphere-automation-sdk-go/runtime/data/serializers/cleanjson"
	mp "github.com/vmware/vsphere-automation-sdk-go/services/nsxt-mp/nsx/model"
	pol "github.com/vmware/vsphere-automation-sdk-go/services/nsxt/model"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	nsxtsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxt"
)

// The vendor's generated SDK judges what the provider sends and what the fake answers: every
// NSX object the provider reads or writes is decoded with the SDK's own bindings
// (vsphere-automation-sdk-go nsxt-mp v0.6.0 nsx/model; the policy nsxt v0.12.0 model for policy
// objects) through its type converter, and every field is looked up in the binding's own
// field list. The SDK is a test dependency only; its REST paths (which carry its module name,
// /api/v1/node/services/nsxt-mp/ntp) are not NSX's and are never used.

// schemaRow is an API path (a pattern: ids as [^/]+) with the binding of what GET answers
// and of what a write sends (nil: no such request, or no body).
type schemaRow struct {
	path       string
	get, write func() bindings.BindingType
}

// schemaTable is every NSX object the provider reads or writes.
var schemaTable = []schemaRow{
	{"/api/v1/cluster/api-service", mp.ApiServiceConfigBindingType, mp.ApiServiceConfigBindingType},
	{"/api/v1/node/aaa/auth-policy", mp.AuthenticationPolicyPropertiesBindingType, mp.AuthenticationPolicyPropertiesBindingType},
	{"/api/v1/node", mp.NodePropertiesBindingType, mp.NodePropertiesBindingType},
	{"/api/v1/node/aaa/providers/vidm", mp.NodeAuthProviderVidmPropertiesBindingType, mp.NodeAuthProviderVidmPropertiesBindingType},
	{"/api/v1/upgrade/nodes", mp.NodeInfoListResultBindingType, nil},
	{"/api/v1/trust-management/oidc-uris", mp.OidcEndPointListResultBindingType, mp.OidcEndPointBindingType},
	{"/api/v1/trust-management/oidc-uris/[^/]+", mp.OidcEndPointBindingType, mp.OidcEndPointBindingType},
	{"/policy/api/v1/loginbanner", nil, nil}, // in neither model (see schemaMissing)
	{"/api/v1/loginbanner", nil, nil},
	{"/api/v1/node/services/ntp", mp.NodeNtpServicePropertiesBindingType, mp.NodeNtpServicePropertiesBindingType},
	{"/api/v1/node/services/ssh", mp.NodeSshServicePropertiesBindingType, mp.NodeSshServicePropertiesBindingType},
	{"/api/v1/node/services/snmp", mp.NodeSnmpServicePropertiesBindingType, mp.NodeSnmpServicePropertiesBindingType},
	{"/api/v1/node/services/http", mp.NodeHttpServicePropertiesBindingType, mp.NodeHttpServicePropertiesBindingType},
	{"/api/v1/node/services/async_replicator", mp.NodeAsyncReplicatorServicePropertiesBindingType, mp.NodeAsyncReplicatorServicePropertiesBindingType},
	{"/api/v1/node/services/auth", mp.NodeAuthServicePropertiesBindingType, mp.NodeAuthServicePropertiesBindingType},
	{"/api/v1/node/services/manager", mp.NodeProtonServicePropertiesBindingType, mp.NodeProtonServicePropertiesBindingType},
	{"/api/v1/node/services/policy", mp.NodePolicyServicePropertiesBindingType, mp.NodePolicyServicePropertiesBindingType},
	{"/api/v1/node/services/telemetry", mp.NodePhonehomeCoordinatorServicePropertiesBindingType, mp.NodePhonehomeCoordinatorServicePropertiesBindingType},
	{"/api/v1/node/services/syslog", mp.NodeServicePropertiesBindingType, nil},
	{"/api/v1/node/services/[^/]+/status", mp.NodeServiceStatusPropertiesBindingType, nil},
	{"/api/v1/node/services/[^/]+(/notify_mpa)?", nil, nil}, // actions: no body
	{"/policy/api/v1/infra/global-config", pol.GlobalConfigBindingType, pol.GlobalConfigBindingType},
	{"/api/v1/cluster/backups/config", mp.BackupConfigurationBindingType, mp.BackupConfigurationBindingType},
	{"/api/v1/telemetry/config", mp.TelemetryConfigBindingType, mp.TelemetryConfigBindingType},
	{"/api/v1/cluster/api-virtual-ip", mp.ClusterVirtualIpPropertiesBindingType, nil},
	{"/api/v1/cluster/status", mp.ClusterStatusBindingType, nil},
	{"/api/v1/node/version", mp.NodeVersionBindingType, nil},
	{"/api/v1/node/users", mp.NodeUserPropertiesListResultBindingType, mp.NodeUserPropertiesBindingType},
	{"/api/v1/node/users/[^/]+", mp.NodeUserPropertiesBindingType, mp.NodeUserPropertiesBindingType},
	{"/api/v1/node/services/syslog/exporters", mp.NodeSyslogExporterPropertiesListResultBindingType, mp.NodeSyslogExporterPropertiesBindingType},
	{"/api/v1/node/services/syslog/exporters/[^/]+", nil, nil}, // delete
	{"/api/v1/trust-management/principal-identities", mp.PrincipalIdentityListBindingType, nil},
	{"/api/v1/trust-management/principal-identities/with-certificate", nil, mp.PrincipalIdentityWithCertificateBindingType},
	{"/api/v1/trust-management/principal-identities/[^/]+", mp.PrincipalIdentityBindingType, nil},
	{"/api/v1/trust-management/certificates/[^/]+", mp.CertificateBindingType, nil},
	{"/policy/api/v1/aaa/role-bindings", pol.RoleBindingListResultBindingType, pol.RoleBindingBindingType},
	{"/policy/api/v1/aaa/role-bindings/[^/]+", pol.RoleBindingBindingType, pol.RoleBindingBindingType},
	{"/policy/api/v1/infra/segments", pol.SegmentListResultBindingType, nil},
	{"/policy/api/v1/infra/segments/[^/]+", pol.SegmentBindingType, nil},
	{"/policy/api/v1/search/query", pol.SearchResponseBindingType, nil},
	{"/api/session/(create|destroy)", nil, nil},                          // the form login and its logout
	{"/policy/api/v1/infra", pol.InfraBindingType, pol.InfraBindingType}, // the hierarchical read and write (children: routingBindings)
}

// routingBindings are the routing objects of the policy tree, by resource_type: their
// hierarchical wrappers and their own bindings.
var routingBindings = map[string][2]func() bindings.BindingType{
	"Tier0":                 {pol.ChildTier0BindingType, pol.Tier0BindingType},
	"Tier1":                 {pol.ChildTier1BindingType, pol.Tier1BindingType},
	"LocaleServices":        {pol.ChildLocaleServicesBindingType, pol.LocaleServicesBindingType},
	"Tier0Interface":        {pol.ChildTier0InterfaceBindingType, pol.Tier0InterfaceBindingType},
	"Tier1Interface":        {pol.ChildTier1InterfaceBindingType, pol.Tier1InterfaceBindingType},
	"BgpRoutingConfig":      {pol.ChildBgpRoutingConfigBindingType, pol.BgpRoutingConfigBindingType},
	"BgpNeighborConfig":     {pol.ChildBgpNeighborConfigBindingType, pol.BgpNeighborConfigBindingType},
	"OspfRoutingConfig":     {pol.ChildOspfRoutingConfigBindingType, pol.OspfRoutingConfigBindingType},
	"OspfAreaConfig":        {pol.ChildOspfAreaConfigBindingType, pol.OspfAreaConfigBindingType},
	"PolicyMulticastConfig": {pol.ChildPolicyMulticastConfigBindingType, pol.PolicyMulticastConfigBindingType},
	"Ipv6NdraProfile":       {pol.ChildIpv6NdraProfileBindingType, pol.Ipv6NdraProfileBindingType},
	"DhcpServerConfig":      {pol.ChildDhcpServerConfigBindingType, pol.DhcpServerConfigBindingType},
}

// schemaNewer are fields NSX answers or takes beyond the SDK's models, each with the release
// that added it and where that is documented.
var schemaNewer = map[string]string{
	"com.vmware.nsx.model.snmp_service_properties.v2_targets": "SNMP v2c trap receivers: in the NSX 4.2 API reference's SnmpServiceProperties " +
		"(developer.broadcom.com/xapis/…/4.2/schemas_SnmpServiceProperties), not in the SDK's v0.6.0 model: added by NSX 4.2 at the latest",
	"com.vmware.nsx.model.snmp_service_properties.v3_targets": "SNMP v3 trap receivers: as v2_targets",
	"com.vmware.nsx_policy.model.bgp_neighbor_config.password_set": "whether a BGP neighbour has a password: answered by NSX 9 (VCF 9), " +
		"read by the vendor's VCF 9 STIG check VCFR-9X-000111 (vmware/dod-compliance-and-automation, vcf/9.x/Y25M06-srg); not in the SDK's v0.12.0 model",
}

// schemaMissing are objects in neither model, with what documents them.
var schemaMissing = map[string]string{
	"/policy/api/v1/loginbanner": "LoginBanner is in neither SDK model; its fields are the NSX API reference's (Login Consent Settings) and the STIG's check text's",
	"/api/v1/loginbanner":        "as /policy/api/v1/loginbanner",
}

func rowFor(path string) *schemaRow {
	for i := range schemaTable {
		if regexp.MustCompile(`^` + schemaTable[i].path + `$`).MatchString(path) {
			return &schemaTable[i]
		}
	}
	return nil
}

// conforms lists what in raw the binding bt does not take: what its type converter refuses
// (a wrong type, a missing required field) and every field its field list does not name.
func conforms(bt bindings.BindingType, raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	dv, err := cleanjson.NewJsonToDataValueDecoder().Decode(v)
	if err != nil {
		return []string{"not a vAPI value: " + err.Error()}
	}
	if _, errs := bindings.NewTypeConverter().ConvertToGolang(dv, bt); len(errs) > 0 {
		for _, e := range errs {
			problems = append(problems, "the SDK's converter: "+e.Error())
		}
	}
	return append(problems, unknownFields(bt, v, "")...)
}

// unknownFields walks v along bt and names every object key bt's structure does not have.
func unknownFields(bt bindings.BindingType, v any, at string) []string {
	switch t := bt.(type) {
	case bindings.OptionalType:
		return unknownFields(t.ElementType(), v, at)
	case bindings.ReferenceType:
		return unknownFields(t.Resolve(), v, at)
	case bindings.ListType:
		return eachItem(t.ElementType(), v, at)
	case bindings.SetType:
		return eachItem(t.ElementType(), v, at)
	case bindings.StructType:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil // the converter said so
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			f := t.Field(k)
			if f == nil {
				if _, newer := schemaNewer[t.Name()+"."+k]; !newer {
					out = append(out, fmt.Sprintf("%s%s: not a field of %s", at, k, t.Name()))
				}
				continue
			}
			out = append(out, unknownFields(f, obj[k], at+k+".")...)
		}
		return out
	}
	return nil
}

func eachItem(bt bindings.BindingType, v any, at string) []string {
	items, _ := v.([]any)
	var out []string
	for i, it := range items {
		out = append(out, unknownFields(bt, it, fmt.Sprintf("%s[%d].", strings.TrimSuffix(at, "."), i))...)
	}
	return out
}

// Every object: the writes the provider sends applying the STIG module, a principal identity
// and role bindings, and what the fake answers to every read, against the vendor's bindings.
func TestEveryNSXObjectMatchesTheVendorSDK(t *testing.T) {
	t.Parallel()
	// Every settings object the provider declares, and every path its NSX client names, has
	// a row: a new object is checked without a new test, and a client without a row fails.
	for _, obj := range nsxtsvc.SettingsTypes() {
		if rowFor(obj.Path) == nil {
			t.Errorf("settings object %s (%s) has no row in schemaTable", obj.Name, obj.Path)
		}
	}
	literal := regexp.MustCompile(`"(/(?:policy/)?api/v1/[a-z0-9_/\-]*)`)
	sources, err := filepath.Glob(filepath.Join(repoRoot(), "internal", "nsxt", "*.go"))
	must(t, err)
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		b, err := os.ReadFile(src)
		must(t, err)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			p := strings.TrimSuffix(m[1], "/")
			if strings.HasSuffix(m[1], "/") {
				p += "/x" // a prefix the client completes with an id or a name
			}
			if rowFor(p) == nil && rowFor(p+"/x") == nil { // a collection named for its items' paths
				t.Errorf("%s names %s, which has no row in schemaTable", filepath.Base(src), m[1])
			}
		}
	}

	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90, Segments: 3})
	h.Server.Record()
	certFile := pipelineCertFile(t, h)
	// The STIG module's example, and what it leaves out.
	w := stigWorkspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", `
resource "nsx_principal_identity" "pipeline" {
  provider        = nsx
  name            = "terraform-pipeline"
  node_id         = "ci-runner-1"
  certificate_pem = file(`+jsonString(certFile)+`)
  roles_for_paths = { "/" = ["enterprise_admin"] }
}

resource "nsx_node_user" "ops" {
  provider            = nsx
  username            = "ops"
  full_name           = "Operations"
  password_wo         = "Ops-Passw0rd!first"
  password_wo_version = 1
}

resource "nsx_role_binding" "ops" {
  provider        = nsx
  name            = nsx_node_user.ops.username
  type            = "local_user"
  roles_for_paths = { "/" = ["auditor"] }
}

data "nsx_segments" "all" {
  provider = nsx
}

resource "nsx_vidm" "this" {
  provider                 = nsx
  vidm_enable              = true
  host_name                = "vidm.example.com"
  node_host_name           = "nsx.example.com"
  client_id                = "nsx-manager"
  thumbprint               = "5F2B6C3E9A41D07B8C1E2F3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E"
  client_secret_wo         = "Vidm-Client-S3cret"
  client_secret_wo_version = 1
}

resource "nsx_oidc_provider" "corp" {
  provider                 = nsx
  oidc_uri                 = "https://login.example.com/.well-known/openid-configuration"
  thumbprint               = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"
  client_id                = "nsx-manager"
  client_secret_wo         = "Oidc-Client-S3cret"
  client_secret_wo_version = 1
  serviced_domains         = ["corp.example.com"]
}
`)
	w.terraform(nil, "apply", "-auto-approve", "-input=false")

	checked := map[string]bool{}
	bodies := 0
	for _, wr := range h.Server.Writes() {
		row := rowFor(wr.Path)
		switch {
		case row == nil:
			t.Errorf("%s %s: the provider sends it, and it has no row in schemaTable", wr.Method, wr.Path)
		case row.write == nil || len(bytes.TrimSpace(wr.Body)) == 0:
		default:
			checked[wr.Method+" "+row.path] = true
			bodies++
			for _, p := range conforms(row.write(), wr.Body) {
				t.Errorf("%s %s (the provider's body): %s", wr.Method, wr.Path, p)
			}
		}
	}
	// What the fake answers to every read of the table.
	reads := []string{"/api/v1/cluster/api-service", "/api/v1/node/aaa/auth-policy", "/api/v1/node", "/api/v1/node/aaa/providers/vidm", "/api/v1/upgrade/nodes", "/api/v1/trust-management/oidc-uris", "/api/v1/node/services/ntp",
		"/api/v1/node/services/ssh", "/api/v1/node/services/snmp", "/api/v1/node/services/http", "/api/v1/node/services/async_replicator",
		"/api/v1/node/services/auth", "/api/v1/node/services/manager", "/api/v1/node/services/policy", "/api/v1/node/services/telemetry",
		"/api/v1/node/services/syslog", "/api/v1/node/services/ssh/status", "/policy/api/v1/infra/global-config", "/api/v1/cluster/backups/config",
		"/api/v1/telemetry/config", "/api/v1/cluster/api-virtual-ip", "/api/v1/cluster/status", "/api/v1/node/version", "/api/v1/node/users",
		"/api/v1/node/users/10000", "/api/v1/node/services/syslog/exporters", "/api/v1/trust-management/principal-identities",
		"/policy/api/v1/aaa/role-bindings", "/policy/api/v1/infra/segments", "/policy/api/v1/search/query?query=resource_type:Segment"}
	var pis struct {
		Results []struct {
			ID            string `json:"id"`
			CertificateID string `json:"certificate_id"`
		} `json:"results"`
	}
	h.CallAs(t, http.MethodGet, "/api/v1/trust-management/principal-identities", &pis)
	if len(pis.Results) > 0 {
		reads = append(reads, "/api/v1/trust-management/principal-identities/"+pis.Results[0].ID, "/api/v1/trust-management/certificates/"+pis.Results[0].CertificateID)
	}
	var bindings struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	h.CallAs(t, http.MethodGet, "/policy/api/v1/aaa/role-bindings", &bindings)
	reads = append(reads, "/policy/api/v1/aaa/role-bindings/"+bindings.Results[0].ID)
	var segments struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	h.CallAs(t, http.MethodGet, "/policy/api/v1/infra/segments", &segments)
	if len(segments.Results) > 0 {
		reads = append(reads, "/policy/api/v1/infra/segments/"+segments.Results[0].ID)
	}
	for _, p := range reads {
		row := rowFor(strings.Split(p, "?")[0])
		if row == nil || row.get == nil {
			t.Errorf("GET %s has no binding in schemaTable", p)
			continue
		}
		var raw json.RawMessage
		h.CallAs(t, http.MethodGet, p, &raw)
		checked["GET "+row.path] = true
		for _, problem := range conforms(row.get(), raw) {
			t.Errorf("GET %s (the fake's answer): %s", p, problem)
		}
	}
	t.Logf("checked against the SDK's bindings: %d bodies the provider sent and %d answers of the fake, %d kinds of request; in no model: %v",
		bodies, len(reads), len(checked), schemaMissing)

	// The check bites: a field of one answer renamed is caught, and so is a value of the wrong type.
	var raw json.RawMessage
	h.CallAs(t, http.MethodGet, "/api/v1/node/aaa/auth-policy", &raw)
	renamed := bytes.Replace(raw, []byte(`"minimum_password_length"`), []byte(`"minimum_password_len"`), 1)
	if p := conforms(mp.AuthenticationPolicyPropertiesBindingType(), renamed); len(p) == 0 {
		t.Error("a renamed field passed the check")
	}
	wrongType := bytes.Replace(raw, []byte(`"_schema": "`), []byte(`"_schema": 7, "x_": "`), 1)
	if p := conforms(mp.AuthenticationPolicyPropertiesBindingType(), wrongType); len(p) == 0 {
		t.Error("a value of the wrong type passed the check")
	}
}

// The routing objects: a hierarchical body as a network team's tool sends it, the fake's
// hierarchical answer to the provider's read (every wrapped child, at every depth) and each
// object at its own path, against the policy SDK's bindings.
func TestRoutingObjectsMatchTheVendorSDK(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	tree := `{"resource_type":"Infra","children":[
	  {"resource_type":"ChildIpv6NdraProfile","Ipv6NdraProfile":{"id":"ra","ra_config":{"hop_limit":64}}},
	  {"resource_type":"ChildDhcpServerConfig","DhcpServerConfig":{"id":"d1","server_addresses":["192.0.2.10/24"]}},
	  {"resource_type":"ChildTier0","Tier0":{"id":"t0","ha_mode":"ACTIVE_STANDBY","dhcp_config_paths":["/infra/dhcp-server-configs/d1"],"children":[
	    {"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
	      {"resource_type":"ChildTier0Interface","Tier0Interface":{"id":"up","subnets":[{"ip_addresses":["192.0.2.2"],"prefix_len":24}],"urpf_mode":"STRICT","multicast":{"enabled":false}}},
	      {"resource_type":"ChildPolicyMulticastConfig","PolicyMulticastConfig":{"enabled":false}},
	      {"resource_type":"ChildBgpRoutingConfig","BgpRoutingConfig":{"local_as_num":"65001","children":[
	        {"resource_type":"ChildBgpNeighborConfig","BgpNeighborConfig":{"id":"n1","neighbor_address":"192.0.2.1","remote_as_num":"65002","password":"x-Y-z-1",
	          "route_filtering":[{"address_family":"IPV4","maximum_routes":100}],"source_addresses":["192.0.2.2"]}}]}},
	      {"resource_type":"ChildOspfRoutingConfig","OspfRoutingConfig":{"enabled":true,"children":[
	        {"resource_type":"ChildOspfAreaConfig","OspfAreaConfig":{"id":"a0","area_id":"0","authentication":{"mode":"MD5","key_id":1,"secret_key":"k"}}}]}}]}}]}},
	  {"resource_type":"ChildTier1","Tier1":{"id":"t1","tier0_path":"/infra/tier-0s/t0","children":[
	    {"resource_type":"ChildLocaleServices","LocaleServices":{"id":"default","children":[
	      {"resource_type":"ChildTier1Interface","Tier1Interface":{"id":"i1","subnets":[{"ip_addresses":["198.51.100.1"],"prefix_len":24}]}}]}}]}}]}`
	for _, p := range conforms(pol.InfraBindingType(), []byte(tree)) {
		t.Errorf("the test's hierarchical body: %s", p)
	}
	var doc map[string]any
	must(t, json.Unmarshal([]byte(tree), &doc))
	walkChildren(t, "the test's body", doc)
	h.PatchInfra(t, tree)

	var answer json.RawMessage
	h.CallAs(t, http.MethodGet, nsxtapi.RoutingPath, &answer)
	for _, p := range conforms(pol.InfraBindingType(), answer) {
		t.Errorf("GET %s: %s", nsxtapi.RoutingPath, p)
	}
	must(t, json.Unmarshal(answer, &doc))
	seen := walkChildren(t, "the fake's hierarchical answer", doc)
	for _, typ := range nsxtapi.RoutingTypes {
		if seen[typ] == 0 {
			t.Errorf("the hierarchical answer held no %s", typ)
		}
	}
	// Each object at its own path.
	for _, p := range []string{"/infra/tier-0s/t0", "/infra/tier-0s/t0/locale-services/default", "/infra/tier-0s/t0/locale-services/default/interfaces/up",
		"/infra/tier-0s/t0/locale-services/default/bgp", "/infra/tier-0s/t0/locale-services/default/bgp/neighbors/n1",
		"/infra/tier-0s/t0/locale-services/default/ospf", "/infra/tier-0s/t0/locale-services/default/ospf/areas/a0",
		"/infra/tier-0s/t0/locale-services/default/multicast", "/infra/ipv6-ndra-profiles/ra", "/infra/dhcp-server-configs/d1",
		"/infra/tier-1s/t1", "/infra/tier-1s/t1/locale-services/default/interfaces/i1"} {
		var obj map[string]any
		h.CallAs(t, http.MethodGet, "/policy/api/v1"+p, &obj)
		typ, _ := obj["resource_type"].(string)
		b, ok := routingBindings[typ]
		if !ok {
			t.Errorf("GET %s: resource_type %q has no binding", p, typ)
			continue
		}
		raw, _ := json.Marshal(obj)
		for _, problem := range conforms(b[1](), raw) {
			t.Errorf("GET %s: %s", p, problem)
		}
	}
	t.Logf("routing objects of each type in the hierarchical answer: %v", seen)
}

// walkChildren checks every wrapped child of a hierarchical document against its wrapper's
// binding, at every depth, and counts the types it met.
func walkChildren(t *testing.T, what string, obj map[string]any) map[string]int {
	t.Helper()
	seen := map[string]int{}
	children, _ := obj["children"].([]any)
	for _, c := range children {
		child, _ := c.(map[string]any)
		wrapper, _ := child["resource_type"].(string)
		typ := strings.TrimPrefix(wrapper, "Child")
		b, ok := routingBindings[typ]
		if !ok {
			t.Errorf("%s: %s has no binding", what, wrapper)
			continue
		}
		seen[typ]++
		raw, _ := json.Marshal(child)
		for _, p := range conforms(b[0](), raw) {
			t.Errorf("%s, %s: %s", what, wrapper, p)
		}
		inner, _ := child[typ].(map[string]any)
		for k, n := range walkChildren(t, what, inner) {
			seen[k] += n
		}
	}
	return seen
}
