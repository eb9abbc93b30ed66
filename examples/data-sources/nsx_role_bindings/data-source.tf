data "nsx_role_bindings" "all" {}

# Only the authorised users hold roles, and only their authorised ones (STIG VCFN-9X-000010).
locals {
  authorized = { admin = "Enterprise Admin", audit = "Auditor" }
}

check "role_bindings" {
  assert {
    condition = alltrue(flatten([
      for name, roles in data.nsx_role_bindings.all.roles : [for r in roles : r == lookup(local.authorized, name, "")]
    ]))
    error_message = "Someone holds a role beyond those authorised."
  }
}
