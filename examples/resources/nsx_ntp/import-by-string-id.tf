import {
  to = nsx_ntp.this
  id = "ntp"
}
