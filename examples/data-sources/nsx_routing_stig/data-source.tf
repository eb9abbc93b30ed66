# Judge the routing part of the VCF 9 NSX STIG on every Tier-0 and Tier-1 gateway. The
# arguments are the vendor profile's inputs: the gateways and interfaces that need multicast
# or DHCP, by id; anything else with multicast or DHCP on is a finding.
data "nsx_routing_stig" "gateways" {
  multicast_tier0_gateways   = ["t0-media"]
  multicast_tier0_interfaces = ["uplink-media"]
  dhcp_tier1_gateways        = ["t1-lab"]
}

# Open findings, each with the object and what to change.
output "routing_open" {
  value = {
    for id, c in data.nsx_routing_stig.gateways.controls : id => [
      for f in c.findings : "${f.object}: ${f.fix}" if f.status == "open"
    ] if c.status == "open"
  }
}

# Fail the pipeline's plan when a routing control is open.
check "routing_stig" {
  assert {
    condition     = !data.nsx_routing_stig.gateways.any_open
    error_message = "A routing control of the VCF 9 NSX STIG is open: see the routing_open output."
  }
}
