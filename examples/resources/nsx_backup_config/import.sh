# A singleton: its id is always backup_config. NSX never reveals the SFTP password and the
# backup passphrase, so after an import the plan adds secrets_wo_version as configured: the
# next apply sends the configured secrets and changes nothing else.
terraform import nsx_backup_config.this backup_config
