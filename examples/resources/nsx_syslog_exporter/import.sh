# An exporter by its name. NSX never reveals an exporter's TLS client key: where the
# configuration sets tls_key_pem_wo, the plan after an import adds tls_key_pem_wo_version, and
# the next apply creates the exporter again on every node with that key.
terraform import nsx_syslog_exporter.siem siem
