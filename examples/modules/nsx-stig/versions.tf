terraform {
  required_version = ">= 1.11"
  required_providers {
    nsx = {
      source = "netsession/nsx"
    }
  }
}
