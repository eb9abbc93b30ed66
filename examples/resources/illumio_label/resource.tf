resource "illumio_label" "prod" {
  provider = nsx # the type is not prefixed nsx_, so name the provider
  key      = "env"
  value    = "Production"

  # Optional: which system manages the label, and its id there.
  external_data_set       = "terraform"
  external_data_reference = "env/production"
}
