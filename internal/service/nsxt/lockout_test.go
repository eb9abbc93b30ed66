package nsxt_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// With the STIG's lockout (3 failures) on every node, a pipeline's wrong password costs one
// failed attempt per node, however many runs it starts: the session cache keeps the refusal
// for the node's own lockout period, learnt from its auth policy. Three wrong passwords
// from elsewhere lock the account on that node, and the provider's runs then add no attempt
// of their own on top.
func TestLockout_pipelineNeverLocksItsAccount(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2})
	cacheDir := privateDir(t)
	cache := fmt.Sprintf(`session_cache = true
  session_cache_dir = %q`, cacheDir)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{{
			Config: fakeharness.Provider(h.NSXTBlock(), cache) + `
resource "nsx_auth_policy" "stig" {
  api_max_auth_failures          = 3
  api_failed_auth_lockout_period = 1200
}`,
		}},
	})
	wrong := *h
	wrong.Password = "Not-The-Password-1!"
	readVersion := fakeharness.Provider(wrong.NSXTBlock(), cache) + `
data "nsx_version" "v" {}`
	steps := []resource.TestStep{}
	for range 4 {
		steps = append(steps, resource.TestStep{Config: readVersion, PlanOnly: true, ExpectError: regexp.MustCompile(`refused the login`)})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.Factories(t), Steps: steps})
	if s := h.Stats(t); s["failed_logins"] != 1 || s["lockouts"] != 0 {
		t.Fatalf("want one failed attempt for four runs and no lockout, fake says %v", s)
	}
	if h.Fake.Locked(0, "admin") {
		t.Fatal("the provider's runs locked the account")
	}

	// Someone else gets the password wrong three times on node 0: the account is locked there.
	for range 3 {
		if status := h.LoginOutside(t, 0, "admin", "Guessing-1!"); status != http.StatusForbidden {
			t.Fatalf("a wrong password answered %d", status)
		}
	}
	if !h.Fake.Locked(0, "admin") {
		t.Fatal("three failures did not lock the account under the STIG's policy")
	}
	// A run with the right password meets the lock once, and later runs of the pipeline send
	// nothing while it lasts.
	before := h.Stats(t)["failed_logins"]
	// A fresh cache, so that no session of the first run is found there.
	right := fakeharness.Provider(h.NSXTBlock(), fmt.Sprintf("session_cache = true\n  session_cache_dir = %q", privateDir(t))) + `
data "nsx_version" "v" {}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{Config: right, PlanOnly: true, ExpectError: regexp.MustCompile(`refused the login`)},
			{Config: right, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)refused the login.*not\s+sent\s+again`)},
		},
	})
	if n := h.Stats(t)["failed_logins"] - before; n != 1 {
		t.Fatalf("want one attempt against the locked account, %d were sent", n)
	}
}

// privateDir is a directory only its owner may read, as the session cache requires.
func privateDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
