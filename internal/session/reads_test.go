package session_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Identical GETs in flight share one request; a Reusable GET's answer serves later identical
// GETs until the client writes; after a write the next read is fresh.
func TestEachReadSentOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var gets, puts atomic.Int64
		// The first GET's answer waits until every caller waits for it (a barrier, not a sleep).
		release := make(chan struct{})
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				if gets.Add(1) == 1 {
					<-release
				}
			} else {
				puts.Add(1)
			}
			_, _ = w.Write([]byte(`{"v":1}`))
		}))
		c := hostileClient(t, srv, session.Config{RequestTimeout: 5 * time.Second, Dial: dial})
		ctx := context.Background()
		get := func(path string, reusable bool) {
			resp, err := c.Do(ctx, &session.Request{Method: http.MethodGet, Path: path, Reusable: reusable})
			if err != nil || string(resp.Body) != `{"v":1}` {
				t.Errorf("GET %s: %v %v", path, resp, err)
			}
		}

		// 20 identical plain GETs at once: one request.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() { ; get("/list", false) })
		}
		synctest.Wait() // every caller waits now
		if w := c.Stats().Waiting; w != 20 {
			t.Fatalf("%d of 20 readers wait for the request in flight", w)
		}
		close(release)
		wg.Wait()
		if n := gets.Load(); n != 1 {
			t.Fatalf("20 identical GETs in flight sent %d requests", n)
		}
		// A plain GET later is sent again; a Reusable one is kept.
		get("/list", false)
		get("/version", true)
		get("/version", true)
		get("/version", true)
		if n := gets.Load(); n != 3 {
			t.Fatalf("want 3 GETs (the shared one, a later plain one, one reusable), server saw %d", n)
		}
		// A write forgets every kept answer.
		if _, err := c.Do(ctx, &session.Request{Method: http.MethodPut, Path: "/settings", Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		get("/version", true)
		if n := gets.Load(); n != 4 || puts.Load() != 1 {
			t.Fatalf("after a write the reusable GET must be sent again: %d GETs, %d PUTs", n, puts.Load())
		}
		if s := c.Stats(); s.Reused != 19+2 {
			t.Fatalf("want 21 reads answered without a request of their own, stats say %+v", s)
		}
	})
}

// GETs of the same path with other headers are other reads (Illumio's Prefer: respond-async
// asks for a job, not the list): they never share a request or an answer.
func TestReadsWithOtherHeadersNotShared(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var gets atomic.Int64
		// Each request waits until both are in: were they shared, the one would wait in vain,
		// and the test would fail on its count after the wait's bound.
		both := make(chan struct{})
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if gets.Add(1) == 2 {
				close(both)
			}
			select {
			case <-both:
			case <-time.After(5 * time.Second):
			}
			if r.Header.Get("Prefer") == "respond-async" {
				w.WriteHeader(http.StatusAccepted)
				return
			}
			_, _ = w.Write([]byte(`[]`))
		}))
		c := hostileClient(t, srv, session.Config{RequestTimeout: 5 * time.Second, Dial: dial})
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, h := range []http.Header{{}, {"Prefer": {"respond-async"}}} {
			wg.Go(func() {
				resp, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/orgs/1/labels", Header: h, Reusable: true})
				if err != nil {
					t.Error(err)
					return
				}
				statuses[i] = resp.StatusCode
			})
		}
		wg.Wait()
		if gets.Load() != 2 || statuses[0] != http.StatusOK || statuses[1] != http.StatusAccepted {
			t.Fatalf("want two requests, 200 and 202; server saw %d, callers got %v", gets.Load(), statuses)
		}
	})
}

// A caller that joined another's GET still ends at its own deadline, while the request it
// joined goes on for the caller that sent it.
func TestJoinedReadEndsAtItsDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release, arrived := make(chan struct{}), make(chan struct{}, 1)
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			arrived <- struct{}{}
			<-release
			_, _ = w.Write([]byte(`{"v":1}`))
		}))
		defer func() {
			select {
			case <-release:
			default:
				close(release)
			}
		}()
		c := hostileClient(t, srv, session.Config{RequestTimeout: 30 * time.Second, Dial: dial})
		leader := make(chan error, 1)
		go func() {
			_, err := c.Do(context.Background(), &session.Request{Method: http.MethodGet, Path: "/slow"})
			leader <- err
		}()
		<-arrived // the leader's request is at the manager
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Do(ctx, &session.Request{Method: http.MethodGet, Path: "/slow"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the joiner must end at its deadline, got %v", err)
		}
		select {
		case err := <-leader:
			t.Fatalf("the leader ended before the manager answered: %v", err)
		default:
		}
		close(release)
		if err := <-leader; err != nil {
			t.Fatalf("the leader: %v", err)
		}
	})
}

// A read that comes after a write does not join a read started before it.
func TestReadAfterWriteNotJoined(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release, arrived := make(chan struct{}), make(chan struct{}, 2)
		var gets atomic.Int64
		srv, dial := bubbleServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				n := gets.Add(1)
				if n == 1 {
					arrived <- struct{}{}
					<-release
				}
			}
			_, _ = w.Write([]byte(`{"v":1}`))
		}))
		c := hostileClient(t, srv, session.Config{RequestTimeout: 30 * time.Second, Dial: dial})
		ctx := context.Background()
		first := make(chan error, 1)
		go func() {
			_, err := c.Do(ctx, &session.Request{Method: http.MethodGet, Path: "/settings"})
			first <- err
		}()
		<-arrived
		if _, err := c.Do(ctx, &session.Request{Method: http.MethodPut, Path: "/settings", Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		// Joined to the first read, it would wait for the release that comes after it.
		after, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := c.Do(after, &session.Request{Method: http.MethodGet, Path: "/settings"}); err != nil {
			close(release)
			t.Fatalf("the read after the write: %v", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if n := gets.Load(); n != 2 {
			t.Fatalf("the read after the write joined the one before it: %d GETs", n)
		}
	})
}
