# An exporter by its name.
terraform import nsx_syslog_exporter.siem siem
