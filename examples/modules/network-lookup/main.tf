# A module that looks up, for one application environment, the NSX segment it runs on and the
# Illumio label that marks it: the kind of module teams publish and test. Its tests (tests/)
# run against cmd/fakemanager, with no manager at all.
terraform {
  required_version = ">= 1.7"
  required_providers {
    nsx = {
      source = "netsession/nsx"
    }
  }
}

variable "segment" {
  description = "Display name of the segment the application runs on."
  type        = string
}

variable "environment" {
  description = "Value of the Illumio env label, e.g. prod."
  type        = string
}

data "nsx_segments" "app" {
  display_name = var.segment
}

data "illumio_labels" "env" {
  provider = nsx
  key      = "env"
  value    = var.environment
  exact    = true
}

output "segment_path" {
  description = "Policy path of the segment, for groups and rules."
  value       = one(data.nsx_segments.app.segments[*].path)
}

output "segment_gateway" {
  description = "Gateway address of the segment's first subnet."
  value       = one(data.nsx_segments.app.segments[*].subnets[0].gateway_address)
}

output "env_label_href" {
  description = "Href of the env label, for Illumio rule sets."
  value       = one(data.illumio_labels.env.labels[*].href)
}
