package fakemanager

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// IdleSessions is a table of session ids that each live until unused for longer than the
// idle timeout: the session model of managers whose sessions carry no other state.
type IdleSessions struct {
	idle time.Duration

	mu       sync.Mutex
	lastUsed map[string]time.Time
}

// NewIdleSessions returns an empty table whose sessions idle out after idle.
func NewIdleSessions(idle time.Duration) *IdleSessions {
	return &IdleSessions{idle: idle, lastUsed: map[string]time.Time{}}
}

// Login opens a session with a fresh id (n random bytes, in hex), lists the id among what
// the fake handed out and counts the login; it answers the id.
func (s *IdleSessions) Login(secrets *Secrets, stats *Stats, n int) string {
	id := RandomHex(n)
	s.Open(id)
	secrets.Issue(id)
	stats.Logins.Add(1)
	return id
}

// RandomHex is n random bytes in lower-case hex: the fakes' session ids, tokens and keys.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Open starts session id.
func (s *IdleSessions) Open(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUsed[id] = time.Now()
}

// Use reports whether id is a live session and, if so, marks it used now. A session found
// idled out is dropped.
func (s *IdleSessions) Use(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.lastUsed[id]
	if ok && time.Since(last) > s.idle {
		delete(s.lastUsed, id)
		ok = false
	}
	if ok {
		s.lastUsed[id] = time.Now()
	}
	return ok
}

// End ends session id and reports whether it was open.
func (s *IdleSessions) End(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.lastUsed[id]
	delete(s.lastUsed, id)
	return ok
}

// Clear ends every session.
func (s *IdleSessions) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUsed = map[string]time.Time{}
}

// Active counts the sessions not idled out.
func (s *IdleSessions) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, last := range s.lastUsed {
		if time.Since(last) <= s.idle {
			n++
		}
	}
	return n
}
