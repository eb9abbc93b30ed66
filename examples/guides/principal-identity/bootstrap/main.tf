# Run once, by an administrator, with a password (NSXT_USERNAME and NSXT_PASSWORD in the
# environment): registers the pipeline's certificate as a principal identity.
terraform {
  required_providers {
    nsx = { source = "netsession/nsx" }
  }
}

variable "nsx_hosts" {
  type        = list(string)
  description = "The NSX Manager nodes (or the cluster VIP)."
}

variable "ca_file" {
  type        = string
  description = "PEM file of the CA that signed the managers' certificates."
}

variable "certificate_file" {
  type        = string
  description = "The pipeline's certificate (its public part; the key never comes here)."
  default     = "pipeline.crt"
}

provider "nsx" {
  nsxt {
    hosts   = var.nsx_hosts
    ca_file = var.ca_file
  }
}

resource "nsx_principal_identity" "pipeline" {
  name            = "terraform-pipeline"
  node_id         = "ci-runner-1"
  certificate_pem = file(var.certificate_file)
  description     = "CI pipeline; certificate only, no password"
  roles_for_paths = { "/" = ["enterprise_admin"] }
}

output "principal_identity_id" {
  value = nsx_principal_identity.pipeline.id
}
