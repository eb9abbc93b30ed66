package nsxt_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The fake enforces the limits its own api-service configuration states.
func TestRateLimitFromConfig(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		_, auth := w.login(w.base, w.h.Password)
		w.h.ChangeOutside(t, func(m map[string]any) { m["client_api_rate_limit"] = 10 })
		var limited int
		var last string
		for range 30 {
			resp, body := w.do(http.MethodGet, w.base, "/api/v1/node/version", auth, "")
			if resp.StatusCode == http.StatusTooManyRequests {
				limited++
				last = body
				wantCode(t, resp, body, http.StatusTooManyRequests, 102)
			}
		}
		// At one instant of the bubble's clock the new bucket of 10 lets 9 through: the outside
		// change's logout, after its PUT, took the first token.
		if limited != 21 || !strings.Contains(last, "Client 'admin' exceeded request rate of 10 per second") {
			t.Fatalf("30 requests at once under a limit of 10/s: %d got 429, want 21 (%s)", limited, last)
		}
		if got := w.h.Stats(t)["rate_limited"]; got != int64(limited) {
			t.Fatalf("stats count %d rate-limited answers, saw %d", got, limited)
		}
		// 0 turns the limit off.
		time.Sleep(time.Second) // a full bucket for the outside change
		w.h.ChangeOutside(t, func(m map[string]any) { m["client_api_rate_limit"] = 0 })
		for i := range 30 {
			if resp, body := w.do(http.MethodGet, w.base, "/api/v1/node/version", auth, ""); resp.StatusCode != http.StatusOK {
				t.Fatalf("limit off, request %d: %d %s", i, resp.StatusCode, body)
			}
		}
	})
}

func TestConcurrencyLimitFromConfig(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New()})
		w.h.ChangeOutside(t, func(m map[string]any) { m["client_api_concurrency_limit"] = 3 })
		_, auth := w.login(w.base, w.h.Password)
		latency := 300
		w.h.Faults(t, fakemanager.Faults{LatencyMS: &latency})
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				resp, body := w.do(http.MethodGet, w.base, "/api/v1/node/version", auth, "")
				if resp.StatusCode == http.StatusServiceUnavailable {
					wantCode(t, resp, body, http.StatusServiceUnavailable, 503)
				}
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[http.StatusOK] != 3 || codes[http.StatusServiceUnavailable] != 5 {
			t.Fatalf("8 concurrent requests under a per-client limit of 3: %v", codes)
		}
		if s := w.h.Stats(t); s["max_in_flight"] != 3 || s["concurrency_limited"] != 5 {
			t.Fatalf("stats: %v", s)
		}
	})
}

// After a write the API service restarts: every session ends and every request, logins
// included, is refused with 503 until the window ends.
func TestRestartAfterWrite(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 2, Net: memnet.New()})
		window := 700
		w.h.Faults(t, fakemanager.Faults{RestartMS: &window})
		_, other := w.login(w.h.Server.URLs()[1], w.h.Password)
		// The outside change logs in on the last node and cannot log out: the restart ends its
		// session first (one 503).
		w.h.ChangeOutside(t, func(m map[string]any) { m["session_timeout"] = 1200 })
		resp, body := w.do(http.MethodGet, w.base, "/api/v1/node/version", other, "")
		wantCode(t, resp, body, http.StatusServiceUnavailable, 503)
		if resp, _ = w.login(w.base, w.h.Password); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("login during the restart: %d", resp.StatusCode)
		}
		time.Sleep(800 * time.Millisecond)
		resp, body = w.do(http.MethodGet, w.h.Server.URLs()[1], "/api/v1/node/version", other, "")
		wantCode(t, resp, body, http.StatusForbidden, 403) // the session died with the restart
		if resp, _ := w.login(w.base, w.h.Password); resp.StatusCode != http.StatusOK {
			t.Fatalf("login after the restart: %d", resp.StatusCode)
		}
		if s := w.h.Stats(t); s["restarts"] != 1 || s["restart_rejections"] != 3 || s["active_sessions"] != 1 {
			t.Fatalf("stats: %v", s)
		}
	})
}

func TestScriptedBodies(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	_, auth := w.login(w.base, w.h.Password)
	w.h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{
		{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", Method: http.MethodGet, ContentType: "text/html", Body: "<html><head><title>Sign in</title></head></html>"},
		{Status: 200, Count: 1, PathPrefix: "/api/v1/node/version", Body: `{"node_version":"4.2.1.0.0.24304122","product_version":"4.2.1"}`, Truncate: true},
	}})
	resp, body := w.do(http.MethodGet, w.base, "/api/v1/node/version", auth, "")
	if resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(body, "<title>Sign in") {
		t.Fatalf("scripted HTML: %v %s", resp.Header, body)
	}
	req, _ := http.NewRequest(http.MethodGet, w.base+"/api/v1/node/version", nil)
	req.Header = auth.Clone()
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err == nil || len(b) >= int(resp.ContentLength) {
		t.Fatalf("truncated answer read whole: %d of %d bytes, %v", len(b), resp.ContentLength, err)
	}
	if errors.Is(err, io.EOF) {
		t.Fatalf("a cut-off body must not read as a clean end: %v", err)
	}
}
