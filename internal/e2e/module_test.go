package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The module-testing guide, as a script (examples/modules/network-lookup/tests/
// run-against-fakes.sh, which the guide shows): run as written, by a user who installed the
// provider with `make install` (Terraform's implied local mirror, no CLI configuration) and
// built fakemanager, it passes the example module's tests.
func TestModuleTestingGuideRunsAsWritten(t *testing.T) {
	t.Parallel()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	home := t.TempDir()
	bin := filepath.Join(t.TempDir(), "fakemanager")
	// What `make install` does, into this test's home.
	mirror := filepath.Join(home, ".terraform.d", "plugins", "registry.terraform.io", "netsession", "nsx", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
	for _, b := range [][]string{{"-o", bin, "./cmd/fakemanager"}, {"-o", filepath.Join(mirror, "terraform-provider-nsx_v0.1.0"), "."}} {
		build := exec.Command("go", append([]string{"build"}, b...)...)
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", b, err, out)
		}
	}
	// A copy of the module, so that terraform's working files stay out of the repository.
	dir := t.TempDir()
	module := filepath.Join(root, "examples", "modules", "network-lookup")
	for _, f := range []string{"main.tf", "tests/lookup.tftest.hcl", "tests/fixture.json", "tests/run-against-fakes.sh"} {
		b, err := os.ReadFile(filepath.Join(module, f))
		must(t, err)
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o750))
		must(t, os.WriteFile(filepath.Join(dir, f), b, 0o700))
	}
	cmd := exec.Command("bash", "tests/run-against-fakes.sh")
	cmd.Dir = dir
	env := []string{"HOME=" + home, "FAKEMANAGER=" + bin, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "PATH=" + os.Getenv("PATH")}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TMPDIR=") || strings.HasPrefix(kv, "GO") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "2 passed, 0 failed") {
		t.Fatalf("the guide's script: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Installing netsession/nsx") {
		t.Fatalf("terraform init did not install the provider from the local mirror:\n%s", out)
	}
	// The one warning the README says init gives with the mirror.
	if !strings.Contains(string(out), "Incomplete lock file information") {
		t.Fatalf("terraform init no longer warns as the README says:\n%s", out)
	}
}
