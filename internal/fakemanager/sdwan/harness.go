package sdwan

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Harness is a fake SD-WAN Manager started for one test and stopped when it ends.
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
	Idle          time.Duration
	ExpiredStatus int
	PasswordReset bool
	Devices       int
}

// StartHarness starts a fake SD-WAN Manager for t.
func StartHarness(t testing.TB, o HarnessOptions) *Harness {
	t.Helper()
	ca, err := fakemanager.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Username: "netops", Password: "Sd&Wan-P@ss%2B+1", Idle: o.Idle, ExpiredStatus: o.ExpiredStatus,
		PasswordReset: o.PasswordReset, Devices: o.Devices}
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

// URL is the manager's address.
func (h *Harness) URL() string { return h.Server.URLs()[0] }

// SDWANBlock is the provider's sdwan block for this fake, trusting its CA through ca_file.
func (h *Harness) SDWANBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("sdwan {\n    url      = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.URL(), h.Username, pw, h.CAFile)
}

// OpenBrowserSession logs in as an operator's browser would and returns the session cookie.
func (h *Harness) OpenBrowserSession(t testing.TB) string {
	t.Helper()
	form := url.Values{"j_username": {h.Username}, "j_password": {h.Password}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, h.URL()+"/j_security_check", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.control.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "JSESSIONID" {
			return c.Value
		}
	}
	t.Fatalf("browser login got no session: %d", resp.StatusCode)
	return ""
}

// Stats reads GET /_fake/stats.
func (h *Harness) Stats(t testing.TB) map[string]int64 {
	t.Helper()
	var out map[string]int64
	h.call(t, http.MethodGet, "/_fake/stats", nil, &out)
	return out
}

// Issued lists every cookie and XSRF token the fake handed out.
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
