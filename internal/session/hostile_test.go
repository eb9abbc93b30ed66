package session_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// plainAuth is a session-less Authenticator for tests against httptest servers.
type plainAuth struct{}

func (plainAuth) Login(context.Context, *http.Client, *url.URL) (*session.Credentials, error) {
	return &session.Credentials{Header: http.Header{"Authorization": {"Token tok-abc123"}}}, nil
}
func (plainAuth) Expired(*session.Response) bool { return false }
func (plainAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}

func hostileClient(t *testing.T, srv *httptest.Server, cfg session.Config) *session.Client {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	cfg.Block, cfg.Nodes, cfg.Auth = "nsxt", []*url.URL{u}, plainAuth{}
	cfg.TLS = srv.Client().Transport.(*http.Transport).TLSClientConfig
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 1000
	}
	c, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bubbleServer is an httptest TLS server on an in-memory network, for a test inside a
// testing/synctest bubble; dial reaches it (session.Config.Dial). It is closed when t ends.
func bubbleServer(t *testing.T, h http.Handler) (srv *httptest.Server, dial func(context.Context, string, string) (net.Conn, error)) {
	t.Helper()
	n := memnet.New()
	l, err := n.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewUnstartedServer(h)
	srv.Listener = l
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, n.DialContext
}

// A Retry-After of a day is honoured only up to the cap: min(30 s, request_timeout). On the
// bubble's clock, the two retries wait exactly the cap each.
func TestRetryAfterIsCapped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int64
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.Header().Set("Retry-After", "86400")
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		timeout := 500 * time.Millisecond
		c := hostileClient(t, srv, session.Config{RequestTimeout: timeout, MaxRetries: 2, Dial: dial})
		start := time.Now()
		resp, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/x"})
		took := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("want the last 503, got %v %v", resp, err)
		}
		if hits.Load() != 3 {
			t.Fatalf("want 1 try + 2 retries, server saw %d", hits.Load())
		}
		if want := 2 * timeout; took != want {
			t.Fatalf("took %v; two retries capped at request_timeout wait %v", took, want)
		}
	})
}

// An HTTP-date Retry-After far in the future is capped the same way.
func TestRetryAfterDateIsCapped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int64
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if hits.Add(1) == 1 {
				w.Header().Set("Retry-After", time.Now().Add(48*time.Hour).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			_, _ = w.Write([]byte(`{}`))
		}))
		timeout := 300 * time.Millisecond
		c := hostileClient(t, srv, session.Config{RequestTimeout: timeout, MaxRetries: 1, Dial: dial})
		start := time.Now()
		if resp, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/x"}); err != nil || resp.StatusCode != 200 {
			t.Fatalf("want the retry to succeed after a capped wait: %v %v", resp, err)
		}
		if took := time.Since(start); took != timeout {
			t.Fatalf("took %v; the retry waits request_timeout, %v", took, timeout)
		}
	})
}

// An endless body, 20 of them at once, costs at most the cap each: the peak heap stays under
// 20 × (cap + slack), and each error names the limit and the request.
func TestEndlessBodiesAreCapped(t *testing.T) {
	const limit = 1 << 20
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(`{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},`, 1024))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := hostileClient(t, srv, session.Config{RequestTimeout: 30 * time.Second, MaxRetries: 0, MaxConcurrency: 20, MaxResponseBytes: limit})

	growth := fakeharness.HeapGrowth(2 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/policy/api/v1/infra/segments"})
			errs <- err
		})
	}
	wg.Wait()
	grew := growth()
	close(errs)
	for err := range errs {
		var tl *session.TooLargeError
		if !errors.As(err, &tl) || !strings.Contains(err.Error(), "exceeded the provider's limit of 1 MiB") ||
			!strings.Contains(err.Error(), "GET /policy/api/v1/infra/segments") {
			t.Fatalf("want a too-large error naming the limit and the request, got %v", err)
		}
	}
	t.Logf("20 endless answers, cap 1 MiB: peak heap grew by %.1f MiB", float64(grew)/(1<<20))
	// Each reader holds at most the cap plus the half-size buffer it grew from, plus the
	// transports' own buffers.
	if bound := int64(20*limit*3/2 + 16<<20); grew > bound {
		t.Fatalf("peak heap grew by %d bytes, beyond %d", grew, bound)
	}
}

// An announced Content-Length beyond the cap is refused before reading.
func TestAnnouncedOversizeRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "9999999")
		w.WriteHeader(200)
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	c := hostileClient(t, srv, session.Config{RequestTimeout: 5 * time.Second, MaxResponseBytes: 1 << 20})
	_, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/big"})
	if _, ok := errors.AsType[*session.TooLargeError](err); !ok {
		t.Fatalf("want TooLargeError, got %v", err)
	}
}

// Every form of a secret a manager may echo is masked: raw, form-encoded, JSON-escaped,
// Base64, and the Basic pair; so are the credentials of the open session.
func TestMaskEveryForm(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{}`)) }))
	defer srv.Close()
	pw := `S3cr&t"<pw>+1/é`
	c := hostileClient(t, srv, session.Config{Secrets: []string{pw, "k"}, Username: "admin"})
	if _, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{
		pw,
		url.QueryEscape(pw),
		url.PathEscape(pw),
		`S3cr\u0026t\"\u003cpw\u003e+1/é`,
		`S3cr&t\"<pw>+1/é`,
		// Issue 21: "\/" and ASCII-only JSON, HTML and XML entities.
		`S3cr\u0026t\"\u003cpw\u003e+1\/\u00e9`,
		`S3cr&t\"<pw>+1\/\u00e9`,
		`S3cr&amp;t&quot;&lt;pw&gt;+1/é`,
		`S3cr&amp;t&#34;&lt;pw&gt;+1/é`,
		base64.StdEncoding.EncodeToString([]byte(pw)),
		base64.StdEncoding.EncodeToString([]byte("admin:" + pw)),
		"tok-abc123",
	} {
		text := "the manager said: j_password=" + form + "; done"
		if got := c.Mask(text); strings.Contains(got, form) || !strings.Contains(got, session.Masked) {
			t.Errorf("form %q not masked: %q", form, got)
		}
	}
	// Issue 21: a one-letter secret is masked where it stands as a token, not inside words.
	if got := c.Mask("the key k is kept; keys and tokens stay"); got != "the key *** is kept; keys and tokens stay" {
		t.Errorf("a short secret garbles the message: %q", got)
	}
	// A caller's slice of secrets is never rearranged (it was compacted in place before).
	shared := []string{"", "a-secret", ""}
	_, _ = session.New(session.Config{Block: "x", Nodes: []*url.URL{{Scheme: "https", Host: "h"}}, Auth: plainAuth{}, Secrets: shared})
	if shared[0] != "" || shared[1] != "a-secret" {
		t.Fatalf("the caller's secrets were changed: %q", shared)
	}
}

func TestTruncateOnCharacterBoundary(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("é", 150) // 300 bytes
	got := session.BodyPreview([]byte(s))
	if !strings.HasSuffix(got, "…") || !utfValid(got) || len(got) > 204 {
		t.Fatalf("preview %q", got)
	}
}

func utfValid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
