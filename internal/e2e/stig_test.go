package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/devrun"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
)

var (
	stigNTP    = []string{"ntp1.example.com", "192.0.2.123"}
	stigSyslog = []string{"syslog.example.com"}
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// stigModule is the STIG module (without terraform's working files), copied into dir.
func stigModule(t *testing.T, dir string) {
	t.Helper()
	copyExample(t, filepath.Join("modules", "nsx-stig"), dir)
}

// stigWorkspace is a workspace whose root is the module's three-node example, with the module
// beside it, fingerprint as the backup server's and extra appended; its variables are set
// for h, and terraform get has run.
func stigWorkspace(t *testing.T, h *fakeharness.NSXT, fingerprint, extra string) *workspace {
	t.Helper()
	w := newWorkspace(t, h, "")
	stigModule(t, filepath.Join(w.dir, "nsx-stig"))
	b, err := os.ReadFile(filepath.Join(w.dir, "nsx-stig", "examples", "three-nodes", "main.tf"))
	must(t, err)
	root := strings.Replace(strings.Replace(string(b), `source         = "../.."`, `source         = "./nsx-stig"`, 1),
		"SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", fingerprint, 1)
	must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(root+extra), 0o600))
	hostsJSON, err := json.Marshal(h.Hosts())
	must(t, err)
	w.env = append(w.env, "TF_VAR_nsx_hosts="+string(hostsJSON), "TF_VAR_nsx_password="+h.Password, "TF_VAR_nsx_ca_file="+h.CAFile,
		"TF_VAR_backup_password=Sftp-Passw0rd!", "TF_VAR_backup_passphrase=Backup-Passphr4se!")
	w.terraform(nil, "get")
	return w
}

// copyExample copies examples/rel (without terraform's working files) into dir.
func copyExample(t *testing.T, rel, dir string) {
	t.Helper()
	must(t, devrun.CopyModule(filepath.Join(repoRoot(), "examples", rel), dir))
}

// stigReports runs the STIG's checks on every node of h.
func stigReports(t *testing.T, h *fakeharness.NSXT) []stigcheck.Report {
	t.Helper()
	in := stigcheck.DefaultInputs(stigSyslog, stigNTP)
	return onEveryNode(t, h, func(ctx context.Context, u string) (stigcheck.Report, error) {
		return stigcheck.Run(ctx, h.HTTP, u, h.Username, h.Password, in)
	})
}

// onEveryNode runs a port of a vendor profile on every node of h, a minute each at most.
func onEveryNode(t *testing.T, h *fakeharness.NSXT, run func(ctx context.Context, base string) (stigcheck.Report, error)) []stigcheck.Report {
	t.Helper()
	var out []stigcheck.Report
	for _, u := range h.Server.URLs() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		r, err := run(ctx, u)
		cancel()
		must(t, err)
		out = append(out, r)
	}
	return out
}

