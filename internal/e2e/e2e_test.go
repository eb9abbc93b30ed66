// Package e2e runs the built provider binary under the real terraform, as users do (through a
// CLI configuration with dev_overrides), so that what only a whole process shows is tested:
// one login per process however many data sources, and every session logged out when
// Terraform is done with the provider.
package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/devrun"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
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
	must(t, os.WriteFile(rc, []byte(devrun.CLIConfig("nsx", providerDir)), 0o600))
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
	out, err := w.run(extraEnv, args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// run runs terraform in the workspace, with its output and error.
func (w *workspace) run(extraEnv []string, args ...string) (string, error) {
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
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
	for i := range 20 {
		fmt.Fprintf(&body, "data \"nsx_version\" \"v%d\" {}\n", i)
	}
	for i := range 15 {
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

// cacheEnv turns the session cache on (or off) in dir for a terraform command.
func cacheEnv(on bool, dir string) []string {
	return []string{fmt.Sprintf("NSX_SESSION_CACHE=%t", on), "NSX_SESSION_CACHE_DIR=" + dir}
}

// parallelPlans runs terraform plan in n workspaces at once and returns each one's output and
// error.
func parallelPlans(t *testing.T, h *fakeharness.NSXT, n int, env []string) ([]string, []error) {
	t.Helper()
	outs, errs := make([]string, n), make([]error, n)
	var ws []*workspace
	for range n {
		ws = append(ws, newWorkspace(t, h, "data \"nsx_version\" \"v\" {}\ndata \"nsx_segments\" \"s\" {}\n"))
	}
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Go(func() {
			cmd := exec.Command("terraform", "plan", "-input=false", "-no-color")
			cmd.Dir = w.dir
			cmd.Env = append(append([]string(nil), w.env...), env...)
			b, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(b), err
		})
	}
	wg.Wait()
	return outs, errs
}

// Ten plan processes started together: with the cache, one login for all of them; without,
// ten logins and ten logouts.
func TestSessionCacheParallelProcessesLogInOnce(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("cache_%t", on), func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
			dir := filepath.Join(t.TempDir(), "cache")
			start := time.Now()
			outs, errs := parallelPlans(t, h, 10, cacheEnv(on, dir))
			for i, err := range errs {
				if err != nil {
					t.Fatalf("plan %d: %v\n%s", i, err, outs[i])
				}
			}
			s := h.Stats(t)
			want := map[bool][3]int64{true: {1, 0, 1}, false: {10, 10, 0}}[on] // logins, logouts, open
			if s["logins"] != want[0] || s["logouts"] != want[1] || s["active_sessions"] != want[2] {
				t.Fatalf("cache %t: want logins/logouts/open %v, fake says %v", on, want, s)
			}
			t.Logf("10 parallel plans, cache %t: %v in %v", on, s, time.Since(start).Round(time.Millisecond))
		})
	}
}

// A wrong password in ten parallel processes is one failed login on the manager, and ten
// clear errors: nine say the credentials were refused in an earlier run and not sent again.
func TestSessionCacheWrongPasswordOneFailedLogin(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	right := h.Password
	h.Password = "not-the-password"
	t.Cleanup(func() { h.Password = right })
	dir := filepath.Join(t.TempDir(), "cache")
	outs, errs := parallelPlans(t, h, 10, cacheEnv(true, dir))
	earlier := 0
	for i, err := range errs {
		out := strings.Join(strings.Fields(outs[i]), " ")
		if err == nil || !strings.Contains(out, "refused the login") {
			t.Fatalf("plan %d: want a refused login, got %v\n%s", i, err, outs[i])
		}
		if strings.Contains(out, "in an earlier run; these credentials were not sent again") {
			earlier++
			if !strings.Contains(out, "delete the cache files in session_cache_dir") {
				t.Fatalf("plan %d: the error must say how to clear the cached refusal:\n%s", i, outs[i])
			}
		}
	}
	if s := h.Stats(t); s["failed_logins"] != 1 || s["logins"] != 0 {
		t.Fatalf("want 1 failed login for 10 processes, fake says %v", s)
	}
	if earlier != 9 {
		t.Fatalf("want 9 errors saying the refusal is from an earlier run, got %d", earlier)
	}
}

