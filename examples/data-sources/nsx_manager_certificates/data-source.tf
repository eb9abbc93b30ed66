# NMGR-4X-000094: every manager node's certificate issued by the DoD.
data "nsx_manager_certificates" "all" {}

check "dod_certificates" {
  assert {
    condition     = alltrue([for n, c in data.nsx_manager_certificates.all.nodes : c.issuer_organization == "U.S. Government"])
    error_message = "Certificates not issued by the DoD: ${join(", ", [for n, c in data.nsx_manager_certificates.all.nodes : "${n} (${c.issuer})" if c.issuer_organization != "U.S. Government"])}."
  }
}
