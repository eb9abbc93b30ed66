# No CEIP.
resource "nsx_telemetry_config" "this" {
  ceip_acceptance = false
}
