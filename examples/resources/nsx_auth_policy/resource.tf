# The lockout and password rules of the STIG, on every NSX Manager node of the nsxt block.
# Changing the three API lockout fields restarts each node's HTTP service, one node after
# the other; the apply waits for each.
resource "nsx_auth_policy" "this" {
  api_max_auth_failures          = 3
  api_failed_auth_reset_period   = 900
  api_failed_auth_lockout_period = 900
  cli_max_auth_failures          = 3
  cli_failed_auth_lockout_period = 900
  minimum_password_length        = 15
  upper_chars                    = -1
  lower_chars                    = -1
  digits                         = -1
  special_chars                  = -1
  max_repeats                    = 8
}

output "lockout_period_by_node" {
  value = { for host, n in nsx_auth_policy.this.nodes : host => n.api_failed_auth_lockout_period }
}
