package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// The guide "Pipelines without passwords" as written: an administrator applies
// examples/guides/principal-identity/bootstrap once with a password; the pipeline applies
// examples/guides/principal-identity/pipeline with only the certificate and key in its
// environment. The pipeline's runs log in zero times, fail no password, leave no session,
// and its key appears in no state, plan JSON or TRACE log; the role binding it created is
// protected from the administrator's changes.
func TestPrincipalIdentityGuideRunsAsWritten(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	root := t.TempDir()
	copyExample(t, filepath.Join("guides", "principal-identity"), root)
	// Step 1 of the guide makes the key and certificate outside Terraform (openssl there).
	cert, key, err := h.CA.ClientCertificate("terraform-pipeline")
	must(t, err)
	keyFile := filepath.Join(t.TempDir(), "pipeline.key")
	must(t, os.WriteFile(filepath.Join(root, "bootstrap", "pipeline.crt"), cert, 0o600))
	must(t, os.WriteFile(keyFile, key, 0o600))
	hosts, _ := json.Marshal(h.Hosts())
	vars := fmt.Sprintf("nsx_hosts = %s\nca_file = %q\n", hosts, h.CAFile)
	for _, dir := range []string{"bootstrap", "pipeline"} {
		must(t, os.WriteFile(filepath.Join(root, dir, "terraform.tfvars"), []byte(vars), 0o600))
	}
	w := newWorkspaceWith(t, "", "")
	run := func(dir string, env []string, args ...string) string {
		w.dir = filepath.Join(root, dir)
		return w.terraform(env, args...)
	}
	admin := []string{"NSXT_USERNAME=" + h.Username, "NSXT_PASSWORD=" + h.Password}
	run("bootstrap", admin, "apply", "-auto-approve", "-input=false")
	if out := run("bootstrap", admin, "plan", "-input=false"); !strings.Contains(out, "No changes.") {
		t.Fatalf("the bootstrap plans changes after its apply:\n%s", out)
	}
	before := h.Stats(t)

	logFile := filepath.Join(t.TempDir(), "trace.log")
	pipeline := []string{"NSXT_CLIENT_AUTH_CERT_FILE=" + filepath.Join(root, "bootstrap", "pipeline.crt"),
		"NSXT_CLIENT_AUTH_KEY_FILE=" + keyFile, "TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}
	run("pipeline", pipeline, "apply", "-auto-approve", "-input=false")
	run("pipeline", pipeline, "plan", "-input=false", "-out=tfplan")
	planJSON := run("pipeline", pipeline, "show", "-json", "tfplan")
	after := h.Stats(t)
	for _, k := range []string{"logins", "failed_logins", "certificate_refusals"} {
		if after[k] != before[k] {
			t.Errorf("the pipeline changed %s from %d to %d", k, before[k], after[k])
		}
	}
	if after["active_sessions"] != 0 || after["certificate_requests"] == 0 {
		t.Fatalf("want no session open and the pipeline's requests authenticated by certificate: %v", after)
	}
	state, err := os.ReadFile(filepath.Join(root, "pipeline", "terraform.tfstate"))
	must(t, err)
	trace, err := os.ReadFile(logFile)
	must(t, err)
	if len(trace) < 10000 {
		t.Fatalf("the TRACE log is %d bytes: not a log of the run", len(trace))
	}
	body := strings.Join(strings.Split(strings.TrimSpace(string(key)), "\n")[1:3], "")
	for what, text := range map[string]string{"state": string(state), "plan JSON": planJSON, "TRACE log": string(trace)} {
		for _, secret := range []string{string(key), body, h.Password} {
			if strings.Contains(text, secret) {
				t.Fatalf("the %s holds the key or a password", what)
			}
		}
	}

	// The binding is the pipeline's and protected: the administrator's change is refused,
	// and says why, until it allows the overwrite.
	var bindingID string
	for id, b := range h.Fake.Bindings() {
		if b["name"] == "network-auditors@corp.example.com" {
			bindingID = id
		}
	}
	adminBlock := fmt.Sprintf("nsxt {\n    hosts    = %s\n    ca_file  = %q\n%%s  }", hosts, h.CAFile)
	change := `
resource "nsx_role_binding" "network_auditors" {
  name            = "network-auditors@corp.example.com"
  type            = "remote_group"
  roles_for_paths = { "/" = ["auditor", "network_op"] }
}
import {
  to = nsx_role_binding.network_auditors
  id = "` + bindingID + `"
}
`
	a := newWorkspaceWith(t, fmt.Sprintf(adminBlock, ""), change)
	out := strings.Join(strings.Fields(a.terraformFails(admin, "apply", "-auto-approve", "-input=false")), " ")
	if !strings.Contains(out, "is protected: a principal identity created it") || !strings.Contains(out, "allow_overwrite = true") {
		t.Fatalf("the refusal does not say the object is protected:\n%s", out)
	}
	a = newWorkspaceWith(t, fmt.Sprintf(adminBlock, "    allow_overwrite = true\n"), change)
	a.terraform(admin, "apply", "-auto-approve", "-input=false")
	if s := h.Stats(t); s["protected_refusals"] != 1 {
		t.Fatalf("want one protected refusal: %v", s)
	}

	run("pipeline", pipeline, "destroy", "-auto-approve", "-input=false")
	run("bootstrap", admin, "destroy", "-auto-approve", "-input=false")
	if ps := h.Fake.Principals(); len(ps) != 0 {
		t.Fatalf("principal identities left: %v", ps)
	}
}

// terraformFails runs terraform expecting it to fail, and returns its output.
func (w *workspace) terraformFails(extraEnv []string, args ...string) string {
	w.t.Helper()
	out, err := w.run(extraEnv, args...)
	if err == nil {
		w.t.Fatalf("terraform %s succeeded:\n%s", strings.Join(args, " "), out)
	}
	return out
}
