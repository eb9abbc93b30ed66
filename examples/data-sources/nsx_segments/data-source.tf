# Every segment, however many pages the manager serves them in.
data "nsx_segments" "all" {}

# Only segments attached to no gateway (type DISCONNECTED): overlay or VLAN-backed alike;
# a VLAN-backed segment is one whose transport zone is a VLAN transport zone.
data "nsx_segments" "isolated" {
  type = "DISCONNECTED"
}

# Only the segments of one transport zone, e.g. the VLAN transport zone.
data "nsx_segments" "vlan_tz" {
  transport_zone_path = "/infra/sites/default/enforcement-points/default/transport-zones/3c1b7e2a-8f0d-4a61-9b55-7d2e6a9c0f11"
}

output "web_segment_path" {
  value = data.nsx_segments.all.paths["web"]
}
