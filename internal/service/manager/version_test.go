package manager_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
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

// Thirty nsx_version reads in one plan send one GET (identical reads in flight share one,
// later ones reuse its answer), where each used to send its own.
func TestVersion_thirtyReadsOneRequest(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	var cfg strings.Builder
	cfg.WriteString(fakeharness.Provider(h.NSXTBlock()))
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&cfg, "data \"nsx_version\" \"v%d\" {}\n", i)
	}
	runs := acctest.NewRuns(t, false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: runs.Factories(),
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.v29", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
			},
		}},
	})
	// Each terraform command that reads is a provider process with one login: per login, at
	// most two version GETs (the bound), where 30 were sent before.
	s := h.Stats(t)
	gets := s["requests"] - s["logins"] - s["logouts"]
	if s["logins"] == 0 || gets > 2*s["logins"] {
		t.Fatalf("%d version GETs for %d reading processes, fake says %v", gets, s["logins"], s)
	}
	if p := runs.Stats(); p.Reused < 29*s["logins"] {
		t.Fatalf("want at least 29 reads of each process answered without a request, provider counted %+v", p)
	}
	t.Logf("30 nsx_version reads: %d GETs in %d reading processes; provider %+v", gets, s["logins"], runs.Stats())
}
