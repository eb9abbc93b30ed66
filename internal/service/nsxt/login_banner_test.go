package nsxt_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// The banner on the three behaviours the fake plays (which NSX has is not known): written at
// the node path where the policy path refuses the method; where both refuse, one error naming
// both answers and the UI, or, with fail_if_unwritable = false, a warning and write_path "".
func TestLoginBannerWhereNSXTakesIt(t *testing.T) {
	t.Parallel()
	banner := func(h *fakeharness.NSXT, extra string) string {
		return fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_login_banner" "this" {
  login_banner_title         = "Notice"
  login_banner_content       = "Authorised use only."
  login_banner_status        = true
  login_banner_checkbox_flag = true
  ` + extra + `
}`
	}
	t.Run("node_path", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2, BannerWrite: fakensxt.BannerWriteNode})
		acctest.Test(t, []resource.TestStep{{
			Config: banner(h, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("nsx_login_banner.this", tfjsonpath.New("write_path"), knownvalue.StringExact("/api/v1/loginbanner")),
			},
			Check: func(*terraform.State) error {
				if got := h.Fake.Object(fakensxt.BannerWritePath, 0)["login_banner_content"]; got != "Authorised use only." {
					return fmt.Errorf("the manager holds %q", got)
				}
				return nil
			},
		}})
	})
	t.Run("neither", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2, BannerWrite: fakensxt.BannerWriteNone})
		acctest.Test(t, []resource.TestStep{
			{
				Config: banner(h, ""),
				ExpectError: acctest.Wrapped("Writing the NSX Login Banner Failed", "NSX refused writing the login banner at every path documented for it",
					"PUT /policy/api/v1/loginbanner:", "PUT /api/v1/loginbanner:", "System > Settings > General Settings > User Interface"),
			},
			{
				Config:             banner(h, "fail_if_unwritable = false"),
				ExpectNonEmptyPlan: true, // the banner is not as configured, and the next plan says so
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("nsx_login_banner.this", tfjsonpath.New("write_path"), knownvalue.StringExact("")),
				},
			},
		})
		if s := h.Stats(t); s["rejected_writes"] != 4 { // two runs, two paths each
			t.Fatalf("want each path refused once a run: %v", s)
		}
	})
}
