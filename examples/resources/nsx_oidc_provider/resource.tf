# Users of corp.example.com log in through the organisation's OpenID Connect provider, with
# its multifactor authentication (NSX 4.x STIG, NMGR-4X-000015).
variable "oidc_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "nsx_oidc_provider" "corp" {
  oidc_uri                 = "https://login.example.com/.well-known/openid-configuration"
  thumbprint               = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"
  oidc_type                = "ws_one"
  client_id                = "nsx-manager"
  client_secret_wo         = var.oidc_client_secret
  client_secret_wo_version = 1
  serviced_domains         = ["corp.example.com"]
}
