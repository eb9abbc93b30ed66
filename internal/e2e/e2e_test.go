// Package e2e runs the built provider binary under the real terraform, as users do (through a
// CLI configuration with dev_overrides), so that what only a whole process shows is tested:
// one login per process however many data sources, and every session logged out when
// Terraform is done with the provider.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

var providerDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nsx-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	providerDir = dir
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-nsx"), "github.com/netsession/terraform-provider-nsx")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the provider:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type workspace struct {
	t   *testing.T
	dir string
	env []string
}

func newWorkspace(t *testing.T, h *fakeharness.NSXT, body string) *workspace {
	t.Helper()
	return newWorkspaceWith(t, h.NSXTBlock(), body)
}

// newWorkspaceWith is a workspace whose provider block holds blocks.
func newWorkspaceWith(t *testing.T, blocks, body string) *workspace {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	must(t, os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"netsession/nsx\" = %q\n  }\n  direct {}\n}\n", providerDir)), 0o600))
	main := fmt.Sprintf(`terraform {
  required_providers {
    nsx = { source = "netsession/nsx" }
  }
}

provider "nsx" {
  %s
}
%s`, blocks, body)
	must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600))
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=", "TF_LOG_PATH=")
	return &workspace{t: t, dir: dir, env: env}
}

func (w *workspace) terraform(extraEnv []string, args ...string) string {
	w.t.Helper()
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A plan with 35 data sources, read at the default parallelism, logs in exactly once, and
// leaves no session open once terraform exits.
func TestPlanWithManyDataSourcesLogsInOnce(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Segments: 50})
	var body strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&body, "data \"nsx_version\" \"v%d\" {}\n", i)
	}
	for i := 0; i < 15; i++ {
		fmt.Fprintf(&body, "data \"nsx_segments\" \"s%d\" {\n  type = \"ROUTED\"\n}\n", i)
	}
	w := newWorkspace(t, h, body.String())
	out := w.terraform(nil, "plan", "-input=false")
	if !strings.Contains(out, "No changes") {
		t.Fatalf("unexpected plan:\n%s", out)
	}
	s := h.Stats(t)
	if s["logins"] != 1 || s["logouts"] != 1 || s["active_sessions"] != 0 || s["failed_logins"] != 0 {
		t.Fatalf("want 1 login, 1 logout, 0 sessions open; fake says %v", s)
	}
	t.Logf("35 data sources: %v", s)
}

// apply and destroy each run their own provider process; each logs in once and logs out at
// exit. TRACE logs of the whole run hold no password, cookie or XSRF token.
func TestApplyDestroyLeavesNoSessionAndNoSecretInTrace(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Segments: 2500})
	w := newWorkspace(t, h, `
data "nsx_version" "v" {}
data "nsx_segments" "all" {}
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}
output "segments" { value = length(data.nsx_segments.all.segments) }
`)
	logFile := filepath.Join(w.dir, "trace.log")
	trace := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}
	out := w.terraform(trace, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "segments = 2500") {
		t.Fatalf("unexpected apply output:\n%s", out)
	}
	afterApply := h.Stats(t)
	w.terraform(trace, "destroy", "-auto-approve", "-input=false")
	s := h.Stats(t)
	if s["active_sessions"] != 0 || s["logins"] != s["logouts"] || s["failed_logins"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
	t.Logf("after apply: %v; after destroy: %v", afterApply, s)

	logs, err := os.ReadFile(logFile)
	must(t, err)
	if !strings.Contains(string(logs), "manager request") {
		t.Fatalf("the provider's TRACE logs are missing from %s", logFile)
	}
	secrets := append(h.Issued(t), h.Password)
	if len(secrets) < 5 {
		t.Fatalf("expected issued cookies and tokens, got %d", len(secrets))
	}
	for _, sec := range secrets {
		if strings.Contains(string(logs), sec) {
			t.Errorf("a secret (%s…) appears in the TRACE log", sec[:4])
		}
	}
	t.Logf("TRACE log: %d bytes, %d secrets checked", len(logs), len(secrets))
}

// Issue 22: an apply that fails after ephemeral "nsx_session" was opened gets no Close from
// Terraform; the provider logs the lent session out when its process ends, with its own.
func TestFailingApplyLeavesNoLentSession(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 1, Method: "PUT", PathPrefix: "/api/v1/cluster/api-service",
		Body: `{"httpStatus":"BAD_REQUEST","error_code":255,"module_name":"common-services","error_message":"Refused for the test."}`}}})
	w := newWorkspace(t, h, `
ephemeral "nsx_session" "api" {
  manager = "nsxt"
}
resource "nsx_api_service_config" "this" {
  session_timeout = 1700
  # The session is lent first.
  depends_on = [ephemeral.nsx_session.api]
}
`)
	cmd := exec.Command("terraform", "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Refused for the test") {
		t.Fatalf("the apply should fail on the refused PUT: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Closing") {
		t.Logf("terraform closed the ephemeral resource this time:\n%s", out)
	}
	s := h.Stats(t)
	if s["active_sessions"] != 0 || s["logins"] < 2 || s["logins"] != s["logouts"] {
		t.Fatalf("sessions left behind after the failed apply (want the lent one and the provider's own logged out): %v", s)
	}
	t.Logf("failed apply: %v", s)
}

// Issue 22: a wrong password is reported once in full; every other type that needed the
// manager points at that error in one line, and the password is sent once.
func TestRefusedLoginReportedOnce(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Password = "not-the-password"
	w := newWorkspace(t, h, `
data "nsx_version" "a" {}
data "nsx_segments" "b" {}
data "nsx_role_bindings" "c" {}
`)
	cmd := exec.Command("terraform", "plan", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the plan should fail:\n%s", out)
	}
	full := strings.Count(string(out), "credentials were incorrect")
	pointers := strings.Count(string(out), "Login to the nsxt Manager Refused")
	if full != 1 || pointers != 2 {
		t.Fatalf("want the refusal once in full and two pointers at it, got %d and %d:\n%s", full, pointers, out)
	}
	if s := h.Stats(t); s["failed_logins"] != 1 {
		t.Fatalf("the password was sent %d times", s["failed_logins"])
	}
}
