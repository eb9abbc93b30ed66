# The pipeline: NSXT_CLIENT_AUTH_CERT_FILE and NSXT_CLIENT_AUTH_KEY_FILE in the environment,
# and no password anywhere. Every request is authenticated by mutual TLS.
terraform {
  required_providers {
    nsx = { source = "netsession/nsx" }
  }
}

variable "nsx_hosts" {
  type = list(string)
}

variable "ca_file" {
  type = string
}

provider "nsx" {
  nsxt {
    hosts   = var.nsx_hosts
    ca_file = var.ca_file
  }
}

# What the pipeline manages; objects it creates are protected from other users' changes.
resource "nsx_role_binding" "network_auditors" {
  name            = "network-auditors@corp.example.com"
  type            = "remote_group"
  roles_for_paths = { "/" = ["auditor"] }
}