// The STIG module, applied once to a fresh three-node VCF 9 manager, makes the STIG's own
// checks pass on every node; an operator then changes one node behind Terraform's back, the
// checks fail on that node only, the next plan names it, and the apply repairs it. A second
// apply on the compliant manager sends no write.
func TestSTIGModuleMakesTheSTIGChecksPassOnEveryNode(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	restart := 500
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	hosts := h.Hosts()

	fresh := stigReports(t, h)
	for i, r := range fresh {
		if len(r.Failed()) < 10 {
			t.Fatalf("a fresh manager should fail most controls; node %d fails only %v", i, r.Failed())
		}
	}
	t.Logf("fresh manager, node 0 fails %d of %d controls: %v", len(fresh[0].Failed()), len(stigcheck.Controls), fresh[0].Failed())

	// The module's own example, as the benchmark runs it.
	w := newWorkspace(t, h, "")
	stigModule(t, filepath.Join(w.dir, "nsx-stig"))
	hostsJSON, err := json.Marshal(hosts)
	must(t, err)
	w.dir = filepath.Join(w.dir, "nsx-stig", "examples", "three-nodes")
	w.env = append(w.env, "TF_VAR_nsx_hosts="+string(hostsJSON), "TF_VAR_nsx_password="+h.Password, "TF_VAR_nsx_ca_file="+h.CAFile,
		"TF_VAR_backup_password=Sftp-Passw0rd!", "TF_VAR_backup_passphrase=Backup-Passphr4se!")
	w.terraform(nil, "get")
	// The write-only secrets never reach the plan, the state or the TRACE log.
	logFile := filepath.Join(w.dir, "trace.log")
	trace := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}
	w.terraform(nil, "plan", "-input=false", "-out=first.plan")
	shown := w.showJSON(t, "first.plan")
	// What the provider planned; the plan's copy of the configuration and of its variables
	// holds what the user wrote there (Terraform keeps variable values in a plan, but for
	// ephemeral ones).
	var planned struct {
		ResourceChanges json.RawMessage `json:"resource_changes"`
		PlannedValues   json.RawMessage `json:"planned_values"`
	}
	must(t, json.Unmarshal(shown, &planned))
	planJSON := append(planned.ResourceChanges, planned.PlannedValues...)
	before := h.Stats(t)
	start := time.Now()
	w.terraform(trace, "apply", "-auto-approve", "-input=false")
	took := time.Since(start)
	stateFile, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	must(t, err)
	logs, err := os.ReadFile(logFile)
	must(t, err)
	if !strings.Contains(string(logs), "manager request") {
		t.Fatal("the provider's TRACE logs are missing")
	}
	for _, secret := range session.SecretForms("", "Sftp-Passw0rd!", "Backup-Passphr4se!") {
		for what, text := range map[string][]byte{"plan JSON": planJSON, "state": stateFile, "TRACE log": logs} {
			if strings.Contains(string(text), secret) {
				t.Errorf("a backup secret (%q…) is in the %s", secret[:4], what)
			}
		}
	}
	after := h.Stats(t)
	for i, r := range stigReports(t, h) {
		if f := r.Failed(); len(f) > 0 {
			t.Fatalf("after one apply, node %d (%s) still fails:\n%s", i, hosts[i], r)
		}
	}
	if out := w.terraform(nil, "output", "-raw", "all_passed"); out != "true" {
		var controls map[string]struct {
			Passed bool   `json:"passed"`
			Detail string `json:"detail"`
		}
		must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "controls")), &controls))
		t.Fatalf("the STIG's checks pass but the module's controls output says otherwise: %+v", controls)
	}
	t.Logf("first apply: %s; requests %d, logins %d, restarts %d, writes %d", took.Round(time.Millisecond),
		after["requests"]-before["requests"], after["logins"]-before["logins"], after["restarts"]-before["restarts"],
		after["object_writes"]+after["config_writes"]-before["object_writes"]-before["config_writes"])

	// Compliant: the next apply writes nothing.
	before = h.Stats(t)
	out := w.terraform(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "No changes.") {
		t.Fatalf("a second apply on a compliant manager changes something:\n%s", out)
	}
	s := h.Stats(t)
	for _, k := range []string{"object_writes", "config_writes", "service_actions", "vip_actions"} {
		if s[k] != before[k] {
			t.Fatalf("the second apply wrote (%s %d → %d)", k, before[k], s[k])
		}
	}

	// An operator on node 2 starts SSH, lowers the password length and adds a syslog server
	// of their own.
	h.Fake.SetRunning(1, "ssh", true)
	h.Fake.SetObjectField(fakensxt.AuthPolicyPath, 1, "minimum_password_length", int64(12))
	must(t, h.Fake.AddExporter(1, map[string]any{"exporter_name": "rogue", "server": "203.0.113.9", "protocol": "UDP", "level": "DEBUG"}))
	drift := stigReports(t, h)
	if f := drift[1].Failed(); !slices.Equal(f, []string{"VCFN-9X-000038", "VCFN-9X-000085", "VCFN-9X-000086"}) {
		t.Fatalf("node 2 should fail 000038, 000085 and 000086, fails %v", f)
	}
	for _, i := range []int{0, 2} {
		if f := drift[i].Failed(); len(f) > 0 {
			t.Fatalf("node %d was not touched but fails %v", i, f)
		}
	}
	// The resources' changes (the outputs after them list every node: the controls' objects
	// and the checklist).
	plan, _, _ := strings.Cut(w.terraform(nil, "plan", "-input=false"), "Changes to Outputs:")
	if !strings.Contains(plan, hosts[1]) || strings.Contains(plan, hosts[0]) || strings.Contains(plan, hosts[2]) {
		t.Fatalf("the plan should name node 2 (%s) alone:\n%s", hosts[1], plan)
	}
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	// The module cannot know an exporter it did not create: the operator's own stays, and the
	// STIG's check still fails on it. The module says so, and the operator removes it.
	repaired := stigReports(t, h)
	if f := repaired[1].Failed(); !slices.Equal(f, []string{"VCFN-9X-000085"}) {
		t.Fatalf("after the repair node 2 should fail only 000085 (the rogue exporter), fails:\n%s", repaired[1])
	}
	h.Fake.DeleteExporter(1, "rogue")
	for i, r := range stigReports(t, h) {
		if f := r.Failed(); len(f) > 0 {
			t.Fatalf("after the repair node %d fails:\n%s", i, r)
		}
	}
}

