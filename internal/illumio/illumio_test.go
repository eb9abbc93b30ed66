package illumio_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func newClient(t *testing.T, h *fakeharness.Illumio, auth *illumio.Auth) (*illumio.Client, *session.Client) {
	t.Helper()
	s := fakeharness.Session(t, h.Control, session.Config{
		Block: "illumio", MaxRetries: 2, RateLimit: illumio.DefaultRateLimit, Auth: auth, Secrets: []string{auth.Password},
		IdleTimeout: illumio.IdleTimeout,
	})
	return illumio.NewClient(s), s
}

// The auth token of the first login step lives 30 seconds (shortened here): traded at once it
// works; traded late it fails. The provider's login trades it at once.
func TestAuthTokenWindow(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{AuthTokenTTL: 300 * time.Millisecond})
	hc := h.HTTP
	authenticate := func() string {
		req, _ := http.NewRequest(http.MethodPost, h.Server.URLs()[0]+"/api/v2/login_users/authenticate?pce_fqdn=127.0.0.1", strings.NewReader("{}"))
		req.SetBasicAuth(h.Email, h.Password)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("authenticate: %v %v", err, resp)
		}
		defer func() { _ = resp.Body.Close() }()
		var out struct {
			AuthToken string `json:"auth_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out.AuthToken
	}
	trade := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, h.Server.URLs()[0]+"/api/v2/users/login", nil)
		req.Header.Set("Authorization", "Token token="+token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	late := authenticate()
	time.Sleep(400 * time.Millisecond)
	if status := trade(late); status != http.StatusUnauthorized {
		t.Fatalf("an auth token traded after its window: %d", status)
	}
	if status := trade(authenticate()); status != http.StatusOK {
		t.Fatalf("an auth token traded at once: %d", status)
	}

	c, s := newClient(t, h, &illumio.Auth{Username: h.Email, Password: h.Password})
	if _, err := c.ProductVersion(context.Background()); err != nil {
		t.Fatalf("the provider's login, both steps at once, failed: %v", err)
	}
	s.Close(context.Background())
	if st := h.Stats(t); st["late_auth_tokens"] != 1 || st["logins"] != 2 {
		t.Fatalf("fake says %v", st)
	}
}

// The session is logged out when the process ends; an API key logs nothing in or out.
func TestLogoutAtExitAndAPIKey(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 10})
	ctx := context.Background()
	c, s := newClient(t, h, &illumio.Auth{Username: h.Email, Password: h.Password})
	orgs, err := c.Orgs(ctx)
	if err != nil || len(orgs) != 1 || orgs[0].ID != 1 {
		t.Fatalf("orgs from the login answer: %v %v", orgs, err)
	}
	if _, _, err := c.Labels(ctx, 1, illumio.LabelFilter{}); err != nil {
		t.Fatal(err)
	}
	if st := h.Stats(t); st["active_sessions"] != 1 {
		t.Fatalf("want one session open, fake says %v", st)
	}
	s.Close(ctx)
	if st := h.Stats(t); st["logouts"] != 1 || st["active_sessions"] != 0 {
		t.Fatalf("want the session logged out at exit, fake says %v", st)
	}

	k, ks := newClient(t, h, &illumio.Auth{Username: h.APIKeyUsername, Password: h.APIKeySecret, Key: true})
	if _, _, err := k.Labels(ctx, 1, illumio.LabelFilter{Key: "env"}); err != nil {
		t.Fatal(err)
	}
	ks.Close(ctx)
	if st := h.Stats(t); st["logins"] != 1 || st["logouts"] != 1 || st["api_key_requests"] != 1 {
		t.Fatalf("an API key logged in or out: %v", st)
	}
	bad, _ := newClient(t, h, &illumio.Auth{Username: h.APIKeyUsername, Password: "wrong", Key: true})
	for i := 0; i < 3; i++ {
		var le *session.LoginError
		if _, err := bad.ProductVersion(ctx); !errors.As(err, &le) {
			t.Fatalf("a wrong API key: %v", err)
		}
	}
	if st := h.Stats(t); st["rejected_requests"] != 1 {
		t.Fatalf("a wrong API key was sent %d times", st["rejected_requests"])
	}
}

// 2,000 labels: one synchronous request says there are more than 500, the async collection
// returns them all.
func TestEveryLabelPastTheSyncCap(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 2000})
	c, _ := newClient(t, h, &illumio.Auth{Username: h.Email, Password: h.Password})
	ctx := context.Background()
	if _, err := c.ProductVersion(ctx); err != nil { // log in first: time the listing alone
		t.Fatal(err)
	}
	before := h.Stats(t)["requests"]
	start := time.Now()
	all, st, err := c.Labels(ctx, 1, illumio.LabelFilter{})
	took := time.Since(start)
	if err != nil || len(all) != 2000 || st.Total != 2000 || !st.Async || st.Requests != 4 {
		t.Fatalf("got %d labels, %+v, %v", len(all), st, err)
	}
	if got := h.Stats(t)["requests"] - before; got != 4 {
		t.Fatalf("the fake saw %d requests for the listing", got)
	}
	t.Logf("2,000 labels: %d requests (sync probe, async request, 1 poll, result) in %v, with the job's Retry-After of 1 s", st.Requests, took.Round(time.Millisecond))
	env, st, err := c.Labels(ctx, 1, illumio.LabelFilter{Key: "env", Value: "00"})
	if err != nil || st.Async || len(env) != st.Total || len(env) == 0 {
		t.Fatalf("filtered: %d %+v %v", len(env), st, err)
	}
	for _, l := range env {
		if l.Key != "env" || !strings.Contains(l.Value, "00") {
			t.Fatalf("filter let %+v through", l)
		}
	}
}

// Both documented Location forms of the async answer lead to every label.
func TestEveryLabelWithEitherLocationForm(t *testing.T) {
	t.Parallel()
	for _, form := range []string{fakeillumio.LocationRelative, fakeillumio.LocationAbsolute} {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 700, Location: form})
			c, _ := newClient(t, h, &illumio.Auth{Username: h.Email, Password: h.Password})
			all, st, err := c.Labels(context.Background(), 1, illumio.LabelFilter{})
			if err != nil || len(all) != 700 || !st.Async {
				t.Fatalf("%s Location: %d labels, %+v, %v", form, len(all), st, err)
			}
		})
	}
}
