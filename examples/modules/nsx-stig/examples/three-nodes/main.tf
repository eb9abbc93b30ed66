# The STIG module on a three-node NSX Manager cluster: the provider block lists the nodes'
# own addresses (each node-scoped setting is written on each), the module gets the site's
# servers. The benchmark (`make bench`) and the end-to-end test apply exactly this.
terraform {
  required_providers {
    nsx = { source = "netsession/nsx" }
  }
}

variable "nsx_hosts" {
  description = "The manager nodes' own addresses."
  type        = list(string)
}

variable "nsx_password" {
  type      = string
  sensitive = true
}

variable "nsx_ca_file" {
  type = string
}

variable "backup_password" {
  type      = string
  sensitive = true
}

variable "backup_passphrase" {
  type      = string
  sensitive = true
}

provider "nsx" {
  nsxt {
    hosts    = var.nsx_hosts
    username = "admin"
    password = var.nsx_password
    ca_file  = var.nsx_ca_file
  }
}

module "stig" {
  source         = "../.."
  ntp_servers    = ["ntp1.example.com", "192.0.2.123"]
  syslog_servers = [{ server = "syslog.example.com", port = 514, protocol = "TCP" }]
  virtual_ip     = "192.0.2.10"
  backup = {
    server          = "backup.example.com"
    directory_path  = "/backups/nsx"
    username        = "nsxbackup"
    password        = var.backup_password
    ssh_fingerprint = "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY"
    passphrase      = var.backup_passphrase
  }
}

output "controls" {
  value = module.stig.controls
}

output "all_passed" {
  value = module.stig.all_passed
}

output "any_open" {
  value = module.stig.any_open
}

# For the auditor: terraform output -raw checklist > nsx.cklb
output "checklist" {
  value = module.stig.checklist
}

output "stig" {
  value = module.stig.stig
}
