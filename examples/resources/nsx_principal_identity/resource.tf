# A certificate user for automation: the pipeline presents pipeline.crt and its key (never
# given to this resource); it holds enterprise_admin everywhere.
resource "nsx_principal_identity" "pipeline" {
  name            = "terraform-pipeline"
  node_id         = "ci-runner-1"
  certificate_pem = file("${path.module}/pipeline.crt")
  description     = "CI pipeline"
  roles_for_paths = { "/" = ["enterprise_admin"] }
}
