import {
  provider = nsx
  to       = illumio_label.prod
  id       = "/orgs/1/labels/42"
}
