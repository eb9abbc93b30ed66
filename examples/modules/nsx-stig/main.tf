# Every VCF 9 NSX Manager STIG control the NSX API can set, on every manager node the nsxt
# block of the caller's provider lists (node-scoped settings are written through each
# node's own session). Controls that are checks rather than settings are check blocks; the
# output `controls` says, per control, what the manager reports after the apply.
#
# The two writes that restart NSX's API service come first (the lockout policy restarts each
# node's, one node after the other; the API service settings every node's); everything else
# waits for them, so that no other write meets a restarting node.

locals {
  # VCFN-9X-000007: the services whose logging level the STIG checks.
  logged_services = ["async_replicator", "auth", "http", "manager", "telemetry"]
  # VCFN-9X-000034: the default local accounts the STIG wants deactivated.
  default_accounts = ["audit", "guestuser1", "guestuser2"]
}

# VCFN-9X-000012, 000038 to 000043: lockout and password complexity, on every node.
resource "nsx_auth_policy" "this" {
  api_max_auth_failures          = 3
  api_failed_auth_reset_period   = 900
  api_failed_auth_lockout_period = 900
  cli_max_auth_failures          = 3
  cli_failed_auth_lockout_period = 900
  minimum_password_length        = 15
  upper_chars                    = -1
  lower_chars                    = -1
  digits                         = -1
  special_chars                  = -1
  max_repeats                    = 8
}

# VCFN-9X-000050 (cli_timeout), 000065 (timezone), on every node.
resource "nsx_node_settings" "this" {
  cli_timeout = 300
  timezone    = "UTC"
  depends_on  = [nsx_api_service_config.this]
}

# The release the manager runs decides the STIG (var.stig can force it): the VCF 9 NSX STIG
# on 9.x, the VMware NSX 4.x STIG V1R2 (manager part, NMGR-4X) on 4.x. Both use the same
# resources at the same addresses, so moving between them, or upgrading the manager from
# 4.2 to 9.0, changes settings and destroys nothing.
data "nsx_version" "manager" {}

locals {
  release = data.nsx_version.manager.product_version
  stig    = var.stig != "auto" ? var.stig : (startswith(local.release, "9.") ? "vcf9" : "nsx4")
}

# VCFN-9X-000037, 000050 (session_timeout), 000075, 000076 / NMGR-4X-000038, 000052, 000079:
# the API service. The NSX 4.x STIG checks only that TLS 1.1 is off and names no cipher
# suites: on nsx4 the module leaves TLS 1.3 and the cipher suites as the manager has them.
resource "nsx_api_service_config" "this" {
  session_timeout              = 300
  client_api_concurrency_limit = 40
  client_api_rate_limit        = 100
  global_api_concurrency_limit = 199
  protocol_versions            = local.stig == "vcf9" ? { "TLSv1.1" = false, "TLSv1.2" = true, "TLSv1.3" = true } : { "TLSv1.1" = false, "TLSv1.2" = true }
  cipher_suites = local.stig == "vcf9" ? merge(
    { for c in var.disabled_cipher_suites : c => false },
    { for c in var.allowed_cipher_suites : c => true },
  ) : null
  # The lockout policy restarts each node's HTTP service; the API service restarts every
  # node's: one after the other.
  depends_on = [nsx_auth_policy.this]

  lifecycle {
    precondition {
      condition     = startswith(local.release, "9.") || startswith(local.release, "4.")
      error_message = "This module applies the VCF 9 NSX STIG (NSX 9.x) or the VMware NSX 4.x STIG (NSX 4.x, tested on 4.2); the manager runs NSX ${local.release}."
    }
    precondition {
      condition     = local.stig != "vcf9" || startswith(local.release, "9.")
      error_message = "stig = \"vcf9\" applies the VCF 9 NSX STIG, whose TLS 1.3 cipher suites and settings are VCF 9's; the manager runs NSX ${local.release}. Use stig = \"nsx4\" (or \"auto\") for the VMware NSX 4.x STIG."
    }
  }
}

