# The configuration is a singleton with the id reverse_proxy_config.
terraform import nsx_api_service_config.this reverse_proxy_config
