# vSphere tags of the category "security-zone", e.g. to create one NSX group or Illumio label each.
data "vcenter_tags" "zones" {
  provider = nsx # the type is not prefixed nsx_, so name the provider
  category = "security-zone"
}

output "zones" {
  value = data.vcenter_tags.zones.by_category["security-zone"]
}
