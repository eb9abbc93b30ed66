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
	if err := runCmd(root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-nsx"), "."); err != nil {
		return err
	}
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
	fmt.Printf("NSX cluster: %s (CA: %s)\n", strings.Join(nsxt.URLs, ", "), ann.CAFile)

	// dev_overrides runs the provider just built; the filesystem mirror beside it lets
	// `terraform init` resolve netsession/nsx without reaching the registry.
	mirror := filepath.Join(work, "mirror")
	pkg := filepath.Join(mirror, "registry.terraform.io", "netsession", "nsx", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return err
	}
	if err := runCmd(root, nil, "go", "build", "-o", filepath.Join(pkg, "terraform-provider-nsx_v0.1.0"), "."); err != nil {
		return err
	}
	rc := filepath.Join(work, "dev.tfrc")
	cliConfig := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "netsession/nsx" = %q
  }
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/netsession/nsx"]
  }
  direct {
    exclude = ["registry.terraform.io/netsession/nsx"]
  }
}
`, bin, mirror)
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
	vars, _ := json.MarshalIndent(map[string]any{
		"nsxt_hosts": hosts, "nsxt_username": nsxt.Username, "nsxt_password": nsxt.Password, "ca_file": ann.CAFile,
	}, "", "  ")
	if err := os.WriteFile(filepath.Join(tf, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}

	for _, args := range [][]string{
		{"init", "-input=false"},
		{"apply", "-auto-approve", "-input=false"},
		{"output"},
		{"destroy", "-auto-approve", "-input=false"},
	} {
		step("terraform %s", strings.Join(args, " "))
		if err := runCmd(tf, env, "terraform", args...); err != nil {
			return err
		}
	}

	step("session figures of the fake NSX Manager")
	stats, err := fakeStats(ann.CAFile, nsxt.URLs[0])
	if err != nil {
		return err
	}
	fmt.Printf("logins: %d\nlogouts: %d\nfailed logins: %d\nrequests: %d\nsessions left open: %d\n",
		stats["logins"], stats["logouts"], stats["failed_logins"], stats["requests"], stats["active_sessions"])
	if stats["active_sessions"] != 0 {
		return fmt.Errorf("%d sessions were left open", stats["active_sessions"])
	}
	return nil
}

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
	defer resp.Body.Close()
	var out map[string]int64
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