# VCFN-9X-000013: the DoD notice, shown and consented to.
resource "nsx_login_banner" "this" {
  login_banner_title         = var.banner_title
  login_banner_content       = var.banner
  login_banner_status        = true
  login_banner_checkbox_flag = true
  # Which API path takes the banner is not known for any release: where NSX refuses both,
  # the control is reported not reviewed (set it in the UI) instead of failing the apply.
  fail_if_unwritable = false
  depends_on         = [nsx_api_service_config.this]
}

# VCFN-9X-000034: the default local accounts deactivated.
resource "nsx_node_user" "default" {
  for_each   = toset(local.default_accounts)
  username   = each.key
  active     = false
  depends_on = [nsx_api_service_config.this]
}

# VCFN-9X-000007: service logging at INFO, on every node.
resource "nsx_service_logging" "this" {
  levels     = { for s in local.logged_services : s => "INFO" }
  depends_on = [nsx_api_service_config.this]
}

# VCFN-9X-000085: every node exports to the authorised servers at INFO, syslog running.
resource "nsx_syslog_exporter" "this" {
  for_each      = { for s in var.syslog_servers : s.server => s }
  exporter_name = each.key
  server        = each.value.server
  port          = each.value.port
  protocol      = each.value.protocol
  level         = "INFO"
  depends_on    = [nsx_api_service_config.this]
}

# VCFN-9X-000086: SSH stopped, not started on boot, no root login, on every node.
resource "nsx_ssh_service" "this" {
  running       = false
  start_on_boot = false
  root_login    = false
  depends_on    = [nsx_api_service_config.this]
}

# VCFN-9X-000111: the authorised NTP servers, started on boot and running, on every node.
resource "nsx_ntp" "this" {
  servers       = var.ntp_servers
  start_on_boot = true
  running       = true
  depends_on    = [nsx_api_service_config.this]
}

# VCFN-9X-000113: SNMP v2c off (no communities, no v2c targets), on every node.
resource "nsx_snmp" "this" {
  communities = []
  v2_targets  = []
  depends_on  = [nsx_api_service_config.this]
}

# VCFN-9X-000114: FIPS mode for the load balancers.
resource "nsx_fips_config" "this" {
  lb_fips_enabled = true
  depends_on      = [nsx_api_service_config.this]
}

# VCFN-9X-000091: backups on a schedule, to the SFTP server given.
resource "nsx_backup_config" "this" {
  count           = nonsensitive(var.backup != null) ? 1 : 0
  backup_enabled  = true
  backup_schedule = { resource_type = "IntervalBackupSchedule", seconds_between_backups = 3600 }
  remote_file_server = {
    server          = var.backup.server
    port            = var.backup.port
    directory_path  = var.backup.directory_path
    ssh_fingerprint = var.backup.ssh_fingerprint
    username        = var.backup.username
  }
  password_wo        = var.backup.password
  passphrase_wo      = var.backup.passphrase
  secrets_wo_version = var.backup_secrets_version
  depends_on         = [nsx_api_service_config.this]
}

# VCFN-9X-000115 (the virtual IP).
resource "nsx_cluster_virtual_ip" "this" {
  count      = var.virtual_ip == null ? 0 : 1
  ip_address = var.virtual_ip
  depends_on = [nsx_api_service_config.this]
}

# The NSX 4.x STIG: CEIP off.
resource "nsx_telemetry_config" "this" {
  ceip_acceptance = var.ceip_acceptance
  depends_on      = [nsx_api_service_config.this]
}

# What the controls that are checks read, after everything above.
data "nsx_role_bindings" "all" {
  depends_on = [nsx_node_user.default]
}

data "nsx_cluster_status" "this" {
  depends_on = [nsx_cluster_virtual_ip.this, nsx_api_service_config.this, nsx_auth_policy.this]
}

# What the two checks below read: the manager as it is at plan, so that a plan shows a finding
# the apply will not fix (the module grants no roles) and never a result "known after apply".
# The outputs read the same after the apply (the data sources above).
data "nsx_role_bindings" "at_plan" {}

