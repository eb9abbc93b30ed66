# The cluster's virtual IP. Keep the nsxt block on the nodes' own addresses.
resource "nsx_cluster_virtual_ip" "this" {
  ip_address = "192.0.2.10"
}
