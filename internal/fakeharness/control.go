// Package fakeharness starts the fake managers for one test and is the test's handle on them:
// the fake's control plane as Go calls, and the provider configuration and session clients a
// test needs to talk to it. Only tests import it; the fakes themselves know nothing of tests.
package fakeharness

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Control is a test's handle on one fake: the CA that signed its certificate (also as a file,
// for the provider's ca_file), an HTTP client that trusts it, and the /_fake/ control
// endpoints. Each fake's test harness embeds it.
type Control struct {
	Server *fakemanager.Server
	CA     *fakemanager.CA
	CAFile string
	// HTTP trusts the fake's CA and never follows redirects.
	HTTP *http.Client
	// Dial reaches the fake's nodes where they listen on an in-memory network (nil: TCP);
	// Session gives it to the clients it builds.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewTestCAOf makes a CA of the organization (fakemanager.NewCAOf; "" for the default) for one
// test and writes its certificate to a file in t's temporary directory.
func NewTestCAOf(t testing.TB, organization string) (*fakemanager.CA, string) {
	t.Helper()
	ca, err := fakemanager.NewCAOf(organization)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, ca.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return ca, file
}

// start runs a fake for t with run (a fake package's Start) and opts, with a fresh test CA
// and on the network net (nil: TCP): its Control and the fake.
func start[O, F any](t testing.TB, run func(O, fakemanager.Options) (F, *fakemanager.Server, error), opts O, net *memnet.Network) (*Control, F) {
	t.Helper()
	return startWith(t, run, opts, fakemanager.Options{}, "", net)
}

// startWith is start with the server options so (nodes) and a CA of the organization org
// (NewTestCAOf).
func startWith[O, F any](t testing.TB, run func(O, fakemanager.Options) (F, *fakemanager.Server, error), opts O, so fakemanager.Options,
	org string, net *memnet.Network) (*Control, F) {
	t.Helper()
	ca, caFile := NewTestCAOf(t, org)
	so.CA, so.Listener = ca, listener(net)
	fake, srv, err := run(opts, so)
	if err != nil {
		t.Fatal(err)
	}
	return newControl(t, srv, ca, caFile, net), fake
}

// newControl wraps a fake started for t on the network net (nil: TCP), and stops it when t
// ends.
func newControl(t testing.TB, srv *fakemanager.Server, ca *fakemanager.CA, caFile string, net *memnet.Network) *Control {
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}}
	c := &Control{Server: srv, CA: ca, CAFile: caFile}
	if net != nil {
		c.Dial, transport.DialContext = net.DialContext, net.DialContext
	}
	c.HTTP = &http.Client{
		Timeout:       10 * time.Second,
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	// Idle connections are closed with the fake: in a synctest bubble, a connection left
	// waiting would keep the bubble from ending.
	t.Cleanup(func() { srv.Close(); transport.CloseIdleConnections() })
	return c
}

// Stats reads GET /_fake/stats.
func (c *Control) Stats(t testing.TB) map[string]int64 {
	t.Helper()
	var out map[string]int64
	c.Call(t, http.MethodGet, "/_fake/stats", nil, &out)
	return out
}

// Issued lists every secret the fake handed out (cookies, tokens, session ids).
func (c *Control) Issued(t testing.TB) []string {
	t.Helper()
	var out []string
	c.Call(t, http.MethodGet, "/_fake/issued", nil, &out)
	return out
}

// Faults posts a /_fake/faults body.
func (c *Control) Faults(t testing.TB, f fakemanager.Faults) {
	t.Helper()
	c.Call(t, http.MethodPost, "/_fake/faults", f, nil)
}

// ExpireSessions ends every session.
func (c *Control) ExpireSessions(t testing.TB) {
	t.Helper()
	c.Call(t, http.MethodPost, "/_fake/expire-sessions", nil, nil)
}

// Reset puts the fake back to the start.
func (c *Control) Reset(t testing.TB) {
	t.Helper()
	c.Call(t, http.MethodPost, "/_fake/reset", nil, nil)
}

// Call sends a control request, as JSON, and decodes the answer into out. It goes to the last
// node, so that a test can take the first ones down.
func (c *Control) Call(t testing.TB, method, path string, in, out any) {
	t.Helper()
	c.call(t, method, path, in, out, func(*http.Request) {})
}

// call sends in as JSON to path on the last node, the request prepared by prepare (its
// credentials), fails t on an answer of 300 or above, and decodes the answer into out (nil:
// none).
func (c *Control) call(t testing.TB, method, path string, in, out any, prepare func(*http.Request)) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	urls := c.Server.URLs()
	req, _ := http.NewRequest(method, urls[len(urls)-1]+path, body)
	prepare(req)
	b, status := c.exchange(t, req)
	if status >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// exchange sends req and answers the body and status (t fails where nothing answered).
func (c *Control) exchange(t testing.TB, req *http.Request) ([]byte, int) {
	t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}

// CheckText fails t where s, text the provider shows a user from a manager's answer, holds
// a control character but newline and tab, is not UTF-8, or is longer than most bytes.
func CheckText(t testing.TB, s string, most int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("not UTF-8: %q", s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			t.Fatalf("control character %U in %q", r, s)
		}
	}
	if len(s) > most {
		t.Fatalf("%d bytes, more than %d", len(s), most)
	}
}

// FuzzDecoder fuzzes a manager's error decoder with answers of any status and body (seeds
// first, answered with status): it must not panic, and the error's text must pass CheckText
// within most bytes.
func FuzzDecoder(f *testing.F, status int, contentType, request string, seeds []string, decode func(*session.Response) error, most int) {
	for _, seed := range seeds {
		f.Add(status, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := decode(&session.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}, Body: body, Request: request})
		CheckText(t, err.Error(), most)
	})
}

// Send sends req with c and reads the whole answer: the response (its body read and closed)
// and the body as text. A request that gets no answer fails tb.
func Send(tb testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
