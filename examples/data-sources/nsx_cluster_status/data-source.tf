data "nsx_cluster_status" "this" {}

check "cluster" {
  assert {
    condition     = data.nsx_cluster_status.this.mgmt_cluster_status == "STABLE" && length(data.nsx_cluster_status.this.online_nodes) == 3
    error_message = "The NSX Manager cluster is not stable with three nodes."
  }
}
