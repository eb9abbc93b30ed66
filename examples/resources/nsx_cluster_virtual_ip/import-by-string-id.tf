import {
  to = nsx_cluster_virtual_ip.this
  id = "api_virtual_ip"
}
