# FIPS mode for the NSX load balancers (each applies it when it restarts).
resource "nsx_fips_config" "this" {
  lb_fips_enabled = true
}
