variable "ntp_servers" {
  description = "The authorised NTP servers, host names or IP addresses (VCFN-9X-000111)."
  type        = list(string)
  validation {
    condition     = length(var.ntp_servers) > 0
    error_message = "Give at least one NTP server: the STIG requires one."
  }
}

variable "syslog_servers" {
  description = "The authorised syslog servers every node exports to at level INFO (VCFN-9X-000085): server, port and protocol (TCP, UDP, TLS, LI or LI-TLS)."
  type = list(object({
    server   = string
    port     = number
    protocol = string
  }))
  validation {
    condition     = length(var.syslog_servers) > 0
    error_message = "Give at least one syslog server: the STIG requires every node to export its logs."
  }
  validation {
    condition     = alltrue([for s in var.syslog_servers : contains(["TCP", "UDP", "TLS", "LI", "LI-TLS"], s.protocol)])
    error_message = "Each syslog server's protocol must be TCP, UDP, TLS, LI or LI-TLS."
  }
  validation {
    condition     = length(distinct([for s in var.syslog_servers : s.server])) == length(var.syslog_servers)
    error_message = "Each syslog server may appear once (its exporter is named after it)."
  }
}

variable "virtual_ip" {
  description = "The cluster's virtual IPv4 address (VCFN-9X-000115). Null leaves the virtual IP alone."
  type        = string
  default     = null
}

variable "backup" {
  description = "The SFTP server backups go to, and the passphrase that encrypts them (VCFN-9X-000091). Null leaves backups alone."
  type = object({
    server          = string
    port            = optional(number, 22)
    directory_path  = string
    username        = string
    password        = string
    ssh_fingerprint = string
    passphrase      = string
  })
  default   = null
  sensitive = true
  validation {
    condition     = var.backup == null || can(regex("^SHA256:[A-Za-z0-9+/]{43}=?$", var.backup.ssh_fingerprint))
    error_message = "backup.ssh_fingerprint must be the SFTP server's ECDSA host key fingerprint, SHA256: and 43 base64 characters, as ssh-keygen -l -E sha256 -f ssh_host_ecdsa_key.pub prints it (not a placeholder)."
  }
}

variable "backup_secrets_version" {
  description = "Change it to send the backup password and passphrase again (a rotation): Terraform cannot see a change of a write-only value."
  type        = number
  default     = 1
}

variable "authorized_users" {
  description = "Who may hold a role, and the display name of the role each may hold on `/` (VCFN-9X-000010)."
  type        = map(string)
  default = {
    admin      = "Enterprise Admin"
    audit      = "Auditor"
    guestuser1 = "Auditor"
    guestuser2 = "Auditor"
  }
}

variable "banner" {
  description = "The login banner's text, byte for byte (VCFN-9X-000013). Default: the Standard Mandatory DoD Notice and Consent Banner."
  type        = string
  default     = "You are accessing a U.S. Government (USG) Information System (IS) that is provided for USG-authorized use only.\n\nBy using this IS (which includes any device attached to this IS), you consent to the following conditions:\n-The USG routinely intercepts and monitors communications on this IS for purposes including, but not limited to, penetration testing, COMSEC monitoring, network operations and defense, personnel misconduct (PM), law enforcement (LE), and counterintelligence (CI) investigations.\n-At any time, the USG may inspect and seize data stored on this IS.\n-Communications using, or data stored on, this IS are not private, are subject to routine monitoring, interception, and search, and may be disclosed or used for any USG-authorized purpose.\n-This IS includes security measures (e.g., authentication and access controls) to protect USG interests--not for your personal benefit or privacy.\n-Notwithstanding the above, using this IS does not constitute consent to PM, LE or CI investigative searching or monitoring of the content of privileged communications, or work product, related to personal representation or services by attorneys, psychotherapists, or clergy, and their assistants. Such communications and work product are private and confidential. See User Agreement for details."
}

variable "banner_title" {
  description = "The login banner's title."
  type        = string
  default     = "Standard Mandatory DoD Notice and Consent Banner"
}

variable "allowed_cipher_suites" {
  description = "The cipher suites the STIG allows (VCFN-9X-000075): each is enabled. TLS_CHACHA20_POLY1305_SHA256 is not on the STIG's list."
  type        = list(string)
  default = [
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
  ]
}

variable "disabled_cipher_suites" {
  description = "The cipher suites the manager offers beyond the allowed ones: each is disabled. Default: those of a VCF 9 NSX Manager."
  type        = list(string)
  default = [
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
  ]
}

variable "ceip_acceptance" {
  description = "Whether the manager takes part in CEIP; the NSX 4.x STIG requires false."
  type        = bool
  default     = false
}

variable "routing" {
  description = <<-EOT
    The routing part of the VCF 9 NSX STIG (the 17 VCFR-9X rules, 16 of them checked; VCFR-9X-000028 is reviewed by hand), judged on every Tier-0 and Tier-1 gateway under /infra and reported in `controls` (the module changes no gateway). `enabled = false` leaves it out. The lists are the vendor profile's inputs, by id: the gateways and interfaces that need multicast, and the gateways that need a DHCP server; multicast or DHCP anywhere else is a finding.
  EOT
  type = object({
    enabled                    = optional(bool, true)
    multicast_tier0_gateways   = optional(set(string), [])
    multicast_tier0_interfaces = optional(set(string), [])
    multicast_tier1_gateways   = optional(set(string), [])
    dhcp_tier0_gateways        = optional(set(string), [])
    dhcp_tier1_gateways        = optional(set(string), [])
  })
  default  = {}
  nullable = false
}

variable "stig" {
  description = "The STIG to apply: `auto` (from the manager's release: the VCF 9 NSX STIG on 9.x, the VMware NSX 4.x STIG V1R2 on 4.x), `vcf9` or `nsx4`."
  type        = string
  default     = "auto"
  nullable    = false
  validation {
    condition     = contains(["auto", "vcf9", "nsx4"], var.stig)
    error_message = "stig must be auto, vcf9 or nsx4."
  }
}

variable "identity_provider" {
  description = "NMGR-4X-000015 (NSX 4.x STIG): the identity provider with multifactor authentication users log in through: `vidm` sets the VMware Identity Manager integration on every node, `oidc` an OpenID Connect provider (client secrets are write-only: never in the plan or the state). Without either the control is reported open."
  type = object({
    vidm = optional(object({
      host_name      = string
      node_host_name = string
      client_id      = string
      client_secret  = string
      thumbprint     = string
      lb_enable      = optional(bool, false)
    }))
    oidc = optional(object({
      oidc_uri         = string
      thumbprint       = string
      oidc_type        = optional(string)
      client_id        = optional(string)
      client_secret    = optional(string)
      serviced_domains = optional(set(string))
    }))
  })
  default   = {}
  nullable  = false
  sensitive = true
}

variable "identity_provider_secret_version" {
  description = "Raise it to send a new vIDM client secret (NSX never answers the secret, so a change of its value alone is invisible)."
  type        = number
  default     = 1
}

variable "supported_version" {
  description = "NMGR-4X-000096 (NSX 4.x STIG): the release the organization supports, as a regular expression the manager's version must match (the vendor profile's `nsxtVersion`)."
  type        = string
  default     = "^4\\.2\\."
}
