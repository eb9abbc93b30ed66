locals {
  nodes = keys(nsx_auth_policy.this.nodes)

  # Per control, the nodes where the manager reports it not met.
  failing = {
    "VCFN-9X-000007" = [for h, l in nsx_service_logging.this.nodes : h if !alltrue([for s in local.logged_services : lookup(l, s, "") == "INFO"])]
    "VCFN-9X-000012" = [for h, p in nsx_auth_policy.this.nodes : h if !(p.api_failed_auth_reset_period <= 900 && p.api_failed_auth_lockout_period >= 900 && p.api_max_auth_failures == 3 && p.cli_failed_auth_lockout_period >= 900 && p.cli_max_auth_failures == 3)]
    "VCFN-9X-000038" = [for h, p in nsx_auth_policy.this.nodes : h if p.minimum_password_length < 15]
    "VCFN-9X-000039" = [for h, p in nsx_auth_policy.this.nodes : h if p.upper_chars > -1]
    "VCFN-9X-000040" = [for h, p in nsx_auth_policy.this.nodes : h if p.lower_chars > -1]
    "VCFN-9X-000041" = [for h, p in nsx_auth_policy.this.nodes : h if p.digits > -1]
    "VCFN-9X-000042" = [for h, p in nsx_auth_policy.this.nodes : h if p.special_chars > -1]
    "VCFN-9X-000043" = [for h, p in nsx_auth_policy.this.nodes : h if p.max_repeats > 8]
    "VCFN-9X-000050" = [for h, n in nsx_node_settings.this.nodes : h if n.cli_timeout == 0 || n.cli_timeout > 300]
    "VCFN-9X-000065" = [for h, n in nsx_node_settings.this.nodes : h if !contains(["UTC", "Etc/UTC"], n.timezone)]
    "VCFN-9X-000085" = distinct(flatten([for e in nsx_syslog_exporter.this : [for h, n in e.nodes : h if !(n.present && n.matches && n.syslog_running)]]))
    "VCFN-9X-000086" = [for h, n in nsx_ssh_service.this.nodes : h if n.running || n.start_on_boot || n.root_login]
    "VCFN-9X-000111" = [for h, n in nsx_ntp.this.nodes : h if length(n.servers) == 0 || !n.start_on_boot || length(setsubtract(toset(n.servers), toset(var.ntp_servers))) > 0]
    "VCFN-9X-000113" = [for h, n in nsx_snmp.this.nodes : h if n.v2_configured]
  }

  unauthorized_roles = flatten([for name, roles in data.nsx_role_bindings.all.roles : [for r in roles : "${name} holds ${r}" if r != lookup(var.authorized_users, name, "")]])
  cluster_ok = (data.nsx_cluster_status.this.control_cluster_status == "STABLE" && length(data.nsx_cluster_status.this.online_nodes) == 3 &&
  !contains(["", "0.0.0.0"], data.nsx_cluster_status.this.virtual_ip))

  api               = nsx_api_service_config.this
  enabled_protocols = [for p, on in local.api.effective_protocol_versions : p if on]
  # Enabled and not allowed, or allowed and not enabled: the STIG's check fails on either.
  bad_protocols   = concat(tolist(setsubtract(local.enabled_protocols, ["TLSv1.2", "TLSv1.3"])), [for p, on in local.api.effective_protocol_versions : p if !on && contains(["TLSv1.2", "TLSv1.3"], p)])
  bad_ciphers     = concat([for c, on in local.api.effective_cipher_suites : c if on && !contains(var.allowed_cipher_suites, c)], [for c, on in local.api.effective_cipher_suites : c if !on && contains(var.allowed_cipher_suites, c)])
  active_accounts = [for u in nsx_node_user.default : u.username if u.status != "NOT_ACTIVATED"]
  banner_ok       = (nsx_login_banner.this.login_banner_content == var.banner && nsx_login_banner.this.login_banner_status && nsx_login_banner.this.login_banner_checkbox_flag)
  backup_ok       = length(nsx_backup_config.this) == 1 && try(nsx_backup_config.this[0].backup_enabled && contains(["IntervalBackupSchedule", "WeeklyBackupSchedule"], nsx_backup_config.this[0].backup_schedule.resource_type), false)
}

