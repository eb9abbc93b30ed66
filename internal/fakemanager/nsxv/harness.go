package nsxv

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

// Harness is a fake NSX-v Manager started for one test and stopped when it ends.
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
	NoTokenEndpoint bool
	TokenLifetime   time.Duration
	// Major and Minor set the version (default 6.4).
	Major, Minor int
}

// StartHarness starts a fake NSX-v Manager for t.
func StartHarness(t testing.TB, o HarnessOptions) *Harness {
	t.Helper()
	ca, err := fakemanager.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Username: "admin", Password: "Nsx-v&Adm1n%2B+", NoTokenEndpoint: o.NoTokenEndpoint, TokenLifetime: o.TokenLifetime}
	if o.Major != 0 {
		opts.Major, opts.Minor, opts.Patch, opts.Build = o.Major, o.Minor, 5, "4818372"
	}
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
		control: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}}},
	}
}

// Host is the manager's address as name:port.
func (h *Harness) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// NSXVBlock is the provider's nsxv block for this fake, trusting its CA through ca_file.
func (h *Harness) NSXVBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("nsxv {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}

// Stats reads GET /_fake/stats.
func (h *Harness) Stats(t testing.TB) map[string]int64 {
	t.Helper()
	var out map[string]int64
	h.call(t, http.MethodGet, "/_fake/stats", nil, &out)
	return out
}

// Issued lists every token the fake handed out.
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

// ExpireSessions ends every token.
func (h *Harness) ExpireSessions(t testing.TB) {
	t.Helper()
	h.call(t, http.MethodPost, "/_fake/expire-sessions", nil, nil)
}

// AddCLIUser creates a user on the manager's console through POST /_fake/cli-users.
func (h *Harness) AddCLIUser(t testing.TB, name, password string) {
	t.Helper()
	h.call(t, http.MethodPost, "/_fake/cli-users", map[string]string{"user_id": name, "password": password}, nil)
}

func (h *Harness) call(t testing.TB, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.Server.URLs()[0]+path, body)
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
