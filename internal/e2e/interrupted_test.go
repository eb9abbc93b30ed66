package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// terraform and its provider are killed (SIGKILL to the process group: a CI runner lost) in
// the middle of an apply that creates a principal identity, a local user, its role binding and
// a syslog exporter on three nodes, after NSX took all but the exporter on two nodes and before
// anything reached the state. The next applies take over what is provably the configured
// object (the identity, the binding, the exporter on the first node, each with a warning),
// never the local user (its password cannot be compared: the error shows the import), and
// create only what is missing. Nothing is created twice; a matching configuration then plans
// nothing.
func TestInterruptedApplyCreatesNothingTwice(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	certFile := pipelineCertFile(t, h)
	const opsPassword = "Ops-Passw0rd!first"
	// The role binding's example (the user ops, its password and its binding), and more.
	w := newWorkspace(t, h, resourceExample(t, "nsx_role_binding")+`
resource "nsx_principal_identity" "pipeline" {
  name            = "terraform-pipeline"
  node_id         = "ci-runner-1"
  certificate_pem = file(`+jsonString(certFile)+`)
  roles_for_paths = { "/" = ["enterprise_admin"] }
}
`+siemExporter("INFO", "depends_on = [nsx_principal_identity.pipeline, nsx_role_binding.ops]"))
	env := []string{"TF_VAR_ops_password=" + opsPassword}

	// The first exporter create is acted on and its answer held: the run is killed then.
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Method: "POST", PathPrefix: "/api/v1/node/services/syslog/exporters", Count: 1, DelayMS: 600000}}})
	cmd := exec.Command("terraform", "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = w.dir, append(append([]string(nil), w.env...), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, cmd.Start())
	h.Server.Stats.When("faults_served", 1, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	if err := cmd.Wait(); err == nil {
		t.Fatal("the apply ended by itself")
	}
	h.Faults(t, fakemanager.Faults{Clear: true})
	// Terraform 1.11 persists the state once early in an apply, so the local state may hold
	// the first resources done; a runner lost with its workspace (or a backend never written)
	// leaves none. The test takes the worse case: no state at all.
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(w.dir, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	count := func() (principals, users, bindings int) {
		for _, p := range h.Fake.Principals() {
			if p["name"] == "terraform-pipeline" {
				principals++
			}
		}
		for _, u := range h.Fake.Users() {
			if u["username"] == "ops" {
				users++
			}
		}
		for _, b := range h.Fake.Bindings() {
			if b["name"] == "ops" {
				bindings++
			}
		}
		return
	}
	if p, u, b := count(); p != 1 || u != 1 || b != 1 || h.Stats(t)["exporter_creates"] != 1 {
		t.Fatalf("the killed apply should have left 1 identity, 1 user, 1 binding, 1 exporter: %d %d %d %v", p, u, b, h.Stats(t))
	}

	// The next apply takes the identity over and stops at the user, naming its import.
	out, err := w.run(env, "apply", "-auto-approve", "-input=false")
	flat := strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(flat, "Existing NSX Principal Identity Taken Over") ||
		!strings.Contains(flat, "NSX Local User Exists Already") || !strings.Contains(flat, "a local user's password cannot be compared") ||
		!strings.Contains(flat, "terraform import nsx_node_user.NAME ops") {
		t.Fatalf("want the identity taken over and the user's import shown:\n%s", out)
	}
	w.terraform(env, "import", "-input=false", "nsx_node_user.ops", "ops")
	out = w.terraform(env, "apply", "-auto-approve", "-input=false")
	flat = strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "Existing NSX Role Binding Taken Over") || !strings.Contains(flat, "Password Version Recorded, Password Not Sent") || !strings.Contains(flat, "Existing NSX Syslog Exporter Taken Over") ||
		!strings.Contains(flat, "NSX held the syslog exporter siem on "+h.Hosts()[0]+" already") {
		t.Fatalf("want the binding and the first node's exporter taken over:\n%s", out)
	}
	if out := w.terraform(env, "plan", "-input=false"); !strings.Contains(out, "No changes.") {
		t.Fatalf("a matching configuration plans changes after the takeover:\n%s", out)
	}
	s := h.Stats(t)
	if p, u, b := count(); p != 1 || u != 1 || b != 1 || s["principal_writes"] != 1 || s["users_created"] != 1 ||
		s["binding_writes"] != 1 || s["exporter_creates"] != 3 || s["exporter_deletes"] != 0 {
		t.Fatalf("something was created twice: %d identities, %d users, %d bindings; %v", p, u, b, s)
	}
	w.terraform(env, "destroy", "-auto-approve", "-input=false")
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// siemExporter is the configuration of a syslog exporter "siem" at level, with extra lines.
func siemExporter(level, extra string) string {
	return fmt.Sprintf(`
resource "nsx_syslog_exporter" "siem" {
  exporter_name = "siem"
  server        = "siem.example.com"
  protocol      = "TCP"
  level         = %q
  %s
}`, level, extra)
}

// Objects the state has lost that differ from the configuration are never taken over: each
// Create stops, names the attributes that differ and the import, and writes nothing.
func TestCreateRefusesWhatItCannotProve(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2, Release: fakensxt.Release90})
	certFile := pipelineCertFile(t, h)
	config := func(description, role, level string) string {
		return `
resource "nsx_principal_identity" "pipeline" {
  name            = "terraform-pipeline"
  node_id         = "ci-runner-1"
  certificate_pem = file(` + jsonString(certFile) + `)
  description     = "` + description + `"
  roles_for_paths = { "/" = ["enterprise_admin"] }
}

resource "nsx_role_binding" "jdoe" {
  name                 = "jdoe@corp.example.com"
  type                 = "remote_user"
  identity_source_type = "LDAP"
  roles_for_paths      = { "/" = ["` + role + `"] }
}
` + siemExporter(level, "")
	}
	w := newWorkspace(t, h, config("CI pipeline", "auditor", "INFO"))
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	w.terraform(nil, "state", "rm", "nsx_principal_identity.pipeline", "nsx_role_binding.jdoe", "nsx_syslog_exporter.siem")
	before := h.Stats(t)
	must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(mainTF(t, w), config("CI pipeline", "auditor", "INFO"),
		config("CI pipeline, second runner", "network_engineer", "WARNING"), 1)), 0o600))
	out, err := w.run(nil, "apply", "-auto-approve", "-input=false")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"NSX Principal Identity Exists Already", "it differs from this configuration in description",
		"terraform import nsx_principal_identity.NAME ",
		"NSX Role Binding Exists Already", "it differs from this configuration in roles_for_paths",
		"terraform import nsx_role_binding.NAME remote_user/jdoe@corp.example.com",
		"NSX Syslog Exporter Exists Already", "a syslog exporter siem on node " + h.Hosts()[0], "it differs from this configuration in level",
		"terraform import nsx_syslog_exporter.NAME siem",
	} {
		if err == nil || !strings.Contains(flat, want) {
			t.Fatalf("want %q in the refusal:\n%s", want, out)
		}
	}
	after := h.Stats(t)
	for _, k := range []string{"principal_writes", "binding_writes", "exporter_creates", "exporter_deletes"} {
		if after[k] != before[k] {
			t.Errorf("a refused create wrote: %s went from %d to %d", k, before[k], after[k])
		}
	}
}

