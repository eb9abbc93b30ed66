package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// expiringAuth issues credentials that lapse at a given time, as a JWT does.
type expiringAuth struct {
	logins   atomic.Int64
	lifetime time.Duration
}

func (a *expiringAuth) Login(context.Context, *http.Client, *url.URL) (*session.Credentials, error) {
	n := a.logins.Add(1)
	return &session.Credentials{Header: http.Header{"Authorization": {"Bearer tok-" + string(rune('a'+n))}},
		Expires: time.Now().Add(a.lifetime)}, nil
}
func (a *expiringAuth) Expired(resp *session.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized
}
func (a *expiringAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}

// Credentials within RenewBeforeExpiry of their Expires are renewed before use: the call
// goes out once, with new credentials, and is never refused; ones far from it are kept.
func TestCredentialsRenewedBeforeTheyExpire(t *testing.T) {
	t.Parallel()
	var refused atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			refused.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		lifetime time.Duration
		logins   int64
	}{{session.RenewBeforeExpiry / 2, 3}, {time.Hour, 1}} {
		u, _ := url.Parse(srv.URL)
		auth := &expiringAuth{lifetime: tc.lifetime}
		c, err := session.New(session.Config{Block: "sdwan", Nodes: []*url.URL{u}, Auth: auth, RateLimit: 1000,
			TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/x"}); err != nil {
				t.Fatal(err)
			}
		}
		if got := auth.logins.Load(); got != tc.logins || refused.Load() != 0 {
			t.Fatalf("lifetime %v: %d logins (want %d), %d refused calls", tc.lifetime, got, tc.logins, refused.Load())
		}
		if tc.logins > 1 && c.Stats().Renewals != tc.logins-1 {
			t.Fatalf("lifetime %v: %+v", tc.lifetime, c.Stats())
		}
	}
}
