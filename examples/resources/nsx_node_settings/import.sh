# A singleton: its id is always node_settings.
terraform import nsx_node_settings.this node_settings
