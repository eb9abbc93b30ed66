package nsxt_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// Every node's certificate is read from the provider's own connection to it: a CA of the U.S.
// Government is named as such, any other is not.
func TestManagerCertificates_everyNode(t *testing.T) {
	t.Parallel()
	for _, org := range []string{"U.S. Government", ""} {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, CAOrganization: org})
		hosts := h.Hosts()
		checks := []statecheck.StateCheck{statecheck.ExpectKnownValue("data.nsx_manager_certificates.all", tfjsonpath.New("nodes"), knownvalue.MapSizeExact(3))}
		for _, host := range hosts {
			checks = append(checks,
				statecheck.ExpectKnownValue("data.nsx_manager_certificates.all", tfjsonpath.New("nodes").AtMapKey(host).AtMapKey("issuer_organization"), knownvalue.StringExact(org)),
				statecheck.ExpectKnownValue("data.nsx_manager_certificates.all", tfjsonpath.New("nodes").AtMapKey(host).AtMapKey("sha256_fingerprint"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-F]{64}$`))),
				statecheck.ExpectKnownValue("data.nsx_manager_certificates.all", tfjsonpath.New("nodes").AtMapKey(host).AtMapKey("subject"), knownvalue.StringExact("CN=fake-manager")))
		}
		acctest.Test(t, []resource.TestStep{{
			Config:            fakeharness.Provider(h.NSXTBlock()) + `data "nsx_manager_certificates" "all" {}`,
			ConfigStateChecks: checks,
		}})
	}
}
