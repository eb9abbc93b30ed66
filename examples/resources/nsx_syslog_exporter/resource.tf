# Every NSX Manager node sends its logs at INFO and above to the SIEM over TCP.
resource "nsx_syslog_exporter" "siem" {
  exporter_name = "siem"
  server        = "syslog.example.com"
  port          = 514
  protocol      = "TCP"
  level         = "INFO"
}

output "nodes_exporting" {
  value = [for host, n in nsx_syslog_exporter.siem.nodes : host if n.present && n.matches && n.syslog_running]
}
