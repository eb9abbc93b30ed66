import {
  to = nsx_service_logging.this
  id = "service_logging:async_replicator,auth,http,manager,telemetry"
}
