variable "ops_password" {
  type      = string
  sensitive = true
}

resource "nsx_node_user" "ops" {
  username            = "ops"
  password_wo         = var.ops_password
  password_wo_version = 1
}

# The local user ops with the auditor role on every path.
resource "nsx_role_binding" "ops" {
  name            = nsx_node_user.ops.username
  type            = "local_user"
  roles_for_paths = { "/" = ["auditor"] }
}
