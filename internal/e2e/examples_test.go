package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// exampleVars are the values of the variables the examples declare (passwords).
var exampleVars = []string{
	"TF_VAR_ops_password=Ops-Passw0rd!example", "TF_VAR_snmp_auth_password=Auth-Passw0rd-1", "TF_VAR_snmp_priv_password=Priv-Passw0rd-1",
	"TF_VAR_backup_password=Sftp-Passw0rd!", "TF_VAR_backup_passphrase=Backup-Passphr4se!",
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
			example, err := os.ReadFile(filepath.Join(dir, "resource.tf"))
			must(t, err)
			w, stats := exampleWorkspace(t, filepath.Base(dir), string(example))
			w.terraform(exampleVars, "apply", "-auto-approve", "-input=false")
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
				if changed := plannedChanges(t, w); len(changed) > 0 {
					t.Fatalf("after importing %s %s the example plans changes to %v", addr, id, changed)
				}
			}
			w.terraform(exampleVars, "destroy", "-auto-approve", "-input=false")
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
	return newWorkspace(t, h, example), func() map[string]int64 { return h.Stats(t) }
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
	w.terraform(exampleVars, "plan", "-input=false", "-out=plan.bin")
	cmd := exec.Command("terraform", "show", "-json", "plan.bin")
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.Output()
	must(t, err)
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
	var changed []string
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Actions) == 1 && rc.Change.Actions[0] == "no-op" {
			continue
		}
		for k, after := range rc.Change.After {
			if strings.HasSuffix(k, "_wo_version") || k == "timeouts" {
				continue
			}
			if string(rc.Change.Before[k]) != string(after) {
				changed = append(changed, rc.Address+"."+k)
			}
		}
		if rc.Change.Actions[0] != "update" {
			changed = append(changed, rc.Address+" ("+strings.Join(rc.Change.Actions, ",")+")")
		}
	}
	sort.Strings(changed)
	return changed
}