// apply, plan and destroy with the cache: one login for the whole sequence (against 3 or more
// without); sessions dropped by the manager between commands cost exactly one new login. The
// cache's files are 0600 in a 0700 directory and hold no secret in any encoding; an entry
// others can read is not used; turning the cache off ends the cached session.
func TestSessionCacheAcrossCommands(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, LoginLatency: time.Second})
	dir := filepath.Join(t.TempDir(), "cache")
	w := newWorkspace(t, h, `
data "nsx_version" "v" {}
resource "nsx_api_service_config" "this" {
  session_timeout = 1800
}`)
	on := cacheEnv(true, dir)
	start := time.Now()
	w.terraform(on, "apply", "-auto-approve", "-input=false")
	w.terraform(on, "plan", "-input=false")
	w.terraform(on, "destroy", "-auto-approve", "-input=false")
	took := time.Since(start)
	if s := h.Stats(t); s["logins"] != 1 || s["logouts"] != 0 || s["active_sessions"] != 1 {
		t.Fatalf("apply, plan, destroy with the cache: want 1 login, the session left open, fake says %v", s)
	}
	t.Logf("apply+plan+destroy with the cache and 1 s logins: 1 login, %v", took.Round(time.Millisecond))

	// The manager drops every session: the next command logs in once, for everyone.
	h.ExpireSessions(t)
	w.terraform(on, "plan", "-input=false")
	if s := h.Stats(t); s["logins"] != 2 {
		t.Fatalf("after expiry want exactly one new login, fake says %v", s)
	}

	// Files: modes and content.
	fi, err := os.Stat(dir)
	must(t, err)
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory mode %o", fi.Mode().Perm())
	}
	entries, err := filepath.Glob(filepath.Join(dir, "*.session"))
	must(t, err)
	if len(entries) != 1 {
		t.Fatalf("want one entry, found %v", entries)
	}
	forms := session.SecretForms(h.Username, append(h.Issued(t), h.Password)...)
	all, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range all {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		must(t, err)
		if info, _ := e.Info(); strings.HasSuffix(e.Name(), ".session") && info.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %o", e.Name(), info.Mode().Perm())
		}
		for _, f := range forms {
			if len(f) >= 6 && strings.Contains(string(b), f) {
				t.Fatalf("%s holds a secret (%s…)", e.Name(), f[:3])
			}
		}
	}

	// An entry others can read is refused: the next command logs in on its own.
	must(t, os.Chmod(entries[0], 0o644))
	w.terraform(on, "plan", "-input=false")
	if s := h.Stats(t); s["logins"] != 3 {
		t.Fatalf("a world-readable entry must not be used; fake says %v", s)
	}

	// Turning the cache off ends the cached session at the end of the next run.
	w.terraform(cacheEnv(false, dir), "plan", "-input=false")
	if s := h.Stats(t); s["active_sessions"] != 0 {
		t.Fatalf("with the cache off the cached session must be logged out; fake says %v", s)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.session")); len(left) != 0 {
		t.Fatalf("entries left: %v", left)
	}
}

// Issue 22: NSX-v has no logout of one token. Without the cache each process leaves one
// token until it lapses (an apply starts two); with the cache the processes of a pipeline
// share one.
func TestNSXVTokensPerPipeline(t *testing.T) {
	t.Parallel()
	for _, cached := range []bool{false, true} {
		h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
		h.AddCLIUser(t, "audit", "Cl1-User-Passw0rd!")
		w := newWorkspaceWith(t, h.NSXVBlock(), `
data "nsx_version" "v" {
  manager = "nsxv"
}
resource "nsxv_cli_user_role" "audit" {
  provider = nsx
  user_id  = "audit"
  role     = "auditor"
}`)
		env := cacheEnv(cached, filepath.Join(t.TempDir(), "cache"))
		w.terraform(env, "apply", "-auto-approve", "-input=false")
		w.terraform(env, "plan", "-input=false")
		want := int64(3) // the apply's plan and apply processes, then the plan's
		if cached {
			want = 1
		}
		if s := h.Stats(t); s["logins"] != want {
			t.Fatalf("session_cache=%t: want %d tokens, the fake issued %v", cached, want, s)
		}
	}
}

