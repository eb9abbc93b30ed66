import {
  to = nsx_syslog_exporter.siem
  id = "siem"
}
