variable "snmp_auth_password" {
  type      = string
  sensitive = true
}

variable "snmp_priv_password" {
  type      = string
  sensitive = true
}

# SNMP v2c off, one v3 user and one v3 trap receiver, on every NSX Manager node. The
# passwords are write-only; raise secrets_wo_version to send new ones.
resource "nsx_snmp" "this" {
  running          = true
  start_on_boot    = true
  communities      = []
  v2_targets       = []
  v3_auth_protocol = "SHA512"
  v3_priv_protocol = "AES256"
  v3_users         = [{ user_id = "monitor" }]
  v3_targets       = [{ server = "nms.example.com", user_id = "monitor" }]

  v3_auth_passwords_wo = { monitor = var.snmp_auth_password }
  v3_priv_passwords_wo = { monitor = var.snmp_priv_password }
  secrets_wo_version   = 1
}
