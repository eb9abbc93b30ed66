# A singleton: its id is always telemetry_config.
terraform import nsx_telemetry_config.this telemetry_config
