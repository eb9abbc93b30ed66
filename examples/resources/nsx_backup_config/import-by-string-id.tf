import {
  to = nsx_backup_config.this
  id = "backup_config"
}
