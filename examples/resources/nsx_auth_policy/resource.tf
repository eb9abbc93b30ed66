# A lockout after five failed API logins within two minutes, for a quarter of an hour, and
# passwords of 14 characters or more, on every NSX Manager node of the nsxt block. Changing
# the three API lockout fields restarts each node's HTTP service, one node after the other;
# the apply waits for each. (The STIG's values are in examples/modules/nsx-stig.)
resource "nsx_auth_policy" "this" {
  api_max_auth_failures          = 5
  api_failed_auth_reset_period   = 120
  api_failed_auth_lockout_period = 900
  minimum_password_length        = 14
  hash_algorithm                 = "sha512"
}

output "lockout_period_by_node" {
  value = { for host, n in nsx_auth_policy.this.nodes : host => n.api_failed_auth_lockout_period }
}
