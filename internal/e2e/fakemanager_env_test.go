package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cmd/fakemanager -env FILE, as its -h text says: after `. FILE`, an empty provider "nsx" {}
// block reads every manager (NSX, SD-WAN Manager, the PCE and vCenter), trusting each fake's
// CA through the block's own CA-file variable, and plans NSX-v's resource.
func TestFakemanagerEnvConfiguresTheProvider(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "fakemanager")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fakemanager")
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	help, _ := exec.Command(bin, "-h").CombinedOutput()
	if !strings.Contains(string(help), "-env FILE") || !strings.Contains(string(help), "after . FILE, an empty provider") {
		t.Fatalf("-h does not show -env FILE and what it is for:\n%s", help)
	}
	envFile := filepath.Join(t.TempDir(), "fakes.env")
	fake := exec.Command(bin, "-env", envFile)
	stdout, err := fake.StdoutPipe()
	must(t, err)
	must(t, fake.Start())
	t.Cleanup(func() { _ = fake.Process.Signal(os.Interrupt); _ = fake.Wait() })
	// The announcement line comes once every fake serves and the file is written.
	if !bufio.NewScanner(stdout).Scan() {
		t.Fatal("fakemanager announced nothing")
	}
	exports, err := os.ReadFile(envFile)
	must(t, err)
	for _, name := range []string{"NSXT_CA_FILE", "NSXV_CA_FILE", "SDWAN_CA_FILE", "ILLUMIO_PCE_CA_FILE", "VSPHERE_CA_FILE", "ILLUMIO_PCE_ORG_ID"} {
		if !strings.Contains(string(exports), "export "+name+"=") {
			t.Errorf("%s is not exported:\n%s", name, exports)
		}
	}
	w := newWorkspaceWith(t, "", `
data "nsx_version" "nsx" {}

data "sdwan_devices" "all" {
  provider = nsx
}

data "illumio_labels" "all" {
  provider = nsx
}

data "vcenter_tags" "all" {
  provider = nsx
}

resource "nsxv_cli_user_role" "audit" {
  provider = nsx
  user_id  = "audit"
  role     = "auditor"
}

output "read" {
  value = [data.nsx_version.nsx.product_version, length(data.sdwan_devices.all.devices), length(data.illumio_labels.all.labels), length(data.vcenter_tags.all.tags)]
}`)
	// terraform runs in a shell that sourced the file, as a user's would.
	cmd := exec.Command("bash", "-c", `. "$1" && terraform plan -input=false -no-color`, "plan", envFile)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "nsxv_cli_user_role.audit will be created") || !strings.Contains(string(out), `+ read = [`) {
		t.Fatalf("an empty provider block after . %s:\n%s", filepath.Base(envFile), out)
	}
}