// The module's own `terraform test` passes against cmd/fakemanager playing VCF 9, as a
// registry user's CI would run it.
func TestSTIGModuleTerraformTest(t *testing.T) {
	t.Parallel()
	root := repoRoot()
	bin := filepath.Join(t.TempDir(), "fakemanager")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fakemanager")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building fakemanager: %v\n%s", err, out)
	}
	dir := t.TempDir()
	stigModule(t, dir)
	must(t, os.MkdirAll(filepath.Join(dir, "tests", ".fakemanager"), 0o750))
	fake := exec.Command(bin, "-nodes", "3", "-nsxt-release", "9.0", "-restart", "300ms", "-dir", "tests/.fakemanager")
	fake.Dir = dir
	fake.Stderr = os.Stderr
	stdout, err := fake.StdoutPipe()
	must(t, err)
	must(t, fake.Start())
	t.Cleanup(func() { _ = fake.Process.Signal(os.Interrupt); _ = fake.Wait() })
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	must(t, err)
	var ann fakemanager.Announcement
	must(t, json.Unmarshal(line, &ann))
	nsxt := ann.Managers["nsxt"]
	var hosts []string
	for _, u := range nsxt.URLs {
		p, err := url.Parse(u)
		must(t, err)
		hosts = append(hosts, p.Host)
	}
	rc := filepath.Join(t.TempDir(), "dev.tfrc")
	must(t, os.WriteFile(rc, []byte(devrun.CLIConfig("nsx", providerDir)), 0o600))
	cmd := exec.Command("terraform", "test", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=",
		"NSXT_MANAGER_HOST="+strings.Join(hosts, ","), "NSXT_USERNAME="+nsxt.Username, "NSXT_PASSWORD="+nsxt.Password)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "passed, 0 failed") {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// What a new user meets with the module, said where it can be acted on (issue 33): the VCF 9
// STIG forced on an NSX 4.2 manager, and what the manager runs; a
// placeholder SSH fingerprint, on the user's own input; on a VCF 9 manager, a first plan with no
// check result "known after apply".
func TestSTIGModuleSaysWhatIsWrongWhereTheUserActs(t *testing.T) {
	t.Parallel()
	workspace := func(t *testing.T, h *fakeharness.NSXT, fingerprint string) *workspace {
		return stigWorkspace(t, h, fingerprint, "")
	}
	t.Run("nsx_4.2", func(t *testing.T) {
		t.Parallel()
		// The VCF 9 STIG forced on a 4.2 manager (which applies the NSX 4.x STIG by itself).
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release42})
		w := workspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY")
		root, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(string(root), `  virtual_ip     = "192.0.2.10"`, `  virtual_ip     = "192.0.2.10"
  stig           = "vcf9"`, 1)), 0o600))
		out, err := w.run(nil, "plan", "-input=false")
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, `stig = "vcf9" applies the VCF 9 NSX STIG`) || !strings.Contains(flat, "the manager runs NSX 4.2") {
			t.Fatalf("want the release named on a 4.2 manager:\n%s", out)
		}
	})
	t.Run("placeholder_fingerprint", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
		out, err := workspace(t, h, "SHA256:...").run(nil, "plan", "-input=false")
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, "backup.ssh_fingerprint must be the SFTP server's ECDSA host key fingerprint") ||
			!strings.Contains(flat, "on main.tf line") || strings.Contains(flat, "nsx-stig/main.tf line") {
			t.Fatalf("want the error on the user's own input:\n%s", out)
		}
	})
	t.Run("banner_unwritable", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90, BannerWrite: fakensxt.BannerWriteNone})
		w := workspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY")
		out := w.terraform(nil, "apply", "-auto-approve", "-input=false")
		if !strings.Contains(out, "NSX Login Banner Not Written") {
			t.Fatalf("the apply does not say the banner was not written:\n%s", out)
		}
		var controls map[string]struct {
			Passed bool   `json:"passed"`
			Status string `json:"status"`
			Detail string `json:"detail"`
		}
		must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "controls")), &controls))
		c := controls["VCFN-9X-000013"]
		if c.Status != "not_reviewed" || c.Passed || !strings.Contains(c.Detail, "set it in the UI") || controls["VCFN-9X-000012"].Status != "not_a_finding" {
			t.Fatalf("want the banner not reviewed, the rest as met: %+v", controls)
		}
	})
	t.Run("first_plan", func(t *testing.T) {
		t.Parallel()
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
		out := workspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY").terraform(nil, "plan", "-input=false")
		if strings.Contains(out, "known after apply") && strings.Contains(out, "Check block assertion") || strings.Contains(out, "Warning: Check block") {
			t.Fatalf("the first plan shows check warnings a user cannot act on:\n%s", out)
		}
	})
}
