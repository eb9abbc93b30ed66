package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// The example module's `terraform test` runs against cmd/fakemanager started with the module's
// fixture, as a module author's CI would: the testing kit works, and keeps working.
func TestExampleModuleTestsAgainstFakemanager(t *testing.T) {
	t.Parallel()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	module := filepath.Join(root, "examples", "modules", "network-lookup")
	bin := filepath.Join(t.TempDir(), "fakemanager")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fakemanager")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building fakemanager: %v\n%s", err, out)
	}
	// A copy of the module, so that terraform's working files stay out of the repository.
	dir := t.TempDir()
	for _, f := range []string{"main.tf", "tests/lookup.tftest.hcl", "tests/fixture.json"} {
		b, err := os.ReadFile(filepath.Join(module, f))
		must(t, err)
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o750))
		must(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	// As the test file says: from the module's directory, the CA into tests/.fakemanager.
	fake := exec.Command(bin, "-fixture", "tests/fixture.json", "-nodes", "1", "-dir", "tests/.fakemanager")
	fake.Dir = dir
	must(t, os.MkdirAll(filepath.Join(dir, "tests", ".fakemanager"), 0o750))
	fake.Stderr = os.Stderr
	stdout, err := fake.StdoutPipe()
	must(t, err)
	must(t, fake.Start())
	t.Cleanup(func() { _ = fake.Process.Signal(os.Interrupt); _ = fake.Wait() })
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	must(t, err)
	var ann fakemanager.Announcement
	must(t, json.Unmarshal(line, &ann))
	nsxt, pce := ann.Managers["nsxt"], ann.Managers["illumio"]

	rc := filepath.Join(t.TempDir(), "dev.tfrc")
	must(t, os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"netsession/nsx\" = %q\n  }\n  direct {}\n}\n", providerDir)), 0o600))
	cmd := exec.Command("terraform", "test", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=",
		"NSXT_MANAGER_HOST="+nsxt.URLs[0], "NSXT_USERNAME="+nsxt.Username, "NSXT_PASSWORD="+nsxt.Password,
		"ILLUMIO_PCE_HOST="+pce.URLs[0], "ILLUMIO_API_KEY_USERNAME="+pce.APIKeyUsername, "ILLUMIO_API_KEY_SECRET="+pce.APIKeySecret)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "2 passed, 0 failed") {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
}
