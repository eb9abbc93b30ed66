# SSH stopped and off at boot on every NSX Manager node; the API and the console stay.
resource "nsx_ssh_service" "this" {
  running       = false
  start_on_boot = false
  root_login    = false
}
