# The same NTP servers on every NSX Manager node, the service started on boot and running.
resource "nsx_ntp" "this" {
  servers       = ["ntp1.example.com", "192.0.2.123"]
  start_on_boot = true
  running       = true
}
