# The services the STIG names log at INFO on every NSX Manager node.
resource "nsx_service_logging" "this" {
  levels = {
    async_replicator = "INFO"
    auth             = "INFO"
    http             = "INFO"
    manager          = "INFO"
    telemetry        = "INFO"
  }
}
