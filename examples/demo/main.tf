# The demo configuration `make demo` applies against the bundled fake managers.
terraform {
  required_providers {
    nsx = {
      source = "netsession/nsx"
    }
  }
}

# Addresses and credentials come from the fakes' announcement (cmd/demo writes them into
# terraform.tfvars.json).
variable "nsxt_hosts" {
  type = list(string)
}

variable "ca_file" {
  type = string
}

variable "credentials" {
  description = "Per manager: host (or url), username and password; for illumio the API key pair."
  type        = map(map(string))
  sensitive   = true
}

provider "nsx" {
  nsxt {
    hosts    = var.nsxt_hosts
    username = var.credentials.nsxt.username
    password = var.credentials.nsxt.password
    ca_file  = var.ca_file
  }
  nsxv {
    host     = var.credentials.nsxv.host
    username = var.credentials.nsxv.username
    password = var.credentials.nsxv.password
    ca_file  = var.ca_file
  }
  sdwan {
    url      = var.credentials.sdwan.host
    username = var.credentials.sdwan.username
    password = var.credentials.sdwan.password
    ca_file  = var.ca_file
  }
  illumio {
    host             = var.credentials.illumio.host
    org_id           = 1
    api_key_username = var.credentials.illumio.username
    api_key_secret   = var.credentials.illumio.password
    ca_file          = var.ca_file
  }
  vcenter {
    host     = var.credentials.vcenter.host
    username = var.credentials.vcenter.username
    password = var.credentials.vcenter.password
    ca_file  = var.ca_file
  }
}

# Each manager's version, and one object type of each.
data "nsx_version" "all" {
  for_each = toset(["nsxt", "nsxv", "sdwan", "illumio", "vcenter"])
  manager  = each.key
}

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

resource "nsxv_cli_user_role" "api" {
  provider = nsx
  user_id  = "api"
  role     = "auditor"
}

data "sdwan_devices" "all" {
  provider = nsx
}

data "illumio_labels" "env" {
  provider = nsx
  key      = "env"
}

data "vcenter_tags" "all" {
  provider = nsx
}

output "versions" {
  value = { for name, v in data.nsx_version.all : name => v.version }
}

output "nsx_segments" {
  value = data.nsx_segments.all.paths
}

output "nsx_api_service" {
  value = {
    session_timeout        = nsx_api_service_config.this.session_timeout
    client_api_rate_limit  = nsx_api_service_config.this.client_api_rate_limit
    enabled_protocols      = [for name, on in nsx_api_service_config.this.effective_protocol_versions : name if on]
    disabled_cipher_suites = [for name, on in nsx_api_service_config.this.effective_cipher_suites : name if !on]
  }
}

output "nsxv_api_user_role" {
  value = nsxv_cli_user_role.api.role
}

output "sdwan_devices" {
  value = [for d in data.sdwan_devices.all.devices : "${d.host_name} (${d.system_ip})"]
}

output "illumio_env_labels" {
  value = data.illumio_labels.env.values["env"]
}

output "vcenter_tags" {
  value = data.vcenter_tags.all.by_category
}
