import {
  to = nsx_vidm.this
  id = "vidm"
}
