variable "backup_password" {
  type      = string
  sensitive = true
}

variable "backup_passphrase" {
  type      = string
  sensitive = true
}

# Backups every night at 02:30 to an SFTP server. The password and passphrase are
# write-only; raise secrets_wo_version to send new ones.
resource "nsx_backup_config" "this" {
  backup_enabled = true
  backup_schedule = {
    resource_type = "WeeklyBackupSchedule"
    days_of_week  = [0, 1, 2, 3, 4, 5, 6]
    hour_of_day   = 2
    minute_of_day = 30
  }
  remote_file_server = {
    server          = "backup.example.com"
    directory_path  = "/backups/nsx"
    ssh_fingerprint = "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY"
    username        = "nsxbackup"
  }
  password_wo        = var.backup_password
  passphrase_wo      = var.backup_passphrase
  secrets_wo_version = 1
}
