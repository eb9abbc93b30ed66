package nsxt_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// An OIDC provider is created with its write-only secret (never in the state), changed in
// place with the _revision NSX holds, refused at plan with a malformed thumbprint, and left on
// the manager by a destroy that says so (NSX's API has no delete).
func TestOIDCProvider_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cfg := func(thumb, domains string) string {
		return fakeharness.Provider(h.NSXTBlock()) + fmt.Sprintf(`
resource "nsx_oidc_provider" "corp" {
  oidc_uri                 = "https://login.example.com/.well-known/openid-configuration"
  thumbprint               = %q
  client_id                = "nsx-manager"
  client_secret_wo         = "Oidc-Client-S3cret"
  client_secret_wo_version = 1
  serviced_domains         = [%s]
}`, thumb, domains)
	}
	const thumb = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"
	providers := func() []map[string]any {
		var out struct {
			Results []map[string]any `json:"results"`
		}
		h.CallAs(t, http.MethodGet, "/api/v1/trust-management/oidc-uris", &out)
		return out.Results
	}
	acctest.Test(t, []resource.TestStep{
		{Config: cfg("not-a-thumbprint", ""), ExpectError: regexp.MustCompile(`(?s)thumbprint.*64 hexadecimal digits`)},
		{
			Config: cfg(thumb, `"corp.example.com"`),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("nsx_oidc_provider.corp", "oidc_type", "vcenter"),
				resource.TestCheckResourceAttr("nsx_oidc_provider.corp", "issuer", "https://login.example.com"),
				resource.TestCheckResourceAttr("nsx_oidc_provider.corp", "revision", "0"),
				func(s *terraform.State) error {
					b, _ := json.Marshal(s)
					if strings.Contains(string(b), "Oidc-Client-S3cret") {
						return fmt.Errorf("the state holds the client secret")
					}
					return nil
				}),
		},
		{
			Config: cfg(thumb, `"corp.example.com", "lab.example.com"`),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("nsx_oidc_provider.corp", "serviced_domains.#", "2"),
				resource.TestCheckResourceAttr("nsx_oidc_provider.corp", "revision", "1")),
		},
		{ResourceName: "nsx_oidc_provider.corp", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"client_secret_wo_version"}},
	})
	// The destroy that ended the test left the provider where NSX keeps it.
	if p := providers(); len(p) != 1 || p[0]["client_secret"] != nil {
		t.Fatalf("after the destroy NSX holds %v", p)
	}
}
