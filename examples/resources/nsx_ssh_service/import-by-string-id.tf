import {
  to = nsx_ssh_service.this
  id = "ssh"
}
