import {
  to = nsx_fips_config.this
  id = "fips_config"
}
