package sdwan_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
)

const reads = `
data "nsx_version" "sdwan" {
  manager = "sdwan"
}
data "sdwan_devices" "all" {
  provider = nsx
}`

// On 20.18.1, a JWT login and an API key read the manager without taking a session slot:
// one JWT login per run, no session login, nothing left open.
func TestSDWAN_jwtAndAPIKey(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Devices: 4, Release: fakesdwan.JWTRelease})
	check := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.nsx_version.sdwan", tfjsonpath.New("version"), knownvalue.StringExact(fakesdwan.JWTRelease)),
		statecheck.ExpectKnownValue("data.sdwan_devices.all", tfjsonpath.New("devices"), knownvalue.ListSizeExact(4)),
	}
	acctest.Test(t, []resource.TestStep{
		{Config: fakeharness.Provider(h.JWTBlock()) + reads, ConfigStateChecks: check},
	})
	s := h.Stats(t)
	if s["logins"] != 0 || s["active_sessions"] != 0 || s["jwt_logins"] == 0 || s["failed_logins"] != 0 {
		t.Fatalf("want JWT logins only and no session: %v", s)
	}
	jwt := s["jwt_logins"]
	acctest.Test(t, []resource.TestStep{
		{Config: fakeharness.Provider(h.KeyBlock(h.APIKey)) + reads, ConfigStateChecks: check},
		{
			// Only the key in the block: auth is api_key.
			Config:            fakeharness.Provider(fmt.Sprintf("sdwan {\n    url     = %q\n    api_key = %q\n    ca_file = %q\n  }", h.URL(), h.APIKey, h.CAFile)) + reads,
			ConfigStateChecks: check,
		},
		{
			Config:      fakeharness.Provider(h.KeyBlock("vmk_not-a-key")) + reads,
			ExpectError: regexp.MustCompile(`(?s)API\s+key\s+was\s+refused.*check\s+api_key`),
		},
	})
	if s := h.Stats(t); s["logins"] != 0 || s["active_sessions"] != 0 || s["jwt_logins"] != jwt || s["bearer_requests"] == 0 {
		t.Fatalf("want the API key on every call and no login: %v", s)
	}
}

// A release before 20.18.1 offers neither: the error names the release needed, and no
// password is counted as failed.
func TestSDWAN_jwtOnOlderRelease(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{})
	acctest.Test(t, []resource.TestStep{
		{Config: fakeharness.Provider(h.JWTBlock()) + reads,
			ExpectError: regexp.MustCompile(`(?s)does\s+not\s+offer\s+JWT\s+login.*SD-WAN\s+Manager\s+20\.18\.1\s+and\s+later\s+do.*auth\s+=\s+"session"`)},
		{Config: fakeharness.Provider(h.KeyBlock("vmk_0123456789abcdef")) + reads,
			ExpectError: regexp.MustCompile(`(?s)does\s+not\s+offer\s+API\s+keys.*20\.18\.1\s+and\s+later`)},
	})
	if s := h.Stats(t); s["failed_logins"] != 0 || s["logins"] != 0 {
		t.Fatalf("an older release counted a login: %v", s)
	}
}

// Mixed credentials are attribute errors at plan.
func TestSDWAN_authBlockErrors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Release: fakesdwan.JWTRelease})
	base := fmt.Sprintf("url = %q\n    ca_file = %q\n", h.URL(), h.CAFile)
	acctest.Test(t, []resource.TestStep{
		{Config: fakeharness.Provider(fmt.Sprintf("sdwan {\n    %s    api_key = \"k\"\n    username = \"u\"\n    password = \"p\"\n  }", base)) + reads,
			ExpectError: regexp.MustCompile(`(?s)Attribute "sdwan.(username|password)" cannot be specified when\s+"sdwan.api_key" is\s+specified`)},
		{Config: fakeharness.Provider(fmt.Sprintf("sdwan {\n    %s    auth = \"api_key\"\n  }", base)) + reads,
			ExpectError: regexp.MustCompile(`(?s)Missing SD-WAN Manager API Key`)},
		{Config: fakeharness.Provider(fmt.Sprintf("sdwan {\n    %s    auth = \"token\"\n  }", base)) + reads,
			ExpectError: regexp.MustCompile(`(?s)sdwan.auth.*value must be one of`)},
	})
	if s := h.Stats(t); s["requests"] != 0 {
		t.Fatalf("errors at plan sent something: %v", s)
	}
}
