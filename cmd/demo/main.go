// Command demo is what `make demo` runs: it builds the provider and the fake managers, starts
// the fakes on loopback with TLS, applies examples/demo with terraform through a CLI
// configuration with dev_overrides, prints the outputs, destroys, and prints the fake's
// session figures. It fails if any session is left open.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }

func run() error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	work := filepath.Join(root, "examples", "demo", ".demo")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	bin := filepath.Join(work, "bin")
	tf := filepath.Join(work, "tf")
	for _, d := range []string{bin, tf} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	step("building the provider and the fake managers")
	if err := runCmd(root, nil, "go", "build", "-o", filepath.Join(bin, "fakemanager"), "./cmd/fakemanager"); err != nil {
		return err
	}

	step("starting the fake managers on 127.0.0.1")
	fake := exec.Command(filepath.Join(bin, "fakemanager"), "-dir", work)
	fake.Stderr = os.Stderr
	stdout, err := fake.StdoutPipe()
	if err != nil {
		return err
	}
	if err := fake.Start(); err != nil {
		return err
	}
	defer func() {
		_ = fake.Process.Signal(syscall.SIGTERM)
		_ = fake.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the fake's first line: %w", err)
	}
	var ann fakemanager.Announcement
	if err := json.Unmarshal([]byte(line), &ann); err != nil {
		return fmt.Errorf("the fake's first line is not the JSON contract: %w", err)
	}
	nsxt := ann.Managers["nsxt"]
	for _, name := range managers {
		fmt.Printf("%-8s %s\n", name, strings.Join(ann.Managers[name].URLs, ", "))
	}
	fmt.Printf("CA: %s\n", ann.CAFile)

	// The provider just built, in a filesystem mirror: `terraform init` installs it from there
	// as it would from the registry, with no override warning.
	mirror := filepath.Join(work, "mirror")
	pkg := filepath.Join(mirror, "registry.terraform.io", "netsession", "nsx", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return err
	}
	if err := runCmd(root, nil, "go", "build", "-ldflags", "-X main.version=0.1.0", "-o", filepath.Join(pkg, "terraform-provider-nsx_v0.1.0"), "."); err != nil {
		return err
	}
	rc := filepath.Join(work, "demo.tfrc")
	cliConfig := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/netsession/nsx"]
  }
  direct {
    exclude = ["registry.terraform.io/netsession/nsx"]
  }
}
`, mirror)
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		return err
	}
	src, err := os.ReadFile(filepath.Join(root, "examples", "demo", "main.tf"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tf, "main.tf"), src, 0o600); err != nil {
		return err
	}
	var hosts []string
	for _, u := range nsxt.URLs {
		hosts = append(hosts, strings.TrimPrefix(u, "https://"))
	}
	creds := map[string]map[string]string{}
	for _, name := range managers {
		m := ann.Managers[name]
		creds[name] = map[string]string{"host": m.URLs[0], "username": m.Username, "password": m.Password}
	}
	pce := ann.Managers["illumio"]
	creds["illumio"]["username"], creds["illumio"]["password"] = pce.APIKeyUsername, pce.APIKeySecret
	vars, _ := json.MarshalIndent(map[string]any{"nsxt_hosts": hosts, "ca_file": ann.CAFile, "credentials": creds}, "", "  ")
	if err := os.WriteFile(filepath.Join(tf, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}

	// Colour only for a terminal: a log or a pipe gets plain text.
	var noColor []string
	if fi, err := os.Stdout.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		noColor = []string{"-no-color"}
	}
	for _, args := range [][]string{
		{"init", "-input=false"},
		{"apply", "-auto-approve", "-input=false"},
		{"output"},
		{"destroy", "-auto-approve", "-input=false"},
	} {
		step("terraform %s", strings.Join(args, " "))
		if err := runCmd(tf, env, "terraform", append(args, noColor...)...); err != nil {
			return err
		}
	}

	step("session figures of the fake managers, after apply, output and destroy (3 terraform runs)")
	fmt.Printf("%-8s %7s %8s %14s %9s %18s\n", "manager", "logins", "logouts", "failed logins", "requests", "sessions left open")
	left := int64(0)
	for _, name := range managers {
		stats, err := fakeStats(ann.CAFile, ann.Managers[name].URLs[len(ann.Managers[name].URLs)-1])
		if err != nil {
			return err
		}
		note := ""
		switch name {
		case "nsxv":
			// An NSX-v auth token cannot be ended on its own: it lapses after its lifetime
			// (90 minutes by default; the fake's -idle shortens it).
			note = "  (auth tokens: no logout exists; they lapse after their lifetime)"
		case "illumio":
			note = "  (API key: no session to open or end)"
		default:
			left += stats["active_sessions"]
		}
		fmt.Printf("%-8s %7d %8d %14d %9d %18d%s\n", name, stats["logins"], stats["logouts"], stats["failed_logins"], stats["requests"], stats["active_sessions"], note)
	}
	if left != 0 {
		return fmt.Errorf("%d sessions were left open", left)
	}
	return nil
}

// managers are the fakes the demo uses, in the order of the table.
var managers = []string{"nsxt", "nsxv", "sdwan", "illumio", "vcenter"}

func runCmd(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func fakeStats(caFile, base string) (map[string]int64, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	resp, err := c.Get(base + "/_fake/stats")
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]int64
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
