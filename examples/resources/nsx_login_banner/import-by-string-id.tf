import {
  to = nsx_login_banner.this
  id = "login_banner"
}
