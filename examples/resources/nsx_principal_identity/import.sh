# By the identity's id, or by <name>/<node_id>.
terraform import nsx_principal_identity.pipeline terraform-pipeline/ci-runner-1
