# Runs against cmd/fakemanager playing a three-node VCF 9 NSX Manager, started from the
# module's directory with its CA written where the provider block below expects it:
#
#   fakemanager -nodes 3 -nsxt-release 9.0 -dir tests/.fakemanager
#
# The nodes' addresses (comma-separated) and the credentials of its announcement (its first
# line of output) go into NSXT_MANAGER_HOST, NSXT_USERNAME and NSXT_PASSWORD. `make test` runs
# exactly this (internal/e2e/stig_test.go).

variables {
  ntp_servers    = ["ntp1.example.com", "192.0.2.123"]
  syslog_servers = [{ server = "syslog.example.com", port = 514, protocol = "TCP" }]
  virtual_ip     = "192.0.2.10"
  backup = {
    server          = "backup.example.com"
    directory_path  = "/backups/nsx"
    username        = "nsxbackup"
    password        = "Sftp-Passw0rd!"
    ssh_fingerprint = "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY"
    passphrase      = "Backup-Passphr4se!"
  }
}

provider "nsx" {
  nsxt {
    ca_file = "tests/.fakemanager/ca.pem"
  }
}

run "hardens_every_node" {
  assert {
    condition     = length(output.controls) == 40
    error_message = "the module reports ${length(output.controls)} controls, not the STIG's 23 manager and 17 routing rules"
  }
  assert {
    condition     = alltrue([for id, c in output.controls : c.status == (id == "VCFR-9X-000028" ? "not_reviewed" : "not_applicable") if startswith(id, "VCFR-9X-")])
    error_message = "a manager without gateways: every routing control should be not applicable (but the manual VCFR-9X-000028), got ${jsonencode({ for id, c in output.controls : id => c.status if startswith(id, "VCFR-9X-") })}"
  }
  assert {
    condition     = !output.any_open
    error_message = "controls open: ${jsonencode([for id, c in output.controls : id if c.status == "open"])}"
  }
  assert {
    condition     = output.all_passed
    error_message = "controls not met: ${jsonencode({ for id, c in output.controls : id => c.detail if !c.passed })}"
  }
  assert {
    condition     = length(nsx_auth_policy.this.nodes) == 3
    error_message = "the auth policy was not written on the three nodes"
  }
}

run "a_second_apply_changes_nothing" {
  command = plan
  assert {
    condition     = output.all_passed
    error_message = "the manager no longer meets the STIG"
  }
}

run "routing_left_out" {
  command = plan
  variables {
    routing = { enabled = false }
  }
  assert {
    condition     = length([for id, c in output.controls : id if startswith(id, "VCFR-9X-")]) == 0
    error_message = "routing controls reported with routing.enabled = false"
  }
}

run "rejects_an_unknown_syslog_protocol" {
  command = plan
  variables {
    syslog_servers = [{ server = "syslog.example.com", port = 514, protocol = "RELP" }]
  }
  expect_failures = [var.syslog_servers]
}
