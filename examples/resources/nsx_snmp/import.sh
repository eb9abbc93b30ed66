# A singleton: its id is always snmp.
terraform import nsx_snmp.this snmp
