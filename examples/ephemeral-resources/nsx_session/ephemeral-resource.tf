# A session on the NSX Manager for a generic REST provider, to reach an API the NSX provider
# lacks. The session is opened for this run, kept alive while Terraform holds it, logged out
# at the end, and never written to state or plan.
ephemeral "nsx_session" "nsx" {
  manager = "nsxt"
}

provider "restapi" {
  uri                  = ephemeral.nsx_session.nsx.base_url
  headers              = ephemeral.nsx_session.nsx.headers
  write_returns_object = true
}

# The map's keys are the manager's own header names, byte for byte: a tool that takes the
# cookie and the token apart indexes them so.
locals {
  nsx_cookie = ephemeral.nsx_session.nsx.headers["Cookie"]
  nsx_token  = ephemeral.nsx_session.nsx.headers["X-XSRF-TOKEN"]
}

# A session on a given node of the cluster (sessions belong to one node).
ephemeral "nsx_session" "node2" {
  manager = "nsxt"
  host    = "nsx-02.corp"
}
