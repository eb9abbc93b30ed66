# A singleton: its id is always ntp.
terraform import nsx_ntp.this ntp
