package sdwan_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The fake rejects what SD-WAN Manager rejects; these tests hold it to the document.

// wire sends raw requests to a fake started for t (h.HTTP trusts its CA).
type wire struct {
	t *testing.T
	h *fakeharness.SDWAN
}

func newWire(t *testing.T, o fakeharness.SDWANOptions) *wire {
	return &wire{t: t, h: fakeharness.StartSDWAN(t, o)}
}

func (w *wire) do(method, path, cookie, xsrf string) (*http.Response, string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.h.URL()+path, strings.NewReader("{}"))
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "JSESSIONID", Value: cookie})
	}
	if xsrf != "" {
		req.Header.Set("X-XSRF-TOKEN", xsrf)
	}
	return fakeharness.Send(w.t, w.h.HTTP, req)
}

func (w *wire) login(password string) (*http.Response, string) {
	w.t.Helper()
	form := url.Values{"j_username": {w.h.Username}, "j_password": {password}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, w.h.URL()+"/j_security_check", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return fakeharness.Send(w.t, w.h.HTTP, req)
}

func TestLoginTokenXSRFLogout(t *testing.T) {
	t.Parallel()
	w := newWire(t, fakeharness.SDWANOptions{})
	resp, body := w.login("wrong")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="errorMessageBox"`) || !strings.Contains(body, "Invalid User or Password") || len(resp.Cookies()) != 0 {
		t.Fatalf("failed login: %d %s", resp.StatusCode, body)
	}
	resp, body = w.login(w.h.Password)
	if resp.StatusCode != 200 || body != "" || len(resp.Cookies()) != 1 {
		t.Fatalf("login: %d %q %v", resp.StatusCode, body, resp.Cookies())
	}
	cookie := resp.Cookies()[0].Value
	resp, token := w.do(http.MethodGet, "/dataservice/client/token", cookie, "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || len(token) != 80 {
		t.Fatalf("token: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), token)
	}
	// GET needs no token; writes do.
	if resp, _ := w.do(http.MethodGet, "/dataservice/device", cookie, ""); resp.StatusCode != 200 {
		t.Fatalf("GET without XSRF: %d", resp.StatusCode)
	}
	if resp, body := w.do(http.MethodPost, "/dataservice/template/feature", cookie, ""); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "XSRF") {
		t.Fatalf("POST without XSRF: %d %s", resp.StatusCode, body)
	}
	if resp, _ := w.do(http.MethodPost, "/dataservice/template/feature", cookie, "wrong"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a wrong XSRF: %d", resp.StatusCode)
	}
	resp, _ = w.do(http.MethodPost, "/logout?nocache=123", cookie, token)
	if resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/welcome.html?nocache=123") {
		t.Fatalf("logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The session is gone: the login page, with 200, and the cookie expired.
	resp, body = w.do(http.MethodGet, "/dataservice/device", cookie, "")
	if resp.StatusCode != 200 || !strings.Contains(body, "j_security_check") || resp.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("after logout: %d %s", resp.StatusCode, body)
	}
	if s := w.h.Stats(t); s["logins"] != 1 || s["logouts"] != 1 || s["xsrf_rejected"] != 2 || s["active_sessions"] != 0 {
		t.Fatalf("stats %v", s)
	}
}

func TestIdleTimeoutAnd401Mode(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWire(t, fakeharness.SDWANOptions{Net: memnet.New(), Idle: 300 * time.Millisecond, ExpiredStatus: http.StatusUnauthorized})
		resp, _ := w.login(w.h.Password)
		cookie := resp.Cookies()[0].Value
		time.Sleep(400 * time.Millisecond)
		resp, body := w.do(http.MethodGet, "/dataservice/device", cookie, "")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "failed to validate user") {
			t.Fatalf("idle session: %d %s", resp.StatusCode, body)
		}
	})
}

// At 100 sessions a new login evicts the least recently used one, not the oldest.
func TestLRUEviction(t *testing.T) {
	t.Parallel()
	w := newWire(t, fakeharness.SDWANOptions{})
	var first, second string
	for i := range fakesdwan.MaxSessions {
		resp, _ := w.login(w.h.Password)
		switch i {
		case 0:
			first = resp.Cookies()[0].Value
		case 1:
			second = resp.Cookies()[0].Value
		}
	}
	w.do(http.MethodGet, "/dataservice/client/about", first, "") // the first is now recently used
	w.login(w.h.Password)
	if !w.h.Fake.Alive(first) || w.h.Fake.Alive(second) {
		t.Fatalf("want the least recently used (second) evicted: first alive %v, second alive %v", w.h.Fake.Alive(first), w.h.Fake.Alive(second))
	}
	if s := w.h.Stats(t); s["evictions"] != 1 || s["active_sessions"] != fakesdwan.MaxSessions {
		t.Fatalf("stats %v", s)
	}
}
