# A singleton: its id is always login_banner.
terraform import nsx_login_banner.this login_banner
