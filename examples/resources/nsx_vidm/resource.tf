# Users log in through VMware Identity Manager, with its multifactor authentication (NSX 4.x
# STIG, NMGR-4X-000015).
variable "vidm_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "nsx_vidm" "this" {
  vidm_enable              = true
  host_name                = "vidm.example.com"
  node_host_name           = "nsx.example.com"
  client_id                = "nsx-manager"
  thumbprint               = "5F2B6C3E9A41D07B8C1E2F3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E"
  client_secret_wo         = var.vidm_client_secret
  client_secret_wo_version = 1
}
