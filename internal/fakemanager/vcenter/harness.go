package vcenter

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Harness is a fake vCenter started for one test and stopped when it ends.
type Harness struct {
	Fake     *Fake
	Server   *fakemanager.Server
	CA       *fakemanager.CA
	CAFile   string
	Username string
	Password string
	control  *http.Client
}

// HarnessOptions shape a test's fake.
type HarnessOptions struct {
	Legacy bool
	Idle   time.Duration
}

// StartHarness starts a fake vCenter for t.
func StartHarness(t testing.TB, o HarnessOptions) *Harness {
	t.Helper()
	ca, err := fakemanager.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Username: "administrator@vsphere.local", Password: "VMw@re&Pass%2B+1", Legacy: o.Legacy, Idle: o.Idle}
	fake, srv, err := Start(opts, fakemanager.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return &Harness{
		Fake: fake, Server: srv, CA: ca, CAFile: caFile, Username: opts.Username, Password: opts.Password,
		control: &http.Client{
			Timeout:       10 * time.Second,
			Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Host is the vCenter's address as name:port.
func (h *Harness) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// URL is the vCenter's base URL.
func (h *Harness) URL() string { return h.Server.URLs()[0] }

// VCenterBlock is the provider's vcenter block for this fake, trusting its CA through ca_file.
func (h *Harness) VCenterBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("vcenter {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}

// Stats reads GET /_fake/stats.
func (h *Harness) Stats(t testing.TB) map[string]int64 {
	t.Helper()
	var out map[string]int64
	h.call(t, http.MethodGet, "/_fake/stats", nil, &out)
	return out
}

// Issued lists every session token the fake handed out.
func (h *Harness) Issued(t testing.TB) []string {
	t.Helper()
	var out []string
	h.call(t, http.MethodGet, "/_fake/issued", nil, &out)
	return out
}

// Faults posts a /_fake/faults body.
func (h *Harness) Faults(t testing.TB, f fakemanager.Faults) {
	t.Helper()
	h.call(t, http.MethodPost, "/_fake/faults", f, nil)
}

func (h *Harness) call(t testing.TB, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.URL()+path, body)
	resp, err := h.control.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}
