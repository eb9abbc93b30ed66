# Every env label, however many: past 500 the provider reads them through the PCE's async API.
data "illumio_labels" "env" {
  provider = nsx # the type is not prefixed nsx_, so name the provider
  key      = "env"
}

# Exactly the label app=web (the PCE itself would also match "web-frontend").
data "illumio_labels" "web" {
  provider = nsx
  key      = "app"
  value    = "web"
  exact    = true
}

output "env_values" {
  value = data.illumio_labels.env.values["env"]
}

output "web_href" {
  value = one(data.illumio_labels.web.labels[*].href)
}
