package session_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// panickyAuth panics in its first login, then logs in.
type panickyAuth struct{ logins atomic.Int32 }

func (a *panickyAuth) Login(context.Context, *http.Client, *url.URL) (*session.Credentials, error) {
	if a.logins.Add(1) == 1 {
		var cred *session.Credentials
		_ = cred.Header // a nil pointer: panics
	}
	return &session.Credentials{Header: http.Header{"Authorization": {"Token tok-abc123"}}}, nil
}
func (*panickyAuth) Expired(*session.Response) bool { return false }
func (*panickyAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	panic("a logout that panics")
}

// A panic in a login is an error of that call only: no refusal is cached and no failed login
// counted, the next call logs in; a panic in a logout at Close is logged, and Close returns.
func TestPanicInLoginIsThatCallsErrorOnly(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{}`)) }))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	auth := &panickyAuth{}
	c, err := session.New(session.Config{Block: "nsxt", Nodes: []*url.URL{u}, Auth: auth, RateLimit: 1000,
		TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/api/v1/node/version"})
	var bug *session.BugError
	if !errors.As(err, &bug) || !strings.Contains(err.Error(), "has a bug") || !strings.Contains(err.Error(), "login") {
		t.Fatalf("want a BugError naming the login, got %v", err)
	}
	if _, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/api/v1/node/version"}); err != nil {
		t.Fatalf("the next call must log in again: %v", err)
	}
	if s := c.Stats(); s.FailedLogins != 0 || s.Logins != 1 || auth.logins.Load() != 2 {
		t.Fatalf("want 2 login attempts, 1 login, 0 failed: %+v, attempts %d", s, auth.logins.Load())
	}
	c.Close(context.Background()) // its logout panics: caught, logged
}
