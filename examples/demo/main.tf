# The demo configuration `make demo` applies against the bundled fake managers.
terraform {
  required_providers {
    nsx = {
      source = "netsession/nsx"
    }
  }
}

variable "nsxt_hosts" {
  type = list(string)
}

variable "nsxt_username" {
  type = string
}

variable "nsxt_password" {
  type      = string
  sensitive = true
}

variable "ca_file" {
  type = string
}

provider "nsx" {
  nsxt {
    hosts    = var.nsxt_hosts
    username = var.nsxt_username
    password = var.nsxt_password
    ca_file  = var.ca_file
  }
}

data "nsx_version" "nsxt" {}

data "nsx_segments" "all" {}

resource "nsx_api_service_config" "this" {
  session_timeout       = 1200
  client_api_rate_limit = 80

  protocol_versions = {
    "TLSv1.3" = true
  }

  cipher_suites = {
    TLS_RSA_WITH_AES_128_CBC_SHA = false
  }
}

output "nsx_version" {
  value = data.nsx_version.nsxt.version
}

output "segments" {
  value = data.nsx_segments.all.paths
}

output "api_service" {
  value = {
    session_timeout        = nsx_api_service_config.this.session_timeout
    client_api_rate_limit  = nsx_api_service_config.this.client_api_rate_limit
    enabled_protocols      = [for name, on in nsx_api_service_config.this.effective_protocol_versions : name if on]
    disabled_cipher_suites = [for name, on in nsx_api_service_config.this.effective_cipher_suites : name if !on]
    revision               = nsx_api_service_config.this.revision
  }
}