locals {
  no_backup = nonsensitive(var.backup == null)
  # Each manager control with its status as a checklist has it: not_a_finding, open, or
  # not_reviewed where the module could not act (the banner, where NSX takes no write of it),
  # and its objects: each node where the setting is per node, else the cluster.
  banner_unwritten = nsx_login_banner.this.write_path == ""
  manager_controls = { for id, c in local.results : id => (id == "VCFN-9X-000013" && local.banner_unwritten ? {
    passed  = false
    status  = "not_reviewed"
    detail  = "NSX refused writing the banner at both API paths: set it in the UI (System > Settings > General Settings > User Interface)"
    objects = { cluster = "not_reviewed" }
    } : merge(c, {
      status  = c.passed ? "not_a_finding" : "open"
      objects = contains(keys(local.failing), id) ? { for h in local.nodes : h => contains(local.failing[id], h) ? "open" : "not_a_finding" } : { cluster = c.passed ? "not_a_finding" : "open" }
  })) }
  routing_controls = length(data.nsx_routing_stig.this) == 1 ? { for id, c in data.nsx_routing_stig.this[0].controls : id => {
    passed = c.status == "not_a_finding" || c.status == "not_applicable"
    status = c.status
    # Why, object by object: each finding's evidence, and for an open one what to change.
    detail  = join("\n", concat([c.detail], [for f in c.findings : "${f.object} (${f.status}): ${f.evidence}${f.status == "open" ? " Fix: ${f.fix}." : ""}"]))
    objects = c.objects
  } } : {}
  # The STIG applied: its manager controls (the VCF 9 ones above, or the NSX 4.x ones), then
  # the VCF 9 routing rules.
  stig_controls = { for id, c in merge(local.manager_controls, local.nsx4_controls) : id => c if startswith(id, local.stig == "vcf9" ? "VCFN-9X-" : "NMGR-4X-") }
  controls      = merge(local.stig_controls, local.routing_controls)
  results = merge(
    { for id, bad in local.failing : id => {
      passed = length(bad) == 0
      detail = length(bad) == 0 ? "met on all ${length(local.nodes)} nodes" : "not met on ${join(", ", bad)}"
    } },
    {
      "VCFN-9X-000010" = { passed = length(local.unauthorized_roles) == 0, detail = length(local.unauthorized_roles) == 0 ? "only authorised users hold roles" : join("; ", local.unauthorized_roles) }
      "VCFN-9X-000013" = { passed = local.banner_ok, detail = local.banner_ok ? "the DoD notice is shown and must be consented to" : "the banner differs from var.banner, or is off, or needs no consent" }
      "VCFN-9X-000034" = { passed = length(local.active_accounts) == 0, detail = length(local.active_accounts) == 0 ? "audit, guestuser1 and guestuser2 are deactivated" : "active: ${join(", ", local.active_accounts)}" }
      "VCFN-9X-000037" = { passed = length(local.bad_protocols) == 0, detail = length(local.bad_protocols) == 0 ? "enabled: ${join(", ", sort(local.enabled_protocols))}" : "wrong: ${join(", ", local.bad_protocols)}" }
      "VCFN-9X-000050" = {
        passed = length(local.failing["VCFN-9X-000050"]) == 0 && local.api.session_timeout > 0 && local.api.session_timeout <= 300
        detail = "session_timeout ${local.api.session_timeout}; cli_timeout ${length(local.failing["VCFN-9X-000050"]) == 0 ? "at most 300 on every node" : "wrong on ${join(", ", local.failing["VCFN-9X-000050"])}"}"
      }
      "VCFN-9X-000075" = { passed = length(local.bad_ciphers) == 0, detail = length(local.bad_ciphers) == 0 ? "only the allowed cipher suites are enabled" : "wrong: ${join(", ", local.bad_ciphers)}" }
      "VCFN-9X-000076" = {
        passed = local.api.client_api_concurrency_limit == 40 && local.api.client_api_rate_limit == 100 && local.api.global_api_concurrency_limit == 199
        detail = "client concurrency ${local.api.client_api_concurrency_limit}, client rate ${local.api.client_api_rate_limit}, global concurrency ${local.api.global_api_concurrency_limit}"
      }
      "VCFN-9X-000091" = { passed = local.backup_ok, detail = local.no_backup ? "backups left alone (backup = null)" : (local.backup_ok ? "backups enabled on a schedule" : "backups not enabled on a schedule") }
      "VCFN-9X-000114" = { passed = nsx_fips_config.this.lb_fips_enabled, detail = nsx_fips_config.this.lb_fips_enabled ? "FIPS mode on for load balancers (each applies it when it restarts)" : "FIPS mode off" }
      "VCFN-9X-000115" = { passed = local.cluster_ok, detail = "control cluster ${data.nsx_cluster_status.this.control_cluster_status}, ${length(data.nsx_cluster_status.this.online_nodes)} nodes online, virtual IP \"${data.nsx_cluster_status.this.virtual_ip}\"" }
    },
  )
}

