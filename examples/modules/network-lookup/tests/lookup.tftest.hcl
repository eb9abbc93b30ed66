# Runs against cmd/fakemanager, started from the module's directory with this file's fixture
# and its CA written where the provider block below expects it:
#
#   fakemanager -fixture tests/fixture.json -dir tests/.fakemanager
#
# The addresses and credentials of its announcement (its first line of output) go into the
# provider's own environment variables: NSXT_MANAGER_HOST, NSXT_USERNAME, NSXT_PASSWORD,
# ILLUMIO_PCE_HOST, ILLUMIO_API_KEY_USERNAME, ILLUMIO_API_KEY_SECRET. See the guide "Testing
# modules without a manager"; `make test` runs exactly this.

variables {
  segment     = "web-prod"
  environment = "prod"
}

provider "nsx" {
  nsxt {
    ca_file = "tests/.fakemanager/ca.pem"
  }
  illumio {
    org_id  = 1
    ca_file = "tests/.fakemanager/ca.pem"
  }
}

run "finds_the_segment_and_the_label" {
  command = plan

  assert {
    condition     = output.segment_path == "/infra/segments/web-prod"
    error_message = "the module did not find the web-prod segment"
  }
  assert {
    condition     = output.segment_gateway == "10.20.1.1/24"
    error_message = "the module did not read the segment's gateway"
  }
  assert {
    condition     = startswith(output.env_label_href, "/orgs/1/labels/")
    error_message = "the module did not find the exact env=prod label"
  }
}

run "another_environment" {
  command = plan

  variables {
    segment     = "web-dev"
    environment = "production-legacy"
  }

  assert {
    condition     = output.segment_path == "/infra/segments/web-dev"
    error_message = "the module did not find the web-dev segment"
  }
}
