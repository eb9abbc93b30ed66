package nsxt_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// everyNode checks a condition of the fake on each of its three nodes.
func everyNode(check func(node int) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for i := range 3 {
			if err := check(i); err != nil {
				return fmt.Errorf("node %d: %w", i, err)
			}
		}
		return nil
	}
}

func props(h *fakeharness.NSXT, service string, node int) map[string]any {
	p, _ := h.Fake.Object(fakensxt.ServicePath(service), node)["service_properties"].(map[string]any)
	return p
}

// The node services hold on every node: NTP servers and running, SSH stopped, the logging
// levels, one exporter; a stopped NTP service on one node, a deleted exporter on another and
// a changed level on a third show in the plan under those nodes, and the apply repairs only
// them. Imports plan nothing.
func TestNodeServices_everyNode(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	hosts := h.Hosts()
	parts := map[string]string{
		"nsx_ntp.this": `
resource "nsx_ntp" "this" {
  servers       = ["ntp1.example.com", "192.0.2.123"]
  start_on_boot = true
  running       = true
}`,
		"nsx_ssh_service.this": `
resource "nsx_ssh_service" "this" {
  running       = false
  start_on_boot = false
  root_login    = false
}`,
		"nsx_service_logging.this": `
resource "nsx_service_logging" "this" {
  levels = { async_replicator = "INFO", auth = "INFO", http = "INFO", manager = "INFO", telemetry = "INFO" }
}`,
		"nsx_syslog_exporter.siem": `
resource "nsx_syslog_exporter" "siem" {
  exporter_name = "siem"
  server        = "syslog.example.com"
  port          = 6514
  protocol      = "TCP"
  level         = "INFO"
}`,
	}
	cfg := fakeharness.Provider(h.NSXTBlock())
	for _, addr := range []string{"nsx_ntp.this", "nsx_ssh_service.this", "nsx_service_logging.this", "nsx_syslog_exporter.siem"} {
		cfg += parts[addr]
	}
	runs := acctest.NewRuns(t, false)
	var actionsBefore, createsBefore int64
	runs.Test(t, []resource.TestStep{
		{
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(everyNode(func(i int) error {
				p := props(h, "ntp", i)
				if !slices.Equal(anyStrings(p["servers"]), []string{"ntp1.example.com", "192.0.2.123"}) || !h.Fake.Running(i, "ntp") {
					return fmt.Errorf("NTP: %v, running %v", p, h.Fake.Running(i, "ntp"))
				}
				if p := props(h, "ssh", i); h.Fake.Running(i, "ssh") || p["start_on_boot"] != false {
					return fmt.Errorf("SSH: %v, running %v", p, h.Fake.Running(i, "ssh"))
				}
				if got := h.Fake.Exporters(i); !slices.Equal(got, []string{"siem"}) {
					return fmt.Errorf("exporters %v", got)
				}
				return nil
			})),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("nsx_ntp.this", tfjsonpath.New("nodes").AtMapKey(hosts[2]).AtMapKey("running"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("nsx_ssh_service.this", tfjsonpath.New("nodes").AtMapKey(hosts[1]).AtMapKey("running"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("nsx_service_logging.this", tfjsonpath.New("nodes").AtMapKey(hosts[0]).AtMapKey("http"), knownvalue.StringExact("INFO")),
				statecheck.ExpectKnownValue("nsx_syslog_exporter.siem", tfjsonpath.New("nodes").AtMapKey(hosts[2]).AtMapKey("matches"), knownvalue.Bool(true)),
			},
		},
		{
			// Three operators, three nodes.
			PreConfig: func() {
				h.Fake.SetRunning(0, "ntp", false)
				h.Fake.DeleteExporter(1, "siem")
				h.Fake.SetObjectField(fakensxt.ServicePath("auth"), 2, "service_properties.logging_level", "WARN")
				s := h.Stats(t)
				actionsBefore, createsBefore = s["service_actions"], s["exporter_creates"]
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("nsx_ntp.this", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("nsx_syslog_exporter.siem", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("nsx_service_logging.this", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("nsx_ssh_service.this", plancheck.ResourceActionNoop),
			}},
			Check: resource.ComposeTestCheckFunc(everyNode(func(i int) error {
				if !h.Fake.Running(i, "ntp") || !slices.Equal(h.Fake.Exporters(i), []string{"siem"}) || props(h, "auth", i)["logging_level"] != "INFO" {
					return fmt.Errorf("not repaired")
				}
				return nil
			}), func(*terraform.State) error {
				s := h.Stats(t)
				if n := s["service_actions"] - actionsBefore; n != 1 {
					return fmt.Errorf("want one start, on the node that stopped, got %d actions", n)
				}
				if n := s["exporter_creates"] - createsBefore; n != 1 {
					return fmt.Errorf("want the exporter created on the node that lost it only, got %d creates", n)
				}
				return nil
			}),
		},
		{Config: cfg, PlanOnly: true},
	})
	// Each imported as it stands plans nothing with its configuration (the exporter, which
	// destroy deleted, made again by hand on every node).
	for i := range hosts {
		if err := h.Fake.AddExporter(i, map[string]any{"exporter_name": "siem", "server": "syslog.example.com", "port": 6514, "protocol": "TCP", "level": "INFO"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, imp := range []struct{ addr, id string }{
		{"nsx_ntp.this", "ntp"}, {"nsx_ssh_service.this", "ssh"}, {"nsx_syslog_exporter.siem", "siem"}, {"nsx_service_logging.this", "service_logging"},
	} {
		one := fakeharness.Provider(h.NSXTBlock()) + parts[imp.addr]
		if imp.addr == "nsx_service_logging.this" { // an import reads every service
			one = strings.Replace(one, `telemetry = "INFO" }`, `telemetry = "INFO", policy = "INFO" }`, 1)
		}
		runs.Test(t, []resource.TestStep{
			{Config: one, ResourceName: imp.addr, ImportState: true, ImportStateId: imp.id, ImportStatePersist: true},
			{Config: one, PlanOnly: true},
		})
	}
	runs.CloseAll()
	if s := h.Stats(t); s["active_sessions"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// SNMP, as the resource's example sets it: v2c off on every node, a v3 user with write-only
// passwords NSX keeps; a rotation sends them again; a v3 target without its user is refused
// at plan time.
func TestSNMP(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	// Someone turned v2c on, on node 2.
	h.Fake.SetObjectField(fakensxt.ServicePath("snmp"), 1, "service_properties.communities",
		[]any{map[string]any{"community_name": "public", "community_string": "public", "access": "READ_ONLY"}})
	h.Fake.SetObjectField(fakensxt.ServicePath("snmp"), 1, "service_properties.v2_configured", true)
	const auth1, priv1, auth2 = "Auth-Passw0rd-1", "Priv-Passw0rd-1", "Auth-Passw0rd-2"
	// The resource's example, its secrets' version a variable.
	example, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "resources", "nsx_snmp", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := fakeharness.Provider(h.NSXTBlock()) + "variable \"v\" {\n  type = number\n}\n" +
		strings.Replace(string(example), "secrets_wo_version   = 1", "secrets_wo_version   = var.v", 1)
	if !strings.Contains(cfg, "var.v") {
		t.Fatal("the example no longer sets secrets_wo_version = 1")
	}
	vars := func(auth string, v int) config.Variables {
		return config.Variables{"snmp_auth_password": config.StringVariable(auth), "snmp_priv_password": config.StringVariable(priv1),
			"v": config.IntegerVariable(v)}
	}
	user := func(i int) map[string]any {
		users, _ := props(h, "snmp", i)["v3_users"].([]any)
		if len(users) != 1 {
			return nil
		}
		u, _ := users[0].(map[string]any)
		return u
	}
	runs := acctest.NewRuns(t, false)
	runs.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`
resource "nsx_snmp" "this" {
  v3_users   = [{ user_id = "a" }]
  v3_targets = [{ server = "nms.example.com", user_id = "b" }]
}`, regexp.MustCompile(`(?s)SNMP v3 Target Without Its User.*"b"`)),
		{
			Config: cfg, ConfigVariables: vars(auth1, 1),
			Check: everyNode(func(i int) error {
				p := props(h, "snmp", i)
				if p["v2_configured"] != false || len(p["communities"].([]any)) != 0 || !h.Fake.Running(i, "snmp") {
					return fmt.Errorf("v2c not off or agent not running: %v", p)
				}
				if u := user(i); u == nil || u["auth_password"] != auth1 || u["priv_password"] != priv1 || p["v3_auth_protocol"] != "SHA512" {
					return fmt.Errorf("v3 user not as configured: %v", p)
				}
				return nil
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("nsx_snmp.this", tfjsonpath.New("v2_configured"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("nsx_snmp.this", tfjsonpath.New("v3_auth_passwords_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue("nsx_snmp.this", tfjsonpath.New("v3_targets").AtSliceIndex(0).AtMapKey("port"), knownvalue.Int64Exact(162)),
			},
		},
		// A changed password alone is no change Terraform can see; with the version, it is sent.
		{Config: cfg, ConfigVariables: vars(auth2, 1), PlanOnly: true},
		{
			Config: cfg, ConfigVariables: vars(auth2, 2),
			Check: everyNode(func(i int) error {
				if u := user(i); u == nil || u["auth_password"] != auth2 {
					return fmt.Errorf("the rotated password did not reach the node: %v", u)
				}
				return nil
			}),
		},
		{Config: cfg, ConfigVariables: vars(auth2, 2), PlanOnly: true},
	})
}

// The cluster's platform settings: FIPS for load balancers (with the restart warning), CEIP
// off, backups on an SFTP server with write-only secrets, the virtual IP; the cluster status
// data source sees three nodes and the virtual IP. Bad values are refused at plan time.
func TestPlatformSettings(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	const fp = "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY"
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_fips_config" "this" {
  lb_fips_enabled = true
}
resource "nsx_telemetry_config" "this" {
  ceip_acceptance = false
}
resource "nsx_backup_config" "this" {
  backup_enabled  = true
  backup_schedule = { resource_type = "WeeklyBackupSchedule", days_of_week = [0, 3], hour_of_day = 2, minute_of_day = 30 }
  remote_file_server = {
    server          = "backup.example.com"
    directory_path  = "/backups/nsx"
    ssh_fingerprint = "` + fp + `"
    username        = "nsxbackup"
  }
  password_wo        = "Sftp-Passw0rd!"
  passphrase_wo      = "Backup-Passphr4se!"
  secrets_wo_version = 1
}
resource "nsx_cluster_virtual_ip" "this" {
  ip_address = "192.0.2.10"
}
data "nsx_cluster_status" "this" {
  depends_on = [nsx_cluster_virtual_ip.this]
}`
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`
resource "nsx_backup_config" "this" {
  backup_enabled  = true
  backup_schedule = { resource_type = "IntervalBackupSchedule", seconds_between_backups = 60 }
}`, regexp.MustCompile(`seconds_between_backups value must be between 300\s+and 86400`)),
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`
resource "nsx_backup_config" "this" {
  backup_enabled = true
  passphrase_wo  = "Backup-Passphr4se!"
}`, regexp.MustCompile(`(?s)Backups Need a Server.*remote_file_server.*Backups Need Their Secrets.*needs password_wo`)),
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`resource "nsx_backup_config" "this" { passphrase_wo = "weakpass" }`, regexp.MustCompile(`Passphrase Too Weak for NSX`)),
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`resource "nsx_cluster_virtual_ip" "this" { ip_address = "2001:db8::10" }`, regexp.MustCompile(`must be an IPv4 address`)),
		{
			Config: cfg,
			Check: func(*terraform.State) error {
				if f, _ := h.Fake.Object(fakensxt.GlobalConfigPath, 0)["fips"].(map[string]any); f["lb_fips_enabled"] != true {
					return fmt.Errorf("fips: %v", f)
				}
				b := h.Fake.Object(fakensxt.BackupConfigPath, 0)
				if b["backup_enabled"] != true || b["passphrase"] != "Backup-Passphr4se!" {
					return fmt.Errorf("backup: %v", b)
				}
				if h.Fake.Object(fakensxt.TelemetryPath, 0)["ceip_acceptance"] != false || h.Fake.VirtualIP() != "192.0.2.10" {
					return fmt.Errorf("telemetry or VIP not set")
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_cluster_status.this", tfjsonpath.New("mgmt_cluster_status"), knownvalue.StringExact("STABLE")),
				statecheck.ExpectKnownValue("data.nsx_cluster_status.this", tfjsonpath.New("online_nodes"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.nsx_cluster_status.this", tfjsonpath.New("virtual_ip"), knownvalue.StringExact("192.0.2.10")),
				statecheck.ExpectKnownValue("nsx_backup_config.this", tfjsonpath.New("remote_file_server").AtMapKey("port"), knownvalue.Int64Exact(22)),
				statecheck.ExpectKnownValue("nsx_backup_config.this", tfjsonpath.New("passphrase_wo"), knownvalue.Null()),
			},
		},
		{Config: cfg, PlanOnly: true},
		{
			// The VIP cleared and CEIP turned on behind Terraform's back.
			PreConfig: func() {
				h.Fake.SetVirtualIP("")
				h.Fake.SetObjectField(fakensxt.TelemetryPath, 0, "ceip_acceptance", true)
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("nsx_cluster_virtual_ip.this", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("nsx_telemetry_config.this", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("nsx_backup_config.this", plancheck.ResourceActionNoop),
			}},
			Check: func(*terraform.State) error {
				if h.Fake.VirtualIP() != "192.0.2.10" || h.Fake.Object(fakensxt.TelemetryPath, 0)["ceip_acceptance"] != false {
					return fmt.Errorf("not repaired")
				}
				return nil
			},
		},
		{Config: cfg, ResourceName: "nsx_backup_config.this", ImportState: true, ImportStateId: "backup_config", ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"timeouts", "secrets_wo_version"}},
		{Config: cfg, ResourceName: "nsx_fips_config.this", ImportState: true, ImportStateId: "fips_config", ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"timeouts"}},
		{Config: cfg, ResourceName: "nsx_cluster_virtual_ip.this", ImportState: true, ImportStateId: "api_virtual_ip", ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"timeouts"}},
	})
	if h.Fake.VirtualIP() != "" {
		t.Fatal("destroy left the virtual IP")
	}
}

// 2,500 segments span three pages of 1,000: every one comes back, and filters narrow them.
func TestSegments_allPagesAndFilters(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	acctest.Test(t, []resource.TestStep{{
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
	}})
}

// nsx_segment reads one segment by id or path with one request; a missing one is an error on
// the attribute that named it, and exactly one of id and path is required. (The valid step
// comes last: the test's final destroy runs its configuration.)
func TestSegment_byIDAndPath(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	provider := fakeharness.Provider(h.NSXTBlock())
	acctest.Test(t, []resource.TestStep{
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
	})
}