// mainTF is the workspace's main.tf as written.
func mainTF(t *testing.T, w *workspace) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
	must(t, err)
	return string(b)
}

// A node that goes down in the middle of a write to every node: the nodes written are in the
// state, the error names the node, and the next apply writes that node only. After a create,
// Terraform keeps the object tainted, so the plan replaces it; the replacement's destroy leaves
// the manager as it is (the settings are the manager's), and its create writes the one node
// that differs. After an update, the plan shows that node alone.
func TestNodeDownMidWriteRecordsTheNodesWritten(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	ssh := func(onBoot bool) string {
		return fmt.Sprintf("\nresource \"nsx_ssh_service\" \"this\" {\n  running       = false\n  start_on_boot = %t\n}\n", onBoot)
	}
	w := newWorkspace(t, h, ssh(false))
	hosts := h.Hosts()
	writes := func() int64 { s := h.Stats(t); return s["object_writes"] + s["service_actions"] }
	for _, step := range []struct {
		onBoot  bool
		planned string
	}{{false, "nsx_ssh_service.this (delete,create)"}, {true, "nsx_ssh_service.this.nodes"}} {
		if step.onBoot {
			b := mainTF(t, w)
			must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(b, ssh(false), ssh(true), 1)), 0o600))
		}
		start := writes()
		// Node 2 goes down as the first write of the apply reaches the manager (its plan,
		// which reads every node, is done by then).
		h.Server.Stats.When("object_writes", h.Stats(t)["object_writes"]+1, func() { h.Server.NodeDown(2) })
		out, err := w.run(nil, "apply", "-auto-approve", "-input=false")
		must(t, h.Server.NodeUp(2))
		perNode := (writes() - start) / 2 // nodes 0 and 1 were written
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, "on node "+hosts[2]+" (the nodes written before it hold the new settings, and the state records them)") {
			t.Fatalf("want the write to stop at node %s, saying the others are recorded:\n%s", hosts[2], out)
		}
		if changed := plannedChanges(t, w); len(changed) != 1 || changed[0] != step.planned {
			t.Fatalf("want the plan %q, got %v", step.planned, changed)
		}
		before := writes()
		w.terraform(nil, "apply", "-auto-approve", "-input=false")
		if got := writes() - before; perNode == 0 || got != perNode {
			t.Fatalf("want node %s alone written (%d writes a node), the fake counted %d", hosts[2], perNode, got)
		}
		if out := w.terraform(nil, "plan", "-input=false"); !strings.Contains(out, "No changes.") {
			t.Fatalf("changes left after the apply that followed:\n%s", out)
		}
	}
}

// pipelineCertFile is a client certificate for terraform-pipeline from h's CA, in a file: the
// principal identity's certificate (its key is not needed where nobody logs in with it).
func pipelineCertFile(t *testing.T, h *fakeharness.NSXT) string {
	t.Helper()
	cert, _, err := h.CA.ClientCertificate("terraform-pipeline")
	must(t, err)
	file := filepath.Join(t.TempDir(), "pipeline.crt")
	must(t, os.WriteFile(file, cert, 0o600))
	return file
}