data "nsx_cluster_status" "at_plan" {}

# VCFN-9X-000010: only authorised users hold roles, and only their authorised ones.
check "role_bindings" {
  assert {
    condition     = length(flatten([for name, roles in data.nsx_role_bindings.at_plan.roles : [for r in roles : r if r != lookup(var.authorized_users, name, "")]])) == 0
    error_message = "Roles beyond those authorised: ${join("; ", flatten([for name, roles in data.nsx_role_bindings.at_plan.roles : [for r in roles : "${name} holds ${r}" if r != lookup(var.authorized_users, name, "")]]))}."
  }
}

# VCFN-9X-000115: the cluster is stable with three nodes and has a virtual IP (or this module
# sets one).
check "cluster" {
  assert {
    condition = (data.nsx_cluster_status.at_plan.control_cluster_status == "STABLE" && length(data.nsx_cluster_status.at_plan.online_nodes) == 3 &&
    (!contains(["", "0.0.0.0"], data.nsx_cluster_status.at_plan.virtual_ip) || var.virtual_ip != null))
    error_message = "The cluster is not STABLE with three nodes online and a virtual IP: control ${data.nsx_cluster_status.at_plan.control_cluster_status}, ${length(data.nsx_cluster_status.at_plan.online_nodes)} nodes online, virtual IP \"${data.nsx_cluster_status.at_plan.virtual_ip}\"${var.virtual_ip == null ? " (set virtual_ip to have this module set one)" : ""}."
  }
}

# NMGR-4X-000015 (NSX 4.x STIG): an identity provider with MFA, vIDM, when its inputs are given.
resource "nsx_vidm" "this" {
  count                    = nonsensitive(var.identity_provider.vidm != null) ? 1 : 0
  vidm_enable              = true
  host_name                = var.identity_provider.vidm.host_name
  node_host_name           = var.identity_provider.vidm.node_host_name
  client_id                = var.identity_provider.vidm.client_id
  thumbprint               = var.identity_provider.vidm.thumbprint
  lb_enable                = var.identity_provider.vidm.lb_enable
  client_secret_wo         = var.identity_provider.vidm.client_secret
  client_secret_wo_version = var.identity_provider_secret_version
  depends_on               = [nsx_api_service_config.this]
}

# NMGR-4X-000015: or an OIDC provider, when its inputs are given.
resource "nsx_oidc_provider" "this" {
  count                    = nonsensitive(var.identity_provider.oidc != null) ? 1 : 0
  oidc_uri                 = var.identity_provider.oidc.oidc_uri
  thumbprint               = var.identity_provider.oidc.thumbprint
  oidc_type                = var.identity_provider.oidc.oidc_type
  client_id                = var.identity_provider.oidc.client_id
  client_secret_wo         = var.identity_provider.oidc.client_secret
  client_secret_wo_version = var.identity_provider_secret_version
  serviced_domains         = var.identity_provider.oidc.serviced_domains
  depends_on               = [nsx_api_service_config.this]
}

# NMGR-4X-000094: the certificate every node presents (checked, never set: the DoD issues it).
data "nsx_manager_certificates" "this" {
  depends_on = [nsx_api_service_config.this]
}

# The routing part: every Tier-0 and Tier-1 gateway judged, after the manager's settings
# (the read goes through the same sessions).
data "nsx_routing_stig" "this" {
  count                      = var.routing.enabled && local.stig == "vcf9" ? 1 : 0
  multicast_tier0_gateways   = var.routing.multicast_tier0_gateways
  multicast_tier0_interfaces = var.routing.multicast_tier0_interfaces
  multicast_tier1_gateways   = var.routing.multicast_tier1_gateways
  dhcp_tier0_gateways        = var.routing.dhcp_tier0_gateways
  dhcp_tier1_gateways        = var.routing.dhcp_tier1_gateways
  depends_on                 = [nsx_api_service_config.this]
}