// Issue 22: claims the README and the provider's index page once made, which were false, stay
// gone; each true statement that replaced one is checked by a test of its own (named here).
func TestDocsMakeNoFalseClaims(t *testing.T) {
	t.Parallel()
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(repoRoot(), p))
		must(t, err)
		return string(b)
	}
	gone := map[string][]string{
		"README.md": {
			"installs it from the mirror, with no warning", // TestModuleTestingGuideRunsAsWritten: init warns about the lock file
			"install it into `GOBIN`",                      // make install writes the implied local mirror
			"(always 0 left open)",                         // TestNSXVTokensPerPipeline: NSX-v tokens stay
			"Nothing in `make test` asserts a time",        // restart and Retry-After bounds are asserted, from the settings
			"is\nlogged out at the end of every run",       // not with the session cache
		},
		"docs/index.md": {
			"the rate is halved on each 429",    // the stated limits are learned
			"so no run leaves a session behind", // the session cache keeps them; NSX-v tokens lapse
		},
		"templates/guides/testing-modules.md.tmpl": {
			"jq ", // the script needs no JSON tool
			"> tests/.fakemanager/announce.json &\n```", // the redirect before the directory exists
		},
	}
	for file, claims := range gone {
		text := read(file)
		for _, c := range claims {
			if strings.Contains(text, c) {
				t.Errorf("%s claims %q again", file, c)
			}
		}
	}
	for file, want := range map[string]string{
		"README.md":                              "Incomplete lock file information",
		"docs/guides/testing-modules.md":         "terraform init -input=false",
		"docs/ephemeral-resources/session.md":    `headers["X-XSRF-TOKEN"]`,
		"docs/guides/hardening-vcf9-stig.md":     "VCFN-9X-000115",
		"examples/modules/nsx-stig/variables.tf": `\n\nBy using this IS`,
	} {
		if !strings.Contains(read(file), want) {
			t.Errorf("%s no longer says %q", file, want)
		}
	}
	// Every timeout says what it bounds and its default, not the framework's generic text.
	docs, err := filepath.Glob(filepath.Join(repoRoot(), "docs", "*", "*.md"))
	must(t, err)
	for _, doc := range docs {
		text := read(strings.TrimPrefix(doc, repoRoot()+string(filepath.Separator)))
		_, nested, ok := strings.Cut(text, "### Nested Schema for `timeouts`")
		if !ok {
			continue
		}
		nested, _, _ = strings.Cut(nested, "\n#")
		for line := range strings.SplitSeq(nested, "\n") {
			if strings.HasPrefix(line, "- `") && !strings.Contains(line, "Default `") {
				t.Errorf("%s: a timeout without its default: %s", filepath.Base(doc), line)
			}
		}
	}
}

// exampleVars are the values of the variables the examples declare (passwords).
var exampleVars = []string{
	"TF_VAR_ops_password=Ops-Passw0rd!example", "TF_VAR_snmp_auth_password=Auth-Passw0rd-1", "TF_VAR_snmp_priv_password=Priv-Passw0rd-1",
	"TF_VAR_backup_password=Sftp-Passw0rd!", "TF_VAR_backup_passphrase=Backup-Passphr4se!", "TF_VAR_vidm_client_secret=Vidm-Client-S3cret", "TF_VAR_oidc_client_secret=Oidc-Client-S3cret",
}

