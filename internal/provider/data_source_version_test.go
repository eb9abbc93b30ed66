package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

func TestVersion(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(t),
		Steps: []resource.TestStep{
			{
				Config:      fakeharness.Provider(h.NSXTBlock()) + `data "nsx_version" "x" { manager = "nsx-t" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Attribute manager value must be one of`),
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
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
