# A singleton: its id is always fips_config.
terraform import nsx_fips_config.this fips_config
