# A singleton: its id is always auth_policy.
terraform import nsx_auth_policy.this auth_policy
