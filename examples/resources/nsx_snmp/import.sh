# A singleton: its id is always snmp. NSX never reveals the community strings and the v3
# passwords, so after an import the plan adds secrets_wo_version as configured: the next apply
# sends the configured secrets to every node and changes nothing else.
terraform import nsx_snmp.this snmp
