# By the id NSX chose (GET /api/v1/trust-management/oidc-uris lists them). The next apply
# sends client_secret_wo (NSX never answers it) and records client_secret_wo_version.
terraform import nsx_oidc_provider.corp 5b4c3d2e-0000-4000-8000-000000000001
