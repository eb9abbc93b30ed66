package session_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func newClient(t *testing.T, h *fakeharness.NSXT, password string, retries int) *session.Client {
	t.Helper()
	return fakeharness.Session(t, h.Control, session.Config{
		Block: "nsxt", MaxRetries: retries, RateLimit: 1000, MaxConcurrency: 100,
		Auth: &nsxt.Auth{Username: h.Username, Password: password}, Secrets: []string{password},
	})
}

func version(ctx context.Context, c *session.Client) (*session.Response, error) {
	return c.Do(ctx, &session.Request{Method: http.MethodGet, Path: "/api/v1/node/version", Header: http.Header{"Accept": {"application/json"}}})
}

func TestLazyLoginAndLogout(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := newClient(t, h, h.Password, 2)
	if got := h.Stats(t)["logins"]; got != 0 {
		t.Fatalf("a new client logged in %d times before any request", got)
	}
	for i := range 5 {
		resp, err := version(context.Background(), c)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %v %v", i, err, resp)
		}
	}
	c.Close(context.Background())
	s := h.Stats(t)
	if s["logins"] != 1 || s["logouts"] != 1 || s["active_sessions"] != 0 {
		t.Fatalf("want 1 login, 1 logout, 0 sessions; fake says %v", s)
	}
}

// 50 requests on a dead session cause exactly one new login.
func TestConcurrentExpiryReloginsOnce(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := newClient(t, h, h.Password, 2)
	ctx := context.Background()
	if _, err := version(ctx, c); err != nil {
		t.Fatal(err)
	}
	h.ExpireSessions(t)

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			<-start
			resp, err := version(ctx, c)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = errors.New(http.StatusText(resp.StatusCode))
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := h.Stats(t)
	if s["logins"] != 2 {
		t.Fatalf("want 2 logins (first + one renewal), fake counted %d", s["logins"])
	}
	if cs := c.Stats(); cs.Relogins != 1 {
		t.Fatalf("want 1 relogin, client counted %d", cs.Relogins)
	}
	c.Close(ctx)
	if a := h.Stats(t)["active_sessions"]; a != 0 {
		t.Fatalf("%d sessions left open", a)
	}
}

// A wrong password is tried once, however many callers and retries there are.
func TestFailedLoginNeverRetried(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := newClient(t, h, "wrong", 10)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := version(context.Background(), c)
			var le *session.LoginError
			if !errors.As(err, &le) {
				t.Errorf("want a LoginError, got %v", err)
				return
			}
			if !strings.Contains(le.Error(), "The credentials were incorrect") || !strings.Contains(le.Error(), "nsxt") {
				t.Errorf("the error should quote NSX and name the block: %v", le)
			}
		})
	}
	wg.Wait()
	if _, err := version(context.Background(), c); err == nil {
		t.Fatal("a later call succeeded")
	}
	if f := h.Stats(t)["failed_logins"]; f != 1 {
		t.Fatalf("want exactly 1 login attempt, fake counted %d failed logins", f)
	}
}

// Sessions are per node: when node 0 goes away, node 1 gets its own login, and no cookie
// issued by one node is ever presented to another (the fake counts such rejections).
func TestNodeScopedSessionsAndFailover(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	c := newClient(t, h, h.Password, 2)
	ctx := context.Background()
	for range 3 {
		if _, err := version(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	h.Faults(t, fakemanager.Faults{NodeDown: []int{0}})
	for range 3 {
		resp, err := version(ctx, c)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("after node 0 went down: %v %v", err, resp)
		}
		if resp.Node != strings.TrimPrefix(h.Server.URLs()[1], "https://") {
			t.Fatalf("answered by %s, want node 1", resp.Node)
		}
	}
	s := h.Stats(t)
	if s["logins"] != 2 || s["rejected_requests"] != 0 {
		t.Fatalf("want 2 logins (one per node used) and 0 rejected requests, fake says %v", s)
	}
	c.Close(ctx)
	if a := h.Stats(t)["active_sessions"]; a != 1 {
		// Node 0's session cannot be destroyed while node 0 is down.
		t.Fatalf("want only the unreachable node's session left, got %d", a)
	}
}

// Nothing secret reaches the logs, even at TRACE, through login, use, expiry, renewal and logout.
func TestNoSecretsInTraceLogs(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := newClient(t, h, h.Password, 2)
	if _, err := version(ctx, c); err != nil {
		t.Fatal(err)
	}
	h.ExpireSessions(t)
	if _, err := version(ctx, c); err != nil {
		t.Fatal(err)
	}
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 503, Count: 1}}})
	if _, err := version(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	bad := newClient(t, h, "Wr0ng&Secret%", 2)
	_, _ = version(ctx, bad)

	logs := buf.String()
	if !strings.Contains(logs, "logged in") || !strings.Contains(logs, "manager request") {
		t.Fatalf("expected session logs, got:\n%s", logs)
	}
	secrets := append(h.Issued(t), h.Password, "Wr0ng&Secret%")
	if len(secrets) < 6 {
		t.Fatalf("expected the fake to have issued cookies and tokens, got %v", secrets)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("secret %q appears in the logs", s[:3]+"…")
		}
	}
}

func TestRetryHonoursRetryAfterAndIdempotency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		c := newClient(t, h, h.Password, 3)
		ctx := context.Background()
		if _, err := version(ctx, c); err != nil {
			t.Fatal(err)
		}
		h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 429, Count: 2, RetryAfter: 1, PathPrefix: "/api/v1/node"}}})
		start := time.Now()
		resp, err := version(ctx, c)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("429 burst not survived: %v %v", err, resp)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Fatalf("Retry-After: 1 twice takes 2 s on the bubble's clock, took %v", waited)
		}
		if r := c.Stats().Retries; r != 2 {
			t.Fatalf("want 2 retries, got %d", r)
		}

		// A 502 on a POST may have been acted on: not retried.
		h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 502, Count: 1, PathPrefix: "/api/v1/node"}}})
		resp, err = c.Do(ctx, &session.Request{Method: http.MethodPost, Path: "/api/v1/node/version"})
		if err != nil || resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("want the 502 back unretried, got %v %v", err, resp)
		}
		if r := c.Stats().Retries; r != 2 {
			t.Fatalf("the POST was retried: %d retries", r)
		}
	})
}

// An untrusted certificate is a fact and a kind; the advice (set ca_file…) is the caller's,
// through Config.Explain, added once.
func TestUntrustedCAIsAKindWithTheCallersAdvice(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	u, _ := url.Parse(h.Server.URLs()[0])
	c, err := session.New(session.Config{Block: "nsxt", Nodes: []*url.URL{u}, TLS: &tls.Config{MinVersion: tls.VersionTLS12},
		MaxRetries: 3, Auth: &nsxt.Auth{Username: "admin", Password: h.Password},
		Explain: func(err error) string {
			if session.KindOf(err) == session.KindUntrustedCA {
				return "trust the manager's CA"
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = version(context.Background(), c)
	if session.KindOf(err) != session.KindUntrustedCA || !strings.HasSuffix(err.Error(), "; trust the manager's CA") ||
		strings.Count(err.Error(), "trust the manager's CA") != 1 {
		t.Fatalf("want the untrusted-CA kind with the caller's advice once, got %v", err)
	}
	if s := h.Stats(t); s["logins"]+s["failed_logins"] != 0 {
		t.Fatalf("credentials reached an untrusted server: %v", s)
	}
}
