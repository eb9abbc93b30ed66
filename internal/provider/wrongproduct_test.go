package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// An nsxt block pointed at another product's address is told what answered there, never to
// check its password: SD-WAN Manager's login page, vCenter's and the PCE's error shapes,
// NSX-v's XML error.
func TestNSXTBlockAtAnotherProduct(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*fakeharness.Control{
		"Cisco Catalyst SD-WAN Manager": fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{}).Control,
		"vCenter":                       fakeharness.StartVCenter(t, fakeharness.VCenterOptions{}).Control,
		"an Illumio PCE":                fakeharness.StartIllumio(t, fakeharness.IllumioOptions{}).Control,
		"NSX for vSphere":               fakeharness.StartNSXV(t, fakeharness.NSXVOptions{}).Control,
	} {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			block := "nsxt {\n    host     = \"" + strings.TrimPrefix(c.Server.URLs()[0], "https://") + "\"\n    username = \"admin\"\n" +
				"    password = \"Some-Passw0rd!\"\n    ca_file  = \"" + c.CAFile + "\"\n  }"
			want := acctest.Wrapped("it answers as "+name+", not NSX",
				"check host in the nsxt block: it must name NSX Manager's API (the password was not what failed)")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories(t),
				Steps:                    []resource.TestStep{{Config: fakeharness.Provider(block) + `data "nsx_version" "v" {}`, ExpectError: want}},
				ErrorCheck: func(err error) error {
					if flat := strings.Join(strings.Fields(err.Error()), " "); strings.Contains(flat, "username and password") ||
						strings.Contains(flat, "refused the login") {
						t.Errorf("the error suggests the credentials:\n%v", err)
					}
					return err
				},
			})
		})
	}
}
