package nsxt_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// Every attribute that takes a host name or an address refuses, at plan and before any
// login, an empty, malformed or duplicate entry: one error on the attribute, saying what is
// allowed. Listed: nsx_ntp servers, nsx_syslog_exporter server, nsx_snmp v2_targets and
// v3_targets servers (and a receiver listed twice), nsx_backup_config's server,
// nsx_cluster_virtual_ip's addresses, nsx_api_service_config's lockout_immune_addresses.
func TestHostsAndAddressesRefusedAtPlan(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	block := fakeharness.Provider(h.NSXTBlock())
	t.Cleanup(func() { // after every case
		if s := h.Stats(t); s["logins"] != 0 {
			t.Errorf("a configuration refused at plan logged in: %v", s)
		}
	})
	one := func(attr, value string) *regexp.Regexp {
		return acctest.Wrapped("Invalid Host Name or Address", "with "+attr, value+" is not a host name or an IP address",
			"a host name is letters, digits and hyphens in dot-separated labels")
	}
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"ntp_empty", `resource "nsx_ntp" "this" { servers = [""] }`,
			acctest.Wrapped("Invalid Host Name or Address", "The value is empty: a host name is letters")},
		{"ntp_url", `resource "nsx_ntp" "this" { servers = ["http://ntp1"] }`, regexp.MustCompile(`(?s)"http://ntp1" is not a host name or an IP\s+address.*without a scheme`)},
		{"ntp_port", `resource "nsx_ntp" "this" { servers = ["ntp1.example.com:123"] }`, regexp.MustCompile(`(?s)without a port`)},
		{"ntp_duplicate", `resource "nsx_ntp" "this" { servers = ["ntp1.example.com", "ntp1.example.com"] }`, regexp.MustCompile(`(?s)duplicate values.*ntp1\.example\.com`)},
		{"syslog", `resource "nsx_syslog_exporter" "this" {
  exporter_name = "siem"
  server        = "siem.example.com/logs"
  protocol      = "TCP"
  level         = "INFO"
}`, one("nsx_syslog_exporter.this", `"siem.example.com/logs"`)},
		{"snmp_target", `resource "nsx_snmp" "this" { v2_targets = [{ server = "trap host", community_name = "c" }] }`, one("nsx_snmp.this", `"trap host"`)},
		{"snmp_duplicate", `resource "nsx_snmp" "this" {
  v3_users   = [{ user_id = "u" }]
  v3_targets = [{ server = "traps.example.com", user_id = "u" }, { server = "TRAPS.example.com", port = 162, user_id = "u" }]
}`, acctest.Wrapped("Duplicate SNMP Trap Receiver", "v3_targets[1] sends to TRAPS.example.com, port 162, as v3_targets[0] does")},
		{"backup", `resource "nsx_backup_config" "this" {
  backup_enabled = false
  remote_file_server = { server = "", directory_path = "/backups", ssh_fingerprint = "SHA256:x", username = "u" }
}`, acctest.Wrapped("Invalid Host Name or Address", "The value is empty")},
		{"vip", `resource "nsx_cluster_virtual_ip" "this" { ip_address = "nsx.example.com" }`, acctest.Wrapped("Invalid Address", `"nsx.example.com" must be an IPv4 address`)},
		{"lockout_immune", `resource "nsx_api_service_config" "this" { lockout_immune_addresses = ["192.0.2.300"] }`, regexp.MustCompile(`(?s)"192\.0\.2\.300" is not an IPv4 or IPv6`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acctest.Test(t, []resource.TestStep{acctest.RefusedAtPlan(block+tc.config, tc.want)})
		})
	}
}
