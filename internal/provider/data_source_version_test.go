package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

func TestVersion(t *testing.T) {
	t.Parallel()
	h := fakensxt.StartHarness(t, fakensxt.HarnessOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(t),
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(h) + `data "nsx_version" "x" { manager = "nsx-t" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Attribute manager value must be one of`),
			},
			{
				Config: providerBlock(h) + `
data "nsx_version" "default" {}
data "nsx_version" "explicit" {
  manager = "nsxt"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("manager"), knownvalue.StringExact("nsxt")),
					statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
					statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("node_version"), knownvalue.StringExact(fakensxt.Version)),
					statecheck.ExpectKnownValue("data.nsx_version.explicit", tfjsonpath.New("product_version"), knownvalue.StringExact(fakensxt.Version)),
				},
			},
		},
	})
}
