package session

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are what a manager states about the requests one client may send to one node: a
// rate in requests per second and a number of requests in flight. Zero is not stated.
type Limits struct {
	Rate        float64
	Concurrency int
}

// Refusal is what a manager's answer says about the client's limits (see Config.Refusal).
type Refusal struct {
	// Limits are the limits the answer states (zero where it states none).
	Limits
	// RateRefused and ConcurrencyRefused say which limit refused the request: a refusal
	// for the rate slows the node's rate down, one for concurrency its requests in flight.
	RateRefused, ConcurrencyRefused bool
	// Other says the answer is no refusal of this client's limits (a restart, a manager
	// overloaded by others): it changes no limit.
	Other bool
}

// The learned limits stay within a sane range, whatever a manager states or refuses: a
// manager that says "1 request per 1,000 seconds" would otherwise hold every request of the
// run in the provider's own gate until its deadline. Below MinRate the client keeps MinRate
// and lets the manager refuse what it must.
const (
	MinRate        = 1.0
	MinConcurrency = 1
)

// rateMargin is the share of a stated rate the client uses: a little under the limit, so that
// latency jitter does not push two seconds' requests into one of the manager's windows.
const rateMargin = 0.95

// gate keeps the requests to one node within its limits: a token bucket for the rate and a
// limit on requests in flight. Both start at the configured values. Limits the manager states
// replace them (upwards too where the configuration left them at their defaults) and cap them;
// a refusal beyond what the manager stated (none stated, or others sharing the allowance)
// halves the rate (429) or the requests in flight (503), once per overload, and successes
// raise them again additively, by one request a second for each second of traffic.
type gate struct {
	mu sync.Mutex
	// rate
	bucket   *rate.Limiter
	rateCap  float64 // the configured rate, or the stated one once known
	adopt    bool    // a stated rate may raise rateCap
	stated   float64 // the manager's stated rate (0: not stated), within the sane range
	said     float64 // the rate as the manager stated it
	rateCut  time.Time
	refusedR float64       // the rate the last cut was made at
	lowered  chan struct{} // closed and replaced when the rate is cut
	// concurrency
	limit     float64 // requests in flight allowed now (its floor)
	concCap   int
	adoptConc bool
	statedC   int
	concCut   time.Time
	inflight  int
	wake      chan struct{}
}

func newGate(perSecond float64, concurrency int, adoptRate, adoptConcurrency bool) *gate {
	return &gate{
		bucket:  rate.NewLimiter(rate.Limit(perSecond), unstatedBurst(perSecond)),
		rateCap: perSecond, adopt: adoptRate,
		limit: float64(concurrency), concCap: concurrency, adoptConc: adoptConcurrency,
		wake: make(chan struct{}), lowered: make(chan struct{}),
	}
}

// unstatedBurst is the burst where the manager stated no rate: a tenth of a second's
// allowance, so that a manager whose limit is far lower refuses few requests before the first
// refusal teaches the client.
func unstatedBurst(perSecond float64) int { return max(1, int(perSecond/10)) }

// statedBurst is the burst at rate use under a stated rate: what is left of one second's
// allowance, at least one request.
func statedBurst(stated, use float64) int { return max(1, int(math.Floor(stated-use))) }

// enter waits for a token and a free slot, in that order; leave frees the slot. A request
// waiting for its token when the rate is cut (see setRate) drops its reservation and waits for
// a token of the new bucket: the requests queued behind the first refusal neither go out at the
// old pace nor leave a debt of tokens that would slow the new one.
func (g *gate) enter(ctx context.Context) error {
	for waiting := true; waiting; {
		g.mu.Lock()
		cut, bucket := g.lowered, g.bucket
		g.mu.Unlock()
		r := bucket.Reserve()
		d := r.Delay()
		if d == 0 {
			break
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			// No token comes before this request must be done: say so now, with the limit,
			// rather than wait for the deadline and report a slow manager.
			r.Cancel()
			return g.tooSlow(d)
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			r.Cancel()
			return ctx.Err()
		case <-cut:
			t.Stop() // the bucket was replaced: its reservations are void
		case <-t.C:
			waiting = false
		}
	}
	for {
		g.mu.Lock()
		if g.inflight < max(1, int(g.limit)) {
			g.inflight++
			g.mu.Unlock()
			return nil
		}
		wake := g.wake
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// GateError is a request that the client's own limits would hold past its deadline.
type GateError struct {
	Wait   time.Duration
	Rate   float64
	Stated float64
}

func (e *GateError) Error() string {
	msg := fmt.Sprintf("the next request slot at %.3g requests/s comes in %s, after this request's deadline", e.Rate, e.Wait.Round(time.Millisecond))
	if e.Stated > 0 {
		msg += fmt.Sprintf(" (the manager stated a limit of %.3g requests/s)", e.Stated)
	}
	return msg
}

func (g *gate) tooSlow(d time.Duration) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return &GateError{Wait: d, Rate: float64(g.bucket.Limit()), Stated: g.said}
}

func (g *gate) leave() {
	g.mu.Lock()
	g.inflight--
	close(g.wake)
	g.wake = make(chan struct{})
	g.mu.Unlock()
}

// state sets the limits the manager stated. A stated rate N is used at rateMargin × N with a
// burst of what is left of N (at least one request), so that no second of the manager's ever
// sees more than N. A stated concurrency is used as it is.
func (g *gate) state(l Limits) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if l.Rate > 0 {
		g.said = l.Rate // as the manager said it, for messages
		l.Rate = max(l.Rate, MinRate/rateMargin)
	}
	if l.Rate > 0 && l.Rate != g.stated {
		g.stated = l.Rate
		use := l.Rate * rateMargin
		if !g.adopt {
			use = min(use, g.rateCap)
		}
		g.rateCap = use
		g.setRate(use, statedBurst(l.Rate, use))
		// Refusals of requests sent before this are the overload that stated it.
		g.rateCut = time.Now()
	}
	if l.Concurrency > 0 && l.Concurrency != g.statedC {
		g.statedC = l.Concurrency
		use := l.Concurrency
		if !g.adoptConc {
			use = min(use, g.concCap)
		}
		g.concCap, g.limit = use, float64(use)
		g.concCut = time.Now()
		close(g.wake) // a higher limit frees waiters
		g.wake = make(chan struct{})
	}
}

