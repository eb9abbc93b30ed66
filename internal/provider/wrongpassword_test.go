package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// A wrong password costs one login attempt on every manager, however many reads ask at once
// and however many retries are allowed, and the error gives the manager's own words. (NSX's
// case, with its lockout advice, is the fault suite's case 11.)
func TestWrongPasswordIsOneAttemptOnEveryManager(t *testing.T) {
	t.Parallel()
	const wrong = "not-the-password"
	cases := []struct {
		name  string
		start func(t *testing.T) (block string, c *fakeharness.Control)
		reads string
		// words are the error's sentences, in order.
		words []string
		// basic: the manager is asked with Basic credentials on every call (no session).
		basic bool
	}{
		{"sdwan", func(t *testing.T) (string, *fakeharness.Control) {
			h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{})
			h.Password = wrong
			return h.SDWANBlock(), h.Control
		}, `
data "nsx_version" "a" { manager = "sdwan" }
data "sdwan_devices" "b" { provider = nsx }
data "sdwan_devices" "c" { provider = nsx }`, []string{"refused the login (HTTP 200): Invalid User or Password"}, false},
		{"illumio", func(t *testing.T) (string, *fakeharness.Control) {
			h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{})
			h.Password = wrong
			return h.SessionBlock(), h.Control
		}, `
data "nsx_version" "a" { manager = "illumio" }
data "illumio_labels" "b" { provider = nsx }
data "illumio_labels" "c" { provider = nsx }`, []string{"refused the login (HTTP 401): Invalid email or password"}, false},
		{"vcenter", func(t *testing.T) (string, *fakeharness.Control) {
			h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{})
			h.Password = wrong
			return h.VCenterBlock(), h.Control
		}, `
data "nsx_version" "a" { manager = "vcenter" }
data "vcenter_tags" "b" { provider = nsx }
data "vcenter_tags" "c" {
  provider = nsx
  category = "env"
}`, []string{"refused the login (HTTP 401): Authentication required", "details of the error are not disclosed"}, false},
		{"nsxv", func(t *testing.T) (string, *fakeharness.Control) {
			h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{NoTokenEndpoint: true})
			h.Password = wrong
			return h.NSXVBlock(), h.Control
		}, `
data "nsx_version" "a" { manager = "nsxv" }
data "nsx_version" "b" { manager = "nsxv" }
data "nsx_version" "c" { manager = "nsxv" }`, []string{"refused the login", "Authentication failed"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			block, fake := c.start(t)
			acctest.Test(t, []resource.TestStep{{
				Config:      fakeharness.Provider(block, "max_retries = 10") + c.reads,
				ExpectError: acctest.Wrapped(c.words...),
			}})
			s := fake.Stats(t)
			if s["failed_logins"] != 1 || !c.basic && s["logins"] != 0 {
				t.Fatalf("want exactly one login attempt, fake says %v", s)
			}
		})
	}
}
