# The user "api" was created on the NSX Manager console first:
#   user api password plaintext <password>
#   user api privilege web-interface
# Its role can only be assigned through the API, which this resource does.

# Read-only access to everything, for an audit pipeline.
resource "nsxv_cli_user_role" "audit" {
  provider = nsx # the type is not prefixed nsx_, so name the provider
  user_id  = "audit"
  role     = "auditor"
}

# Security administration of one datacenter, for the firewall pipeline.
resource "nsxv_cli_user_role" "firewall" {
  provider     = nsx
  user_id      = "fw-pipeline"
  role         = "security_admin"
  resource_ids = ["datacenter-2"]
}

# A user that already has a role (given by hand, or left as auditor by an earlier destroy:
# NSX-v keeps a local user's role) is taken over instead of failing the apply.
resource "nsxv_cli_user_role" "ops" {
  provider       = nsx
  user_id        = "ops"
  role           = "security_admin"
  adopt_existing = true
}
