# A singleton: its id is always ssh.
terraform import nsx_ssh_service.this ssh
