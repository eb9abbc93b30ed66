package session

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Where the manager states nothing: one cut per overload (answers to requests sent before the
// cut are its echo), then additive recovery of one request a second per second of traffic,
// slower near the rate that was refused.
func TestGateAIMD(t *testing.T) {
	t.Parallel()
	g := newGate(40, 20, true, true)
	before := time.Now()
	g.answered(http.StatusTooManyRequests, Refusal{}, before)
	g.answered(http.StatusTooManyRequests, Refusal{}, before) // sent before the cut: no second cut
	if s := g.snapshot(); s.Rate != 20 || s.Burst != 1 {
		t.Fatalf("want one halving to 20/s, burst 1; got %+v", s)
	}
	for range 20 { // one second of traffic at 20/s
		g.answered(http.StatusOK, Refusal{}, time.Now())
	}
	if s := g.snapshot(); s.Rate < 20.9 || s.Rate > 21.1 {
		t.Fatalf("want about 21/s after a second of successes, got %+v", s)
	}
	// Concurrency: a 503 halves it once, successes raise it by one per round of requests.
	g.answered(http.StatusServiceUnavailable, Refusal{}, time.Now())
	g.answered(http.StatusServiceUnavailable, Refusal{}, before)
	if s := g.snapshot(); s.Concurrency != 10 {
		t.Fatalf("want 10 in flight after one 503, got %+v", s)
	}
	for range 11 {
		g.answered(http.StatusOK, Refusal{}, time.Now())
	}
	if s := g.snapshot(); s.Concurrency != 11 {
		t.Fatalf("want 11 in flight after a round of successes, got %+v", s)
	}
	// A 503 the manager calls something else (a restart) changes no limit.
	g.answered(http.StatusServiceUnavailable, Refusal{Other: true}, time.Now())
	if s := g.snapshot(); s.Concurrency != 11 {
		t.Fatalf("a restart's 503 changed the concurrency: %+v", s)
	}
	// A stated limit ends the guessing: 95 % of it, burst what is left of a second.
	stated := time.Now()
	g.answered(http.StatusTooManyRequests, Refusal{Limits: Limits{Rate: 100}, RateRefused: true}, before)
	if s := g.snapshot(); s.Rate != 95 || s.Burst != 5 {
		t.Fatalf("want 95/s burst 5 for a stated 100/s, got %+v", s)
	}
	// Refusals of requests sent before it was stated are the same overload.
	g.answered(http.StatusTooManyRequests, Refusal{Limits: Limits{Rate: 100}, RateRefused: true}, stated.Add(-time.Millisecond))
	if s := g.snapshot(); s.Rate != 95 {
		t.Fatalf("an echo of the stating overload cut the rate: %+v", s)
	}
	// One sent after: others share the allowance; halve, then recover up to the stated rate.
	g.answered(http.StatusTooManyRequests, Refusal{Limits: Limits{Rate: 100}, RateRefused: true}, time.Now())
	if s := g.snapshot(); s.Rate != 47.5 {
		t.Fatalf("want 47.5/s after a refusal at the stated rate, got %+v", s)
	}
	for range 100000 {
		g.answered(http.StatusOK, Refusal{}, time.Now())
	}
	if s := g.snapshot(); s.Rate != 95 || s.Burst != 5 {
		t.Fatalf("want the rate back at 95/s burst 5, never above, got %+v", s)
	}
}

// Issue 21: a stated rate of 0.001 requests a second is kept at MinRate, not followed into
// a gate that holds every request for a quarter of an hour; a request whose token comes only
// after its deadline fails at once, naming the rate and what the manager stated.
func TestGateFloorAndDeadline(t *testing.T) {
	t.Parallel()
	g := newGate(50, 20, true, true)
	g.answered(http.StatusTooManyRequests, Refusal{Limits: Limits{Rate: 0.001}, RateRefused: true}, time.Now())
	if s := g.snapshot(); math.Abs(s.Rate-MinRate) > 1e-6 {
		t.Fatalf("a stated 0.001/s set the rate to %v; want the floor %v", s.Rate, MinRate)
	}
	// Take the bucket's token, then ask for another with 100 ms to go.
	if err := g.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.leave()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := g.enter(ctx)
	var ge *GateError
	if !errors.As(err, &ge) || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("want a GateError at once, got %v after %v", err, time.Since(start))
	}
	if !strings.Contains(ge.Error(), "stated a limit of 0.001") {
		t.Fatalf("the error does not name the stated limit: %v", ge)
	}
}
