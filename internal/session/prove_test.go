package session_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// memStore is a Store in memory, for clients of one test standing for processes.
type memStore struct {
	mu      sync.Mutex
	entries map[string]*session.Stored
	locks   sync.Map
}

func (m *memStore) Lock(_ context.Context, node string) (func(), error) {
	l, _ := m.locks.LoadOrStore(node, &sync.Mutex{})
	l.(*sync.Mutex).Lock()
	return l.(*sync.Mutex).Unlock, nil
}

func (m *memStore) Load(node string) (*session.Stored, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.entries[node], nil
}

func (m *memStore) Save(node string, st *session.Stored) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = map[string]*session.Stored{}
	}
	m.entries[node] = st
	return nil
}

func (m *memStore) Delete(node string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, node)
	return nil
}

// A session taken from the Store is tried by one request before the others use it: 20
// parallel reads on a session the manager has ended cost one refused request and one login,
// not 20 refused requests; on a live one, nothing more than the reads.
func TestStoredSessionProvedOnce(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	store := &memStore{}
	process := func() *session.Client {
		return fakeharness.Session(t, h.Control, session.Config{
			Block: "nsxt", MaxRetries: 2, RateLimit: 1000, MaxConcurrency: 100, Store: store,
			Auth: &nsxt.Auth{Username: h.Username, Password: h.Password}, Secrets: []string{h.Password},
		})
	}
	first := process()
	reads(t, first, 20) // logs in and keeps the session in the store
	before := h.Stats(t)

	live := process()
	reads(t, live, 20)
	after := h.Stats(t)
	if n := after["requests"] - before["requests"]; n != 20 || after["logins"] != before["logins"] || live.Stats().Shared != 1 {
		t.Fatalf("on the live stored session want 20 requests and no login: %d requests, fake %v, client %+v", n, after, live.Stats())
	}

	h.ExpireSessions(t)
	dead := process()
	reads(t, dead, 20)
	end := h.Stats(t)
	if n := end["requests"] - after["requests"]; n != 22 || end["logins"]-after["logins"] != 1 {
		t.Fatalf("on a dead stored session want 20 reads, 1 refused, 1 login (22 requests): %d requests, fake %v, client %+v", n, end, dead.Stats())
	}
}

// brokenStore keeps nothing: every Save and Delete fails (a full disk, a read-only cache).
type brokenStore struct{ memStore }

func (*brokenStore) Save(string, *session.Stored) error { return fmt.Errorf("no space left on device") }
func (*brokenStore) Delete(string) error                { return fmt.Errorf("read-only file system") }

// A refusal the cache cannot keep is said with the refusal (the next process would send the
// credentials again), and this process does not send them again itself.
func TestRefusalTheCacheCannotKeepIsSaid(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := fakeharness.Session(t, h.Control, session.Config{
		Block: "nsxt", MaxRetries: 2, RateLimit: 1000, Store: &brokenStore{},
		Auth: &nsxt.Auth{Username: h.Username, Password: "wrong-Passw0rd!"}, Secrets: []string{"wrong-Passw0rd!"},
	})
	for i := range 3 {
		_, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/api/v1/node/version"})
		if err == nil || !strings.Contains(err.Error(), "could not record this refusal") || !strings.Contains(err.Error(), "no space left on device") {
			t.Fatalf("call %d: want the refusal with the cache's failure, got %v", i, err)
		}
	}
	if s := h.Stats(t); s["failed_logins"] != 1 {
		t.Fatalf("the password was sent %d times, want once", s["failed_logins"])
	}
}
