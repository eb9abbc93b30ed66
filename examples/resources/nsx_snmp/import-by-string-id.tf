import {
  to = nsx_snmp.this
  id = "snmp"
}