var importCommand = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)$`)

// Every NSX resource example works as written against a three-node VCF 9 fake: it applies,
// plans nothing afterwards, and its import.sh, run on what the apply made, plans nothing
// with the example but the version of write-only secrets (which an import cannot know).
func TestResourceExamplesWorkAsWritten(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join(repoRoot(), "examples", "resources", "*"))
	must(t, err)
	if len(dirs) < 17 {
		t.Fatalf("found %d resource examples", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			w, stats := exampleWorkspace(t, filepath.Base(dir), resourceExample(t, filepath.Base(dir)))
			// Nobody else touches the fake: a warning that someone changed what was written
			// would be false.
			if out := w.terraform(exampleVars, "apply", "-auto-approve", "-input=false"); strings.Contains(out, "Changed After the Write") {
				t.Fatalf("a false tamper warning on a manager nobody else touches:\n%s", out)
			}
			if out := w.terraform(exampleVars, "plan", "-input=false"); !strings.Contains(out, "No changes.") {
				t.Fatalf("the example plans changes after its apply:\n%s", out)
			}
			script, err := os.ReadFile(filepath.Join(dir, "import.sh"))
			if os.IsNotExist(err) {
				return
			}
			must(t, err)
			for _, m := range importCommand.FindAllStringSubmatch(string(script), -1) {
				addr, id := m[1], m[2]
				if chosen.MatchString(id) { // an id the manager chose: take the one it made
					id = stateID(t, w, addr, strings.HasPrefix(id, "/"))
				}
				w.terraform(nil, "state", "rm", addr)
				w.terraform(exampleVars, "import", "-input=false", addr, id)
				changed, unrevealed := planned(t, w)
				if len(changed) > 0 {
					t.Fatalf("after importing %s %s the example plans changes to %v", addr, id, changed)
				}
				// What no manager reveals, the import section says, with what the next apply does.
				for _, attr := range unrevealed {
					if !strings.Contains(string(script), attr) {
						t.Errorf("after importing %s the plan changes %s, and the import section does not say so:\n%s", addr, attr, script)
					}
				}
				if len(unrevealed) == 1 && unrevealed[0] == "timeouts" {
					// Recorded in the state only: the apply writes nothing to the manager.
					before := stats()
					w.terraform(exampleVars, "apply", "-auto-approve", "-input=false")
					if after := stats(); after["object_writes"] != before["object_writes"] || after["restarts"] != before["restarts"] {
						t.Fatalf("an apply that records timeouts wrote to the manager: %v -> %v", before, after)
					}
				}
			}
			out := w.terraform(exampleVars, "destroy", "-auto-approve", "-input=false")
			// A singleton's destroy changes nothing on the manager, and says so (issue 33).
			if filepath.Base(dir) == "nsx_api_service_config" && !strings.Contains(out, "NSX API Service Configuration Left As It Is") {
				t.Fatalf("the destroy of the API service settings does not say it leaves them:\n%s", out)
			}
			// NSX-v has no logout of a token: each process leaves one until it lapses.
			if s := stats(); s["active_sessions"] != 0 && !strings.HasPrefix(filepath.Base(dir), "nsxv_") {
				t.Fatalf("sessions left open: %v", s)
			}
		})
	}
}

// chosen are ids in import.sh that the manager chooses (a UUID, a number, an href).
var chosen = regexp.MustCompile(`-0000-4000-|^[0-9]+$|^/orgs/`)

// exampleWorkspace is a workspace with the example and a provider block for its manager's
// fake: NSX (three VCF 9 nodes), NSX-v (with the console users the example names) or the PCE.
func exampleWorkspace(t *testing.T, name, example string) (*workspace, func() map[string]int64) {
	t.Helper()
	switch {
	case strings.HasPrefix(name, "nsxv_"):
		h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
		for _, m := range regexp.MustCompile(`user_id\s+=\s+"([^"]+)"`).FindAllStringSubmatch(example, -1) {
			h.AddCLIUser(t, m[1], "Cl1-User-Passw0rd!")
		}
		return newWorkspaceWith(t, h.NSXVBlock(), example), func() map[string]int64 { return h.Stats(t) }
	case strings.HasPrefix(name, "illumio_"):
		h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{})
		return newWorkspaceWith(t, h.SessionBlock(), example), func() map[string]int64 { return h.Stats(t) }
	}
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	w := newWorkspace(t, h, example)
	if strings.Contains(example, "pipeline.crt") { // the certificate a principal identity registers
		cert, _, err := h.CA.ClientCertificate("terraform-pipeline")
		must(t, err)
		must(t, os.WriteFile(filepath.Join(w.dir, "pipeline.crt"), cert, 0o600))
	}
	return w, func() map[string]int64 { return h.Stats(t) }
}

