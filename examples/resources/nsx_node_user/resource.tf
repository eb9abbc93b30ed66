variable "ops_password" {
  type      = string
  sensitive = true
}

# The built-in audit account, deactivated.
resource "nsx_node_user" "audit" {
  username = "audit"
  active   = false
}

# A local user (NSX 4.1 and later): its password is write-only, never in the plan or the
# state; raise password_wo_version to send a new one.
resource "nsx_node_user" "ops" {
  username                  = "ops"
  full_name                 = "Network operations"
  password_wo               = var.ops_password
  password_wo_version       = 1
  password_change_frequency = 90
}
