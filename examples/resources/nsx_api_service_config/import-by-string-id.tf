import {
  to = nsx_api_service_config.this
  id = "reverse_proxy_config"
}
