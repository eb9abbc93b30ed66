# One segment by id: a single small request, however many segments the manager has.
data "nsx_segment" "web" {
  id = "web"
}

# Or by its policy path, as other resources refer to it.
data "nsx_segment" "db" {
  path = "/infra/segments/db"
}

output "web_gateway" {
  value = data.nsx_segment.web.subnets[0].gateway_address
}
