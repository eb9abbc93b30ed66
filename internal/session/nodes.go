package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

type node struct {
	// refusalTTL is the lockout period the manager stated for this node (0: none).
	refusalTTL atomic.Int64
	base       *url.URL
	gate       *gate
	flight     singleflight.Group

	mu   sync.Mutex
	cred *Credentials
	// spent are the secrets of sessions this node had before, still masked in case a
	// manager quotes an old cookie or token.
	spent []string
	// stale is the session last found expired, so that a Store's copy of it is not taken
	// again; cached: cred is kept in the Store (left open at Close).
	stale  *Credentials
	cached bool
	// unproven is a session taken from the Store that no answer of this process has
	// accepted yet: one request tries it while the others wait (see prove), so that a session
	// the manager ended costs one refused request, not one per caller.
	unproven  *Credentials
	proving   bool
	proved    chan struct{}
	loginErr  *LoginError
	lastUsed  time.Time
	downUntil time.Time
}

// Nodes are the hosts (name:port) of the configured nodes, in their order.
func (c *Client) Nodes() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.base.Host
	}
	return out
}

// nodeAt is the node of host (nil: none).
func (c *Client) nodeAt(host string) *node {
	for _, n := range c.nodes {
		if strings.EqualFold(n.base.Host, host) {
			return n
		}
	}
	return nil
}

// currentHost is the node requests go to now.
func (c *Client) currentHost() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[c.current].base.Host
}

func (c *Client) do(ctx context.Context, req *Request) (*Response, error) {
	var failures []error
	for range c.nodes {
		n := c.pick()
		resp, err := c.doOn(ctx, n, req)
		if err == nil {
			return resp, nil
		}
		var te *TransportError
		if len(c.nodes) == 1 || !errors.As(err, &te) || te.Abandoned || !c.failoverSafe(req.Method, te.Err) {
			return nil, err
		}
		c.markDown(n)
		failures = append(failures, err)
		tflog.Warn(c.WithMasking(ctx), "manager node unreachable; trying the next node", map[string]any{
			"block": c.cfg.Block, "node": n.base.Host, "error": err.Error(),
		})
	}
	return nil, &UnreachableError{Block: c.cfg.Block, Errs: failures}
}

// UnreachableError is a request that no node of a cluster could take.
type UnreachableError struct {
	Block string
	Errs  []error
}

func (e *UnreachableError) Unwrap() []error { return e.Errs }

func (e *UnreachableError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("no node of the %s manager could be reached (%d tried): %s", e.Block, len(e.Errs), strings.Join(msgs, "; "))
}

// failoverSafe: a request may go to another node when it cannot have been acted on, or when
// repeating it is harmless.
func (c *Client) failoverSafe(method string, err error) bool {
	if permanentTransportError(err) {
		return false
	}
	return neverConnected(err) || idempotent(method)
}

// nodeDownFor is how long an unreachable node is passed over.
const nodeDownFor = 30 * time.Second

// pick returns the current node, moving on from one marked down. Sticky otherwise.
func (c *Client) pick() *node {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for i := 0; i < len(c.nodes); i++ {
		n := c.nodes[(c.current+i)%len(c.nodes)]
		n.mu.Lock()
		up := now.After(n.downUntil)
		n.mu.Unlock()
		if up {
			c.current = (c.current + i) % len(c.nodes)
			return n
		}
	}
	return c.nodes[c.current]
}

func (c *Client) markDown(n *node) {
	n.mu.Lock()
	n.downUntil = time.Now().Add(nodeDownFor)
	n.mu.Unlock()
	c.mu.Lock()
	if c.nodes[c.current] == n {
		c.current = (c.current + 1) % len(c.nodes)
	}
	c.mu.Unlock()
}

// SameOrigin reports whether u, an absolute URL a manager handed out (a job location, a
// link), points at one of the configured nodes with the same scheme, so that following it
// sends the session's credentials nowhere else. Host names compare case-insensitively and an
// absent port is the scheme's default.
func (c *Client) SameOrigin(u *url.URL) bool {
	if u == nil || u.User != nil {
		return false
	}
	for _, n := range c.nodes {
		if strings.EqualFold(u.Scheme, n.base.Scheme) && strings.EqualFold(hostPort(u), hostPort(n.base)) {
			return true
		}
	}
	return false
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return net.JoinHostPort(strings.TrimSuffix(u.Hostname(), "."), port)
}
