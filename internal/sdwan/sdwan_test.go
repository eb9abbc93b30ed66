package sdwan_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func newSession(t testing.TB, h *fakeharness.SDWAN, password string) *session.Client {
	t.Helper()
	return fakeharness.Session(t, h.Control, session.Config{
		Block: "sdwan", MaxRetries: 2, Auth: &sdwan.Auth{Username: h.Username, Password: password},
		Secrets: []string{password}, IdleTimeout: sdwan.IdleTimeout,
	})
}

// 150 runs, each a provider process that logs in, reads and exits, leave no session open and
// evict nobody: the operator's browser session, opened first, survives. The same 150 logins
// without logout (what a client that never logs out does) evict it.
func TestManyRunsLeaveNoSessionAndEvictNobody(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{})
	browser := h.OpenBrowserSession(t)
	ctx := context.Background()
	start := time.Now()
	for run := range 150 {
		s := newSession(t, h, h.Password)
		c := sdwan.NewClient(s)
		if _, err := c.Version(ctx); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if _, err := c.Devices(ctx); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		s.Close(ctx)
	}
	elapsed := time.Since(start)
	st := h.Stats(t)
	if st["logins"] != 151 || st["logouts"] != 150 || st["active_sessions"] != 1 || st["evictions"] != 0 || st["failed_logins"] != 0 {
		t.Fatalf("after 150 runs: %v", st)
	}
	if !h.Fake.Alive(browser) {
		t.Fatal("the browser session was evicted")
	}
	t.Logf("150 runs in %v: fake %v; browser session alive", elapsed.Round(time.Millisecond), st)

	// The control: the same runs without a logout.
	for range 150 {
		h.OpenBrowserSession(t)
	}
	leak := h.Stats(t)
	if h.Fake.Alive(browser) || leak["evictions"] != 51 || leak["active_sessions"] != fakesdwan.MaxSessions {
		t.Fatalf("150 logins without logout should fill the 100 slots and evict the browser: %v", leak)
	}
	t.Logf("control, 150 logins without logout: fake %v; browser session evicted", leak)
}

// The HTML login page means a refused login (with the manager's message), and, on a data
// call, a session that is gone.
func TestHTMLLoginPageDetection(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{})
	ctx := context.Background()
	bad := sdwan.NewClient(newSession(t, h, "wrong"))
	_, err := bad.Version(ctx)
	var le *session.LoginError
	if !errors.As(err, &le) || le.Status != 200 || le.Reason != "Invalid User or Password" {
		t.Fatalf("want the login page's message as a refused login, got %v", err)
	}
	s := newSession(t, h, h.Password)
	c := sdwan.NewClient(s)
	if _, err := c.Devices(ctx); err != nil {
		t.Fatal(err)
	}
	h.Fake.ExpireSessions() // the next data call gets the login page with 200
	if _, err := c.Devices(ctx); err != nil {
		t.Fatalf("expired session not renewed: %v", err)
	}
	if st := s.Stats(); st.Relogins != 1 {
		t.Fatalf("want one renewal, got %+v", st)
	}
	if st := h.Stats(t); st["rejected_requests"] != 1 || st["failed_logins"] != 1 {
		t.Fatalf("fake says %v", st)
	}
	if page := sdwan.LoginPageMessage([]byte(`<html><p id="errorMessageBox" class="x">Invalid User or Password</p></html>`)); page != "Invalid User or Password" {
		t.Fatalf("message box read as %q", page)
	}
}

// Every write carries the session's XSRF token; the logout too.
func TestXSRFOnEveryWrite(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{})
	s := newSession(t, h, h.Password)
	ctx := context.Background()
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		resp, err := s.Do(ctx, &session.Request{Method: method, Path: "/dataservice/template/feature", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		// Past the XSRF check, the fake has no such API: 404, not 403.
		if resp.StatusCode != http.StatusNotFound || resp.Renewed {
			t.Fatalf("%s: %d (renewed %v): %s", method, resp.StatusCode, resp.Renewed, resp.Body)
		}
	}
	s.Close(ctx)
	st := h.Stats(t)
	if st["writes"] != 3 || st["xsrf_rejected"] != 0 || st["logouts"] != 1 || st["active_sessions"] != 0 {
		t.Fatalf("fake says %v", st)
	}
}
