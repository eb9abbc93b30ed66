# A singleton on every node: its id is always vidm. The next apply sends client_secret_wo
# (NSX never answers it), and records client_secret_wo_version.
terraform import nsx_vidm.this vidm
