data "nsx_version" "nsxt" {} # manager = "nsxt" by default

output "nsx_version" {
  value = data.nsx_version.nsxt.version
}

# NSX for vSphere: major.minor.patch.build from global/info.
data "nsx_version" "nsxv" {
  manager = "nsxv"
}

output "nsxv_build" {
  value = data.nsx_version.nsxv.build
}

# Cisco Catalyst SD-WAN Manager: data.version of /dataservice/client/about.
data "nsx_version" "sdwan" {
  manager = "sdwan"
}

# Illumio PCE: version and build of /api/v2/product_version.
data "nsx_version" "pce" {
  manager = "illumio"
}

# vCenter: version, build, product, type and release date of the appliance.
data "nsx_version" "vcenter" {
  manager = "vcenter"
}
