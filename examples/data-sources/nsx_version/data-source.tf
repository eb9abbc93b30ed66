data "nsx_version" "nsxt" {} # manager = "nsxt" by default

output "nsx_version" {
  value = data.nsx_version.nsxt.version
}