output "controls" {
  description = "Each control id of both parts of the VCF 9 NSX STIG (23 VCFN-9X manager controls; 17 VCFR-9X routing controls unless `routing.enabled = false`) → `{ passed, status, detail, objects }`: `status` is `not_a_finding`, `open`, `not_applicable` or `not_reviewed` (a control the API cannot decide, with the reason; never passed), `passed` whether it is met or does not apply, `detail` why, `objects` each node (per-node settings), `cluster`, or gateway object path → its status."
  value       = local.controls
}

output "all_passed" {
  description = "Whether every manager control of the STIG applied is met after the apply, but those the module cannot set (NSX 4.x: NMGR-4X-000094, the DoD certificate; the manual NMGR-4X-000103; NMGR-4X-000015 without `identity_provider`); the routing controls do not count here (see `any_open`)."
  value       = alltrue([for id, c in local.stig_controls : c.passed if !contains(local.not_settable, id)])
}

output "stig" {
  description = "The STIG applied: `vcf9` (VCF 9 NSX STIG) or `nsx4` (VMware NSX 4.x STIG V1R2, manager part), and the release it was chosen for."
  value       = { stig = local.stig, release = local.release }
}

output "any_open" {
  description = "Whether any control of either part, manager or routing, is `open`."
  value       = anytrue([for id, c in local.controls : c.status == "open"])
}

locals {
  # The checklist's target: the cluster, by its virtual IP where it has one.
  checklist_host = coalesce(var.virtual_ip, data.nsx_cluster_status.this.virtual_ip, local.nodes[0])
}

output "checklist" {
  description = "A STIG Viewer 3 checklist (CKLB 1.0, JSON) of this run: the NSX Manager cluster as its target (its virtual IP, or first node, as host name; every node in the comments), the STIG applied (VCF 9: the NSX Manager and NSX Routing STIGs; NSX 4.x: the manager part of the NSX 4.x STIG) with every rule's metadata and the status `controls` gives it. Write it with `terraform output -raw checklist > nsx.cklb`."
  value = provider::nsx::stig_checklist(local.stig, {
    host_name  = local.checklist_host
    ip_address = can(cidrhost("${local.checklist_host}/32", 0)) ? local.checklist_host : ""
    comments   = "NSX Manager cluster ${data.nsx_cluster_status.this.cluster_id} (control cluster ${data.nsx_cluster_status.this.control_cluster_status}); nodes: ${join(", ", [for n in data.nsx_cluster_status.this.online_nodes : "${n.uuid} at ${n.ip_address}"])}; written through ${join(", ", local.nodes)}."
  }, local.controls)
}

