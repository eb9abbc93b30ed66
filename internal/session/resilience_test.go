package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// A session idle for longer than the manager keeps it is renewed before it is used: the
// manager never sees a request with a dead cookie.
func TestIdleSessionRenewedBeforeUse(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), Idle: 2 * time.Second})
		c := newClient(t, h, h.Password, 2)
		c.SetIdleTimeout(2 * time.Second)
		ctx := context.Background()
		for _, pause := range []time.Duration{0, 2100 * time.Millisecond, 1900 * time.Millisecond} {
			time.Sleep(pause)
			if resp, err := version(ctx, c); err != nil || resp.StatusCode != http.StatusOK || resp.Renewed {
				t.Fatalf("after %v idle: %v %+v", pause, err, resp)
			}
		}
		s := h.Stats(t)
		if s["rejected_requests"] != 0 || s["logins"] != 3 || s["active_sessions"] != 1 {
			t.Fatalf("want 3 logins and no refused request, fake says %v", s)
		}
		if st := c.Stats(); st.Renewals != 2 {
			t.Fatalf("want 2 renewals before use, got %+v", st)
		}
		c.Close(ctx)
	})
}

// The session layer learns the manager's session_timeout from the api-service configuration.
func TestIdleTimeoutLearnedFromSessionTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		h.ChangeOutside(t, func(m map[string]any) { m["session_timeout"] = 2 })
		c := newClient(t, h, h.Password, 2)
		nc := nsxt.NewClient(c)
		if _, err := nc.GetAPIService(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := c.IdleTimeout(); got != 2*time.Second {
			t.Fatalf("idle timeout %v after reading session_timeout = 2", got)
		}
		time.Sleep(2100 * time.Millisecond)
		if _, err := nc.NodeVersion(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := h.Stats(t); s["rejected_requests"] != 0 || s["logins"] != 3 { // the outside change's login, ours, our renewal
			t.Fatalf("fake says %v", s)
		}
	})
}

// 503 and 429 on the login mean the manager did not look at the credentials: retried. A
// refusal is never retried (TestFailedLoginNeverRetried).
func TestLoginRetriedOnlyWhenNotLookedAt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{
			{Status: 503, Count: 1, PathPrefix: "/api/session/create"},
			{Status: 429, Count: 1, PathPrefix: "/api/session/create", RetryAfter: 1},
		}})
		c := newClient(t, h, h.Password, 3)
		if _, err := version(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if s := h.Stats(t); s["logins"] != 1 || s["failed_logins"] != 0 || s["faults_served"] != 2 {
			t.Fatalf("fake says %v", s)
		}
		if st := c.Stats(); st.Retries != 2 {
			t.Fatalf("want the 2 refused login requests retried, got %+v", st)
		}
	})
}

// After a PUT the API service restarts: the client waits, logs in again once and reads the
// settings back.
func TestAwaitAPIServiceAfterRestart(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		window := 1500
		h.Faults(t, fakemanager.Faults{RestartMS: &window})
		c := newClient(t, h, h.Password, 2)
		nc := nsxt.NewClient(c)
		ctx := context.Background()
		set := func(v int) func(*nsxt.Document) (nsxt.Changes, error) {
			return func(*nsxt.Document) (nsxt.Changes, error) { return nsxt.Changes{"connection_timeout": v}, nil }
		}
		start := time.Now()
		w, err := nc.WriteSettings(ctx, nsxt.APIService, "", time.Minute, set(45))
		var after int
		if err == nil {
			_, err = w.After.Decode("connection_timeout", &after)
		}
		if err != nil || after != 45 || !w.Restarted {
			t.Fatalf("read back after restart: %v %v %+v", err, after, w)
		}
		if waited := time.Since(start); waited < time.Duration(window)*time.Millisecond {
			t.Fatalf("read back after %v, inside the 1.5 s restart window", waited)
		}
		s := h.Stats(t)
		if s["restarts"] != 1 || s["logins"] != 2 || s["failed_logins"] != 0 || s["restart_rejections"] == 0 {
			t.Fatalf("fake says %v", s)
		}
		if st := c.Stats(); st.Relogins != 1 {
			t.Fatalf("want one new login after the restart, got %+v", st)
		}

		// A wait that outlasts its bound ends with an error that says so, and says the write landed.
		window = 60000
		h.Faults(t, fakemanager.Faults{RestartMS: &window})
		w, err = nc.WriteSettings(ctx, nsxt.APIService, "", 2*time.Second, set(50))
		if err == nil || !w.Wrote() || !strings.Contains(err.Error(), "still unavailable") || !strings.Contains(err.Error(), "restarting") {
			t.Fatalf("want a bounded wait that names the restart, got %v", err)
		}
	})
}

// Answers that are not the JSON asked for say what they are.
func TestHTMLAndCutOffAnswers(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := newClient(t, h, h.Password, 1)
	nc := nsxt.NewClient(c)
	ctx := context.Background()
	// No good answer comes before the faults: a version read well is kept for the process.
	full := `{"node_version":"4.2.1.0.0.24304122","product_version":"4.2.1.0.0.24304122"}`
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{
		{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", ContentType: "text/html; charset=utf-8",
			Body: "<!DOCTYPE html><html><head><title>Corporate Proxy &ndash; Sign in</title></head><body>…</body></html>"},
		{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", Body: full[:30]},
		{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", Body: full, Truncate: true},
		{Status: 502, Count: 5, PathPrefix: "/api/v1/node/version", ContentType: "text/html", Body: "<html><title>502 Bad Gateway</title></html>"},
	}})
	for _, want := range []string{
		`answered GET /api/v1/node/version with HTTP 200 and an HTML page titled "Corporate Proxy – Sign in" where JSON was expected`,
		`but the JSON document ends after 30 bytes, before it is complete`,
		`was cut off: HTTP 200 with 38 of the 76 bytes it announced`,
		`NSX answered GET /api/v1/node/version with HTTP 502: an HTML page titled "502 Bad Gateway"`,
	} {
		_, err := nc.NodeVersion(ctx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want %q, got %v", want, err)
		}
	}
	var be *session.BodyError
	h.Faults(t, fakemanager.Faults{Clear: true, Answers: []fakemanager.Fault{{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", ContentType: "text/plain", Body: "OK"}}})
	if _, err := nc.NodeVersion(ctx); !errors.As(err, &be) || be.Kind != "not-json" || !strings.Contains(err.Error(), `"text/plain"`) {
		t.Fatalf("plain text: %v", err)
	}
}