// resourceExample is the example of the resource type name, as the docs show it.
func resourceExample(t *testing.T, name string) string {
	t.Helper()
	example, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "resources", name, "resource.tf"))
	must(t, err)
	return string(example)
}

// stateID is the id (or, href true, the href) of addr as the state holds it.
func stateID(t *testing.T, w *workspace, addr string, href bool) string {
	t.Helper()
	out := w.terraform(nil, "state", "show", addr)
	key := "id"
	if href {
		key = "href"
	}
	m := regexp.MustCompile(`(?m)^\s+` + key + `\s+=\s+"([^"]+)"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no id in the state of %s:\n%s", addr, out)
	}
	return m[1]
}

// plannedChanges are the attributes the plan changes, by resource, but the versions of
// write-only secrets.
func plannedChanges(t *testing.T, w *workspace) []string {
	t.Helper()
	changed, _ := planned(t, w)
	return changed
}

// showJSON is `terraform show -json file`: a plan or state as JSON (standard output only:
// the warning about development overrides goes to standard error).
func (w *workspace) showJSON(t *testing.T, file string) []byte {
	t.Helper()
	cmd := exec.Command("terraform", "show", "-json", file)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.Output()
	must(t, err)
	return out
}

// planned is plannedChanges, and apart the attributes no manager can reveal that the plan
// changes: the versions of write-only secrets and the timeouts.
func planned(t *testing.T, w *workspace) (changed, unrevealed []string) {
	t.Helper()
	w.terraform(exampleVars, "plan", "-input=false", "-out=plan.bin")
	out := w.showJSON(t, "plan.bin")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string                   `json:"actions"`
				Before  map[string]json.RawMessage `json:"before"`
				After   map[string]json.RawMessage `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	must(t, json.Unmarshal(out, &plan))
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Actions) == 1 && rc.Change.Actions[0] == "no-op" {
			continue
		}
		for k, after := range rc.Change.After {
			if string(rc.Change.Before[k]) == string(after) {
				continue
			}
			if strings.HasSuffix(k, "_wo_version") || k == "timeouts" {
				unrevealed = append(unrevealed, k)
				continue
			}
			changed = append(changed, rc.Address+"."+k)
		}
		if rc.Change.Actions[0] != "update" {
			changed = append(changed, rc.Address+" ("+strings.Join(rc.Change.Actions, ",")+")")
		}
	}
	sort.Strings(changed)
	return changed, unrevealed
}

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
	// The guide shows the files this test runs, not copies that could drift from them.
	guide, err := os.ReadFile(filepath.Join(root, "docs", "guides", "testing-modules.md"))
	must(t, err)
	for _, f := range []string{"tests/fixture.json", "tests/lookup.tftest.hcl", "tests/run-against-fakes.sh"} {
		b, err := os.ReadFile(filepath.Join(module, f))
		must(t, err)
		if !strings.Contains(string(guide), strings.TrimSpace(string(b))) {
			t.Errorf("the guide does not show %s as the test runs it", f)
		}
	}
	// The one warning the README says init gives with the mirror.
	if !strings.Contains(string(out), "Incomplete lock file information") {
		t.Fatalf("terraform init no longer warns as the README says:\n%s", out)
	}
}

// `make help` lists every target the makefile declares phony, each with a line that says
// what it does.
func TestMakeHelpListsEveryTarget(t *testing.T) {
	t.Parallel()
	mk, err := os.ReadFile(filepath.Join(repoRoot(), "GNUmakefile"))
	must(t, err)
	phony := regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindSubmatch(mk)
	if phony == nil {
		t.Fatal("no .PHONY line")
	}
	cmd := exec.Command("make", "-s", "help")
	cmd.Dir = repoRoot()
	out, err := cmd.Output()
	must(t, err)
	listed := map[string]string{}
	for line := range strings.SplitSeq(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			listed[f[0]] = strings.Join(f[1:], " ")
		}
	}
	for target := range strings.FieldsSeq(string(phony[1])) {
		if target == "default" {
			continue
		}
		if len(listed[target]) < 10 {
			t.Errorf("make help does not say what %s does:\n%s", target, out)
		}
	}
}
