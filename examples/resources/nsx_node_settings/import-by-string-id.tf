import {
  to = nsx_node_settings.this
  id = "node_settings"
}
