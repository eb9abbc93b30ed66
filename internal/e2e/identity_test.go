package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
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
	var seen map[string]any
	h.CallAs(t, "GET", "/policy/api/v1/aaa/role-bindings/"+bindingID, &seen)
	if seen["_protection"] != "REQUIRE_OVERRIDE" {
		t.Fatalf("the administrator reads the pipeline's binding with _protection %v", seen["_protection"])
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

// 20 parallel plans with auth = "jwt" take no session slot and leave nothing open; one
// apply with an API key does the same; neither the password, the key, a token nor a csrf
// value the fake issued appears in the state, the plan JSON or the TRACE log.
func TestSDWANJWTPlansTakeNoSessionSlot(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Devices: 5, Release: fakesdwan.JWTRelease})
	body := "data \"nsx_version\" \"v\" {\n  manager = \"sdwan\"\n}\ndata \"sdwan_devices\" \"all\" {\n  provider = nsx\n}\noutput \"n\" { value = length(data.sdwan_devices.all.devices) }\n"
	const n = 20
	logDir := t.TempDir()
	errs := make([]error, n)
	outs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		w := newWorkspaceWith(t, h.JWTBlock(), body)
		wg.Go(func() {
			outs[i], errs[i] = w.run([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(logDir, fmt.Sprintf("plan-%d.log", i))}, "plan", "-input=false")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("plan %d: %v\n%s", i, err, outs[i])
		}
	}
	s := h.Stats(t)
	if s["logins"] != 0 || s["active_sessions"] != 0 || s["jwt_logins"] != n || s["failed_logins"] != 0 {
		t.Fatalf("want %d JWT logins (one per process), no session login and no session open: %v", n, s)
	}
	t.Logf("%d parallel JWT plans: %v", n, s)

	// The key from the environment, as a pipeline holds it (a literal in a .tf file is in
	// the plan's configuration, as every literal is).
	k := newWorkspaceWith(t, fmt.Sprintf("sdwan {\n    url     = %q\n    auth    = \"api_key\"\n    ca_file = %q\n  }", h.URL(), h.CAFile), body)
	trace := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(logDir, "key.log"), "SDWAN_API_KEY=" + h.APIKey}
	k.terraform(trace, "apply", "-auto-approve", "-input=false")
	k.terraform(trace, "plan", "-input=false", "-out=tfplan")
	planJSON := k.terraform([]string{"SDWAN_API_KEY=" + h.APIKey}, "show", "-json", "tfplan")
	state, err := os.ReadFile(filepath.Join(k.dir, "terraform.tfstate"))
	must(t, err)
	if s := h.Stats(t); s["logins"] != 0 || s["active_sessions"] != 0 || s["jwt_logins"] != n {
		t.Fatalf("the API key logged in: %v", s)
	}
	texts := map[string]string{"state": string(state), "plan JSON": planJSON}
	logs, err := filepath.Glob(filepath.Join(logDir, "*.log"))
	must(t, err)
	for _, f := range logs {
		b, err := os.ReadFile(f)
		must(t, err)
		texts[filepath.Base(f)] = string(b)
	}
	secrets := append([]string{h.Password, h.APIKey}, h.Fake.Issued()...)
	for what, text := range texts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Fatalf("the %s holds a secret (%d bytes)", what, len(secret))
			}
		}
	}
}
