terraform {
  required_providers {
    nsx = {
      source = "netsession/nsx"
    }
  }
}

variable "nsx_password" {
  type      = string
  sensitive = true
}

variable "nsxv_password" {
  type      = string
  sensitive = true
}

variable "sdwan_password" {
  type      = string
  sensitive = true
}

variable "pce_api_key_secret" {
  type      = string
  sensitive = true
}

variable "vsphere_password" {
  type      = string
  sensitive = true
}

provider "nsx" {
  # Stay under NSX's per-client limits (100 requests/s, 40 concurrent); these are the defaults.
  rate_limit      = 50
  max_concurrency = 20
  max_retries     = 4

  nsxt {
    # One VIP, or every node of the cluster: each node used gets its own session.
    hosts    = ["nsx-01.corp", "nsx-02.corp", "nsx-03.corp:443"]
    username = "admin"
    password = var.nsx_password
    ca_file  = "/etc/ssl/corp-ca.pem"
  }

  # NSX for vSphere: an auth token (6.4+), or HTTP Basic on every call on older managers.
  nsxv {
    host     = "nsxv-manager.corp"
    username = "admin"
    password = var.nsxv_password
    ca_file  = "/etc/ssl/corp-ca.pem"
  }

  # Cisco Catalyst SD-WAN Manager: one session per run, always logged out at the end,
  # so a pipeline never takes one of the manager's 100 session slots from an operator.
  sdwan {
    url      = "https://vmanage.corp:8443"
    username = "netops"
    password = var.sdwan_password
    ca_file  = "/etc/ssl/corp-ca.pem"
  }

  # Illumio PCE: a persistent API key (Basic on every call), or username/password for a
  # session login that is logged out at the end of the run.
  illumio {
    host             = "pce.corp:8443"
    org_id           = 1
    api_key_username = "api_1a2b3c4d5e6f7"
    api_key_secret   = var.pce_api_key_secret
  }

  # vCenter: one CIS session per run (/api/session, or /rest on vCenter before 7.0 U2),
  # deleted at the end.
  vcenter {
    host     = "vcenter.corp"
    username = "administrator@vsphere.local"
    password = var.vsphere_password
  }
}
