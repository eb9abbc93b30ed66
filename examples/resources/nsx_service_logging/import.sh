# The services the configuration lists after the colon (or `service_logging` alone: every service).
terraform import nsx_service_logging.this service_logging:async_replicator,auth,http,manager,telemetry
