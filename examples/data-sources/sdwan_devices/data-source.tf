# Every edge router the SD-WAN Manager cannot reach right now.
data "sdwan_devices" "unreachable_edges" {
  provider     = nsx # the type is not prefixed nsx_, so name the provider
  device_type  = "vedge"
  reachability = "unreachable"
}

output "unreachable_edges" {
  value = [for d in data.sdwan_devices.unreachable_edges.devices : "${d.host_name} (${d.system_ip}, site ${d.site_id})"]
}

# Host name → system IP of every device, for other modules.
data "sdwan_devices" "all" {
  provider = nsx
}

output "system_ips" {
  value = data.sdwan_devices.all.system_ips
}
