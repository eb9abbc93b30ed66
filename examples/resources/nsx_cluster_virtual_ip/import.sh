# A singleton: its id is always api_virtual_ip.
terraform import nsx_cluster_virtual_ip.this api_virtual_ip
