package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// Do sends req to the current node with the node's session, logging in first when there is
// none. An answer the Authenticator calls expired drops the session, logs in once more and
// replays the request; the second answer is returned whatever it is. With several nodes, a
// node that cannot be reached is set aside for a while and the request goes to the next one,
// which gets its own session: a node's cookie is never sent to another node.
//
// A GET is sent once however many callers ask for it at the same time: identical GETs in
// flight to the same node share one request and its answer. A Reusable GET's answer also
// serves later identical GETs, until the client sends anything but a GET.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	return c.dispatch(ctx, req, nil)
}

// DoOn is Do on the node host (as configured, name:port) and no other: for what a manager
// keeps per node (NSX's auth policy, node settings and services). It uses that node's own
// session, and does not fail over: an unreachable node is an error that names it.
func (c *Client) DoOn(ctx context.Context, host string, req *Request) (*Response, error) {
	n := c.nodeAt(host)
	if n == nil {
		return nil, fmt.Errorf("%s is not a node of the %s block (%s)", host, c.cfg.Block, strings.Join(c.Nodes(), ", "))
	}
	return c.dispatch(ctx, req, n)
}

// JSONRequest is a request that accepts JSON and carries in, where not nil, as its JSON body.
func JSONRequest(method, path string, in any) (*Request, error) {
	req := &Request{Method: method, Path: path, Header: http.Header{"Accept": {"application/json"}}}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		req.Body = b
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// Checked is Do (DoOn where host is not ""), with an answer outside 2xx made the error
// refuse reads from it (each manager's error document): the one request path of the manager
// clients.
func (c *Client) Checked(ctx context.Context, host string, req *Request, refuse func(*Response) error) (*Response, error) {
	var resp *Response
	var err error
	if host == "" {
		resp, err = c.Do(ctx, req)
	} else {
		resp, err = c.DoOn(ctx, host, req)
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, refuse(resp)
	}
	return resp, nil
}

// dispatch sends req to target, or to the current node with failover (target nil).
func (c *Client) dispatch(ctx context.Context, req *Request, target *node) (*Response, error) {
	send := func(ctx context.Context) (*Response, error) {
		if target != nil {
			return c.doOn(ctx, target, req)
		}
		return c.do(ctx, req)
	}
	if req.Method != http.MethodGet {
		c.reads.forget()
		resp, err := send(ctx)
		c.reads.forget() // what the write changed may have been read meanwhile
		return resp, c.explain(err)
	}
	host := c.currentHost()
	if target != nil {
		host = target.base.Host
	}
	key := readKey(host, req)
	reusable := req.Reusable && !c.cfg.Fresh
	if reusable {
		if resp, ok := c.reads.get(key); ok {
			c.stats.reused.Add(1)
			return resp, nil
		}
	}
	gen := c.reads.generation()
	var mine atomic.Bool // the shared request is this caller's own, not one it joined
	// A read started before a write is not joined by one that comes after it.
	ch := c.reads.flight.DoChan(key+"\x00"+strconv.FormatUint(gen, 10), func() (_ any, err error) {
		defer recovered(req.Method+" "+req.Path, &err)
		mine.Store(true)
		return send(ctx)
	})
	var v any
	var err error
	c.stats.waiting.Add(1)
	defer c.stats.waiting.Add(-1)
	select {
	case <-ctx.Done():
		// Whoever sent it, this caller's time is up; a request of its own ends with it.
		return nil, c.explain(&TransportError{Block: c.cfg.Block, Host: host, Err: ctx.Err(), Abandoned: true})
	case r := <-ch:
		v, err = r.Val, r.Err
	}
	sent := mine.Load()
	if !sent && err != nil && ctx.Err() == nil && gaveUp(err) {
		// The caller whose request this was gave up; this one has time left.
		v, err = send(ctx)
		sent = true
	}
	if !sent {
		c.stats.reused.Add(1)
	}
	if err != nil {
		return nil, c.explain(err)
	}
	resp, ok := v.(*Response)
	if !ok {
		return nil, errors.New("a shared read answered nothing")
	}
	if reusable && keepable(resp, req.Header.Get("Accept")) {
		c.reads.put(key, resp, gen)
	}
	cp := *resp // callers share the body, read-only; each gets its own Response
	return &cp, nil
}

// gaveUp: err ends a request because its caller gave up (its context ended), not because of
// anything the manager did.
func gaveUp(err error) bool {
	if te, ok := errors.AsType[*TransportError](err); ok {
		return te.Abandoned // a request timeout is the manager's doing
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) // a login cut short
}

// readKey names a GET: its node, path and every header it carries (a GET with Prefer:
// respond-async asks for something else than the same GET without it).
func readKey(host string, req *Request) string {
	var b strings.Builder
	b.WriteString(host + " " + req.Path)
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.WriteString("\x00" + name + ":" + strings.Join(req.Header[name], "\x01"))
	}
	return b.String()
}

// keepable: resp is a success in the form asked for (a complete JSON document where JSON was
// asked for), so that a proxy's sign-in page or a broken answer is never kept for later reads.
func keepable(resp *Response, accept string) bool {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	switch {
	case strings.Contains(accept, "json"):
		return strings.Contains(ct, "json") && json.Valid(resp.Body)
	case strings.Contains(accept, "xml"):
		return strings.Contains(ct, "xml")
	}
	return true
}

// reads are the GETs in flight, shared among identical callers, and the answers of Reusable
// GETs, kept until the next write.
type reads struct {
	flight singleflight.Group
	mu     sync.Mutex
	gen    uint64
	kept   map[string]*Response
}

func (r *reads) generation() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gen
}

func (r *reads) get(key string) (*Response, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, ok := r.kept[key]
	if !ok {
		return nil, false
	}
	cp := *resp
	return &cp, true
}

// put keeps an answer read in generation gen, unless a write came since.
func (r *reads) put(key string, resp *Response, gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen {
		return
	}
	if r.kept == nil {
		r.kept = map[string]*Response{}
	}
	r.kept[key] = resp
}

// forget drops every kept answer: the manager was written to.
func (r *reads) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.kept = nil
}
