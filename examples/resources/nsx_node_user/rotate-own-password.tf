# The account the nsxt block logs in with (here admin) rotates its own password in one apply:
# old_password_wo is the password the nsxt block holds now, password_wo the new one, and the
# version is raised for each rotation. Store the new password where the nsxt block reads it
# (the secret store, TF_VAR_nsxt_password, NSXT_PASSWORD) before the next run.
variable "nsxt_password" {
  type      = string
  sensitive = true
}

variable "nsxt_new_password" {
  type      = string
  sensitive = true
}

resource "nsx_node_user" "admin" {
  username            = "admin"
  password_wo         = var.nsxt_new_password
  old_password_wo     = var.nsxt_password
  password_wo_version = 2
}
