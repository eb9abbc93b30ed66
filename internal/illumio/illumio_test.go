package illumio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
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
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Net: memnet.New(), AuthTokenTTL: 300 * time.Millisecond})
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
	})
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
	for range 3 {
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
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Net: memnet.New(), Labels: 2000})
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
		// The job runs 0.3 s and advertises a Retry-After of 1 s: one poll, 1 s after the
		// async request; the probe, the async request and the result each wait 1/8 s behind
		// the request before them (the PCE's 8 requests a second, burst 1).
		if want := time.Second + 3*time.Second/8; took != want {
			t.Fatalf("the listing took %v on the bubble's clock, want %v", took, want)
		}
		env, st, err := c.Labels(ctx, 1, illumio.LabelFilter{Key: "env", Value: "00"})
		if err != nil || st.Async || len(env) != st.Total || len(env) == 0 {
			t.Fatalf("filtered: %d %+v %v", len(env), st, err)
		}
		for _, l := range env {
			if l.Key != "env" || !strings.Contains(l.Value, "00") {
				t.Fatalf("filter let %+v through", l)
			}
		}
	})
}

// A job that never ends: the read polls once per Retry-After, never faster than once a second
// nor slower than once every 30 s, and stops at its deadline saying how long it waited and how
// often it asked. On the bubble's clock the counts are exact.
func TestStuckJobPollsBoundedAndEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		retryAfter string
		polls      int64
	}{
		// The read's 5.5 s start before the login's two requests and the sync probe (1/8 s
		// apart at the PCE's 8 a second), so the job is asked about for 5.125 s ("5s"). The
		// 202 says 1 s; each poll answer says 0, taken as 1 s: polls at 1 s … 5 s.
		{"0", 5},
		// The 202 says 1 s; the poll answer says 999999 (taken as 30 s): the deadline comes first.
		{"999999", 1},
	} {
		t.Run("retry_after_"+tc.retryAfter, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Net: memnet.New(), Labels: 600})
				h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{
					Status: 200, Count: 1000, PathPrefix: "/api/v2/orgs/1/jobs/", RetryAfterHeader: tc.retryAfter,
					Body: `{"href":"/orgs/1/jobs/stuck","status":"running"}`,
				}}})
				c, _ := newClient(t, h, &illumio.Auth{Username: h.Email, Password: h.Password})
				ctx, cancel := context.WithTimeout(context.Background(), 5500*time.Millisecond)
				defer cancel()
				_, _, err := c.Labels(ctx, 1, illumio.LabelFilter{})
				want := fmt.Sprintf("was still not done after 5s (%d polls)", tc.polls)
				if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("want %q, got %v", want, err)
				}
				if polls := h.Stats(t)["faults_served"]; polls != tc.polls {
					t.Fatalf("the fake answered %d polls, want %d", polls, tc.polls)
				}
			})
		})
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
