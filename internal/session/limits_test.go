package session_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The tests of this file run the fake NSX and the client on an in-memory network inside a
// testing/synctest bubble: both limiters, the fake's latency and the client's waits keep the
// bubble's clock, which moves only when every goroutine waits. The counts they assert are
// exact, and the same however busy the machine is.

// limitedClient is an NSX client at the provider's defaults (50/s, 20 in flight), which
// limits the manager states replace.
func limitedClient(t *testing.T, h *fakeharness.NSXT) *session.Client {
	t.Helper()
	return fakeharness.Session(t, h.Control, session.Config{
		Block: "nsxt", MaxRetries: 8, RateLimit: nsxt.DefaultRateLimit, MaxConcurrency: nsxt.DefaultMaxConcurrency,
		AdoptRate: true, AdoptConcurrency: true, Refusal: nsxt.Refusal,
		Auth: &nsxt.Auth{Username: h.Username, Password: h.Password}, Secrets: []string{h.Password},
	})
}

// reads sends n distinct GETs, 20 at a time, and fails t on any error.
func reads(t *testing.T, c *session.Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 20)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			resp, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet,
				Path: fmt.Sprintf("/api/v1/node/version?read=%d", i), Header: http.Header{"Accept": {"application/json"}}})
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("read %d: %v %v", i, resp, err)
			}
		})
	}
	wg.Wait()
}

// NSX states its rate limit in the 429 it answers: the client keeps to it from then on, so
// that the first refusal is nearly the last.
func TestRateLearnedFromRefusal(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), APIService: map[string]any{"client_api_rate_limit": 20}})
		c := limitedClient(t, h)
		start := time.Now()
		reads(t, c, 40)
		s, f := c.Stats(), h.Stats(t)
		g := c.Gates()[h.Hosts()[0]]
		if g.Stated.Rate != 20 || g.Rate != 19 || g.Burst != 1 {
			t.Fatalf("want the stated 20/s kept at 19/s with a burst of 1, gate is %+v", g)
		}
		// The client starts at 50/s with a burst of 5 against the fake's 20/s with a full
		// bucket of 20: the fake refuses once its bucket is empty, that refusal teaches the
		// client the limit, and the requests queued behind it wait at the new rate.
		t.Logf("first 40 reads in %v: fake %v, client %+v", time.Since(start), f, s)
		if f["rate_limited"] != 1 || s.Refused != 1 || s.Retries != 1 {
			t.Fatalf("want exactly one refusal, retried once: fake %v, client %+v", f, s)
		}
		start = time.Now()
		reads(t, c, 40)
		if more := h.Stats(t)["rate_limited"] - 1; more != 0 {
			t.Fatalf("once the limit is known, 40 more reads met %d refusals", more)
		}
		// 40 reads at 19/s with a burst of 1: the first at once, one every 1/19 s after it.
		if took, floor := time.Since(start), 39*time.Second/19; took < floor {
			t.Fatalf("40 reads at 19/s took %v, less than the %v the rate allows", took, floor)
		}
	})
}

// The 503 of client_api_concurrency_limit names the limit: requests in flight are held to it.
func TestConcurrencyLearnedFromRefusal(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), APIService: map[string]any{"client_api_concurrency_limit": 5}})
		latency := 30
		h.Faults(t, fakemanager.Faults{LatencyMS: &latency})
		c := limitedClient(t, h)
		reads(t, c, 40)
		if g := c.Gates()[h.Hosts()[0]]; g.Concurrency != 5 || g.Stated.Concurrency != 5 {
			t.Fatalf("want 5 in flight as stated, gate is %+v", g)
		}
		// The first request past five is refused and teaches the client the limit; the others
		// wait for a slot.
		if f := h.Stats(t); f["concurrency_limited"] != 1 || f["max_in_flight"] != 5 {
			t.Fatalf("want exactly one refusal and never more than 5 in flight: fake %v, client %+v", f, c.Stats())
		}
		reads(t, c, 40)
		if f := h.Stats(t); f["concurrency_limited"] != 1 || f["max_in_flight"] != 5 {
			t.Fatalf("once the limit is known, 40 more reads must meet no refusal, 5 in flight at most: %v", f)
		}
	})
}

// Reading the api-service settings states the limits before any refusal.
func TestLimitsLearnedFromAPIService(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), APIService: map[string]any{
			"client_api_rate_limit": 20, "client_api_concurrency_limit": 4,
		}})
		c := limitedClient(t, h)
		if _, err := nsxt.NewClient(c).GetAPIService(context.Background()); err != nil {
			t.Fatal(err)
		}
		if g := c.Gates()[h.Hosts()[0]]; g.Rate != 19 || g.Burst != 1 || g.Concurrency != 4 {
			t.Fatalf("want 19/s (95 %% of 20), burst 1, 4 in flight; gate is %+v", g)
		}
		reads(t, c, 40)
		if f := h.Stats(t); f["rate_limited"] != 0 || f["concurrency_limited"] != 0 {
			t.Fatalf("with the limits read first, no read may be refused: %v", f)
		}
		// A limit the user set is never raised by what the manager states.
		capped := fakeharness.Session(t, h.Control, session.Config{
			Block: "nsxt", RateLimit: 3, MaxConcurrency: 2, Refusal: nsxt.Refusal,
			Auth: &nsxt.Auth{Username: h.Username, Password: h.Password}, Secrets: []string{h.Password},
		})
		if _, err := nsxt.NewClient(capped).GetAPIService(context.Background()); err != nil {
			t.Fatal(err)
		}
		if g := capped.Gates()[h.Hosts()[0]]; g.Rate != 3 || g.Concurrency != 2 {
			t.Fatalf("user's 3/s and 2 in flight must stay; gate is %+v", g)
		}
	})
}

// Two processes of the same user share NSX's allowance: each learns the stated limit, and
// the refusals that still come (the other's requests count too) halve its rate below it, so
// that both finish every read within their retries.
func TestSharedAllowance(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), APIService: map[string]any{"client_api_rate_limit": 20}})
		a, b := limitedClient(t, h), limitedClient(t, h)
		var wg sync.WaitGroup
		for _, c := range []*session.Client{a, b} {
			wg.Go(func() { reads(t, c, 40) })
		}
		wg.Wait()
		f := h.Stats(t)
		ga, gb := a.Gates()[h.Hosts()[0]], b.Gates()[h.Hosts()[0]]
		t.Logf("fake %v; gates %+v %+v", f, ga, gb)
		// Kept at the stated rate each (together twice the limit), about half their requests
		// would be refused. Each is refused once for the rate it started with (which teaches
		// it the stated 20/s) and once more for the allowance the other shares (which halves
		// its rate below the stated one; successes raise it again from there).
		if a.Stats().Refused != 2 || b.Stats().Refused != 2 || f["rate_limited"] != 4 {
			t.Fatalf("want 2 refusals each, 4 in all, for 80 reads: fake %v, clients %+v %+v (%+v %+v)", f, a.Stats(), b.Stats(), ga, gb)
		}
		if ga.Rate >= 19 || gb.Rate >= 19 {
			t.Fatalf("both must have slowed below the stated rate: %+v %+v", ga, gb)
		}
		if reads := f["requests"] - f["rate_limited"] - f["logins"]; reads != 80 {
			t.Fatalf("want the 80 reads answered, fake says %v", f)
		}
	})
}
