package fakemanager

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// Stats are the counters every fake keeps. Apps add to them.
type Stats struct {
	Logins       atomic.Int64
	FailedLogins atomic.Int64
	Logouts      atomic.Int64
	Requests     atomic.Int64

	mu    sync.Mutex
	extra map[string]int64
	// when are the tests' actions waiting for a counter to reach a value (When).
	when []trigger
}

// trigger is an action due when the counter name reaches at.
type trigger struct {
	name string
	at   int64
	fn   func()
}

// When runs fn as the counter name ("requests", the API requests the control endpoints
// aside, or a manager-specific one such as "faults_served") reaches n: in the goroutine of the
// request that reached it, before that request goes on (at once, in one of its own, where the
// counter is there already). It is a test's event, where a poll of the counters would depend
// on how fast the machine is; fn must not wait for the request, nor take the fake's locks.
func (s *Stats) When(name string, n int64, fn func()) {
	s.mu.Lock()
	now := s.extra[name]
	if name == "requests" {
		now = s.Requests.Load()
	}
	if now < n {
		s.when = append(s.when, trigger{name: name, at: n, fn: fn})
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	go fn()
}

// reached runs the actions waiting for the counter name at value v.
func (s *Stats) reached(name string, v int64) {
	s.mu.Lock()
	due := s.due(name, v)
	s.mu.Unlock()
	for _, fn := range due {
		fn()
	}
}

// due takes the actions due at counter name's value v (s.mu held).
func (s *Stats) due(name string, v int64) []func() {
	var out []func()
	s.when = slices.DeleteFunc(s.when, func(tr trigger) bool {
		if tr.name == name && v >= tr.at {
			out = append(out, tr.fn)
			return true
		}
		return false
	})
	return out
}

// Add increments a manager-specific counter, reported beside the common ones.
func (s *Stats) Add(name string, n int64) {
	s.mu.Lock()
	if s.extra == nil {
		s.extra = map[string]int64{}
	}
	s.extra[name] += n
	due := s.due(name, s.extra[name])
	s.mu.Unlock()
	for _, fn := range due {
		fn()
	}
}

// Peak raises a manager-specific high-water mark to v.
func (s *Stats) Peak(name string, v int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.extra == nil {
		s.extra = map[string]int64{}
	}
	if v > s.extra[name] {
		s.extra[name] = v
	}
}

func (s *Stats) reset() {
	s.Logins.Store(0)
	s.FailedLogins.Store(0)
	s.Logouts.Store(0)
	s.Requests.Store(0)
	s.mu.Lock()
	s.extra = nil
	s.mu.Unlock()
}

func (s *Stats) snapshot(active int) map[string]int64 {
	out := map[string]int64{
		"logins":          s.Logins.Load(),
		"failed_logins":   s.FailedLogins.Load(),
		"logouts":         s.Logouts.Load(),
		"active_sessions": int64(active),
		"requests":        s.Requests.Load(),
	}
	s.mu.Lock()
	maps.Copy(out, s.extra)
	s.mu.Unlock()
	return out
}
