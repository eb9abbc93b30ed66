import {
  provider = nsx
  to       = nsxv_cli_user_role.audit
  id       = "audit"
}
