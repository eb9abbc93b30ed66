import {
  to = nsx_node_user.audit
  id = "audit"
}
