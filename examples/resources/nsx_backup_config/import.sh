# A singleton: its id is always backup_config.
terraform import nsx_backup_config.this backup_config