// setRate sets the rate and burst; g.mu is held. A lower rate gets a new, empty bucket and
// wakes the requests waiting for a token, so that they wait again at the new rate: the tokens
// they had reserved at the old rate would otherwise be a debt that the new rate pays off
// slowly (cancelling them restores few), and a full bucket would send at once what the
// manager, whose own allowance the overload has just emptied, refuses again.
func (g *gate) setRate(perSecond float64, burst int) {
	if perSecond < float64(g.bucket.Limit()) {
		g.bucket = rate.NewLimiter(rate.Limit(perSecond), burst)
		g.bucket.ReserveN(time.Now(), burst)
		close(g.lowered)
		g.lowered = make(chan struct{})
		return
	}
	g.bucket.SetLimit(rate.Limit(perSecond))
	g.bucket.SetBurst(burst)
}

// answered adapts the gate to an answer to a request sent at sent.
func (g *gate) answered(status int, ref Refusal, sent time.Time) {
	g.state(ref.Limits)
	g.mu.Lock()
	defer g.mu.Unlock()
	unsaid := !ref.RateRefused && !ref.ConcurrencyRefused && !ref.Other
	rateRefused := ref.RateRefused || (unsaid && status == http.StatusTooManyRequests)
	concRefused := ref.ConcurrencyRefused || (unsaid && status == http.StatusServiceUnavailable)
	// A refusal of a request sent after the last cut, or after the limit was stated, means
	// that the manager still takes less (other clients of the same user share its allowance):
	// the rate is halved, once per overload, and recovers up to the stated limit.
	switch {
	case rateRefused:
		if sent.After(g.rateCut) {
			cur := float64(g.bucket.Limit())
			g.refusedR = cur
			g.setRate(max(cur/2, MinRate), 1)
			g.rateCut = time.Now()
		}
	case status < 400:
		if cur := float64(g.bucket.Limit()); cur < g.rateCap {
			step := 1 / max(cur, 1) // one request a second per second of traffic
			if g.refusedR > 0 && cur+step > 0.9*g.refusedR {
				step /= 10 // near where the manager refused last: slowly
			}
			next := min(cur+step, g.rateCap)
			g.bucket.SetLimit(rate.Limit(next))
			switch {
			case g.stated == 0:
				g.bucket.SetBurst(unstatedBurst(next))
			case next == g.rateCap:
				g.bucket.SetBurst(statedBurst(g.stated, next))
			}
		}
	}
	switch {
	case concRefused:
		if sent.After(g.concCut) {
			g.limit = max(1, math.Floor(g.limit/2))
			g.concCut = time.Now()
		}
	case status < 400 && g.limit < float64(g.concCap):
		g.limit = min(g.limit+1/max(g.limit, 1), float64(g.concCap))
		close(g.wake)
		g.wake = make(chan struct{})
	}
}

// GateState is a node's limits as the client applies them now.
type GateState struct {
	Rate        float64 `json:"rate"`
	Burst       int     `json:"burst"`
	Concurrency int     `json:"concurrency"`
	Stated      Limits  `json:"stated"`
}

func (g *gate) snapshot() GateState {
	g.mu.Lock()
	defer g.mu.Unlock()
	return GateState{
		Rate: float64(g.bucket.Limit()), Burst: g.bucket.Burst(), Concurrency: max(1, int(g.limit)),
		Stated: Limits{Rate: g.stated, Concurrency: g.statedC},
	}
}

// SetLimits records limits the manager stated for every node (its api-service settings, say);
// they take effect at once. Zero fields change nothing.
func (c *Client) SetLimits(l Limits) {
	for _, n := range c.nodes {
		n.gate.state(l)
	}
}

// Gates are the limits applied now to each node, by host.
func (c *Client) Gates() map[string]GateState {
	m := make(map[string]GateState, len(c.nodes))
	for _, n := range c.nodes {
		m[n.base.Host] = n.gate.snapshot()
	}
	return m
}

// gateFor is the gate of the node at host; hosts no node has (never expected: requests go to
// the nodes) share the first node's.
func (c *Client) gateFor(host string) *gate {
	for _, n := range c.nodes {
		if n.base.Host == host {
			return n.gate
		}
	}
	return c.nodes[0].gate
}

// interval is the time between two tokens at the gate's rate now.
func (g *gate) interval() time.Duration {
	g.mu.Lock()
	r := float64(g.bucket.Limit())
	g.mu.Unlock()
	if r <= 0 {
		return time.Second
	}
	return time.Duration(float64(time.Second) / r)
}
