# The CLI idle timeout and the time zone of every NSX Manager node.
resource "nsx_node_settings" "this" {
  cli_timeout = 300
  timezone    = "UTC"
}
