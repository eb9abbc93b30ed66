import {
  to = nsx_telemetry_config.this
  id = "telemetry_config"
}
