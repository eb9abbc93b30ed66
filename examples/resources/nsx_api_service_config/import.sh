# The configuration is a singleton with the id reverse_proxy_config. The configuration's
# timeouts are Terraform's, not NSX's: after an import the plan adds them, and the apply
# records them in the state and sends nothing to NSX (no write, no restart).
terraform import nsx_api_service_config.this reverse_proxy_config
