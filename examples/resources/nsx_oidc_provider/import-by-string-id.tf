import {
  to = nsx_oidc_provider.corp
  id = "5b4c3d2e-0000-4000-8000-000000000001"
}
