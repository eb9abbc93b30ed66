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
%s`, h.NSXTBlock(), body)
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
