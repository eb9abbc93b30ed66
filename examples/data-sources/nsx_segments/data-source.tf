# Every segment, however many pages the manager serves them in.
data "nsx_segments" "all" {}

# Only VLAN-backed (disconnected) segments.
data "nsx_segments" "vlan" {
  type = "DISCONNECTED"
}

output "web_segment_path" {
  value = data.nsx_segments.all.paths["web"]
}
