import {
  to = nsx_auth_policy.this
  id = "auth_policy"
}
