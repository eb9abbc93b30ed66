package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

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
	for i := 0; i < n; i++ {
		ws = append(ws, newWorkspace(t, h, "data \"nsx_version\" \"v\" {}\ndata \"nsx_segments\" \"s\" {}\n"))
	}
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("terraform", "plan", "-input=false", "-no-color")
			cmd.Dir = w.dir
			cmd.Env = append(append([]string(nil), w.env...), env...)
			b, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(b), err
		}()
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
