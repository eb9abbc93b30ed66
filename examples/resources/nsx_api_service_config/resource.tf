# Shorter API sessions, a lower per-client rate, TLS 1.3 on and a CBC suite off.
# Attributes left out keep the manager's current value.
resource "nsx_api_service_config" "this" {
  session_timeout       = 1800
  connection_timeout    = 30
  client_api_rate_limit = 80

  protocol_versions = {
    "TLSv1.1" = false
    "TLSv1.3" = true
  }

  cipher_suites = {
    TLS_RSA_WITH_AES_128_CBC_SHA = false
  }

  # NSX 4.x and later. Left out, they stay as the manager has them; so does every field
  # of the object the provider does not model (display_name, fields of newer releases).
  description = "Managed by the network team's pipeline"
  tags = [
    { scope = "owner", tag = "netops" },
    { tag = "prod" },
  ]

  # NSX restarts its API service on every node after a write; the apply waits for it.
  timeouts = {
    update = "15m"
  }
}

output "enabled_cipher_suites" {
  value = [for name, on in nsx_api_service_config.this.effective_cipher_suites : name if on]
}