# The VMware NSX 4.x STIG V1R2's manager controls (NMGR-4X), from what the manager reports
# after the apply: most ask what a VCF 9 control asks (the same settings), some with other
# thresholds (lockout periods of exactly 900 s, max_repeats at least 8, TLS 1.1 off only).
locals {
  vidm_nodes = length(nsx_vidm.this) == 1 ? nsx_vidm.this[0].nodes : {}
  no_idp     = nonsensitive(var.identity_provider.vidm == null && var.identity_provider.oidc == null)
  # The controls the module cannot set: all_passed leaves them out.
  not_settable = concat(["NMGR-4X-000094", "NMGR-4X-000103"], local.no_idp ? ["NMGR-4X-000015"] : [])
  nsx4_failing = {
    "NMGR-4X-000007" = local.failing["VCFN-9X-000007"]
    "NMGR-4X-000012" = [for h, p in nsx_auth_policy.this.nodes : h if !(p.api_failed_auth_reset_period == 900 && p.api_failed_auth_lockout_period == 900 && p.api_max_auth_failures == 3 && p.cli_failed_auth_lockout_period == 900 && p.cli_max_auth_failures == 3)]
    "NMGR-4X-000015" = [for h in local.nodes : h if !try(local.vidm_nodes[h].vidm_enable, false) && length(nsx_oidc_provider.this) == 0]
    "NMGR-4X-000039" = local.failing["VCFN-9X-000038"]
    "NMGR-4X-000040" = local.failing["VCFN-9X-000039"]
    "NMGR-4X-000041" = local.failing["VCFN-9X-000040"]
    "NMGR-4X-000042" = local.failing["VCFN-9X-000041"]
    "NMGR-4X-000043" = local.failing["VCFN-9X-000042"]
    "NMGR-4X-000044" = [for h, p in nsx_auth_policy.this.nodes : h if p.max_repeats < 8]
    "NMGR-4X-000067" = local.failing["VCFN-9X-000111"]
    "NMGR-4X-000068" = local.failing["VCFN-9X-000065"]
    "NMGR-4X-000087" = local.failing["VCFN-9X-000085"]
    "NMGR-4X-000094" = [for h, c in data.nsx_manager_certificates.this.nodes : h if c.issuer_organization != "U.S. Government"]
    "NMGR-4X-000097" = [for h, n in nsx_ssh_service.this.nodes : h if n.running || n.start_on_boot]
    "NMGR-4X-000098" = local.failing["VCFN-9X-000113"]
  }
  nsx4_cluster = {
    "NMGR-4X-000010" = local.results["VCFN-9X-000010"]
    "NMGR-4X-000013" = local.results["VCFN-9X-000013"]
    "NMGR-4X-000014" = local.results["VCFN-9X-000013"]
    "NMGR-4X-000035" = local.results["VCFN-9X-000034"]
    "NMGR-4X-000038" = { passed = !lookup(local.api.effective_protocol_versions, "TLSv1.1", false), detail = "TLSv1.1 ${lookup(local.api.effective_protocol_versions, "TLSv1.1", false) ? "enabled" : "disabled"}" }
    "NMGR-4X-000052" = local.results["VCFN-9X-000050"]
    "NMGR-4X-000079" = local.results["VCFN-9X-000076"]
    "NMGR-4X-000088" = { passed = !nsx_telemetry_config.this.ceip_acceptance, detail = nsx_telemetry_config.this.ceip_acceptance ? "the manager takes part in CEIP" : "CEIP off" }
    "NMGR-4X-000093" = local.results["VCFN-9X-000091"]
    "NMGR-4X-000096" = { passed = can(regex(var.supported_version, local.release)), detail = "NSX ${local.release}; the supported release is ${var.supported_version}" }
    "NMGR-4X-000099" = local.results["VCFN-9X-000114"]
    "NMGR-4X-000102" = local.results["VCFN-9X-000115"]
  }
  nsx4_details = {
    "NMGR-4X-000015" = local.no_idp ? "no identity provider: give identity_provider.vidm or identity_provider.oidc (with MFA)" : "vIDM not enabled on"
    "NMGR-4X-000094" = "certificates not issued by the DoD (U.S. Government) on"
  }
  nsx4_controls = merge(
    { for id, bad in local.nsx4_failing : id => {
      passed  = length(bad) == 0
      status  = length(bad) == 0 ? "not_a_finding" : "open"
      detail  = length(bad) == 0 ? "met on all ${length(local.nodes)} nodes" : "${lookup(local.nsx4_details, id, "not met on")} ${join(", ", bad)}"
      objects = { for h in local.nodes : h => contains(bad, h) ? "open" : "not_a_finding" }
    } },
    { for id, c in local.nsx4_cluster : id => {
      passed  = c.passed
      status  = c.passed ? "not_a_finding" : "open"
      detail  = c.detail
      objects = { cluster = c.passed ? "not_a_finding" : "open" }
    } },
    { "NMGR-4X-000103" = {
      passed  = false
      status  = "not_reviewed"
      detail  = "Manual: the three managers on separate physical hosts is a vCenter setting (VM/Host rules), reviewed by hand."
      objects = { cluster = "not_reviewed" }
    } },
  )
}
