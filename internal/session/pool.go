package session

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Pool holds every manager client of one provider process, so that a manager configured the
// same way twice shares one session per node, and so that one Close logs every session out.
type Pool struct {
	mu      sync.Mutex
	clients map[string]*Client
	// lent are clients made for one borrower each (sessions lent to other tools): masked
	// like the others and logged out at Close unless their borrower ended them first.
	lent map[*Client]bool
	// logCtx carries the provider's logger for Close, which runs after the RPC that created
	// the clients has finished.
	logCtx context.Context
}

// NewPool returns an empty pool.
func NewPool() *Pool {
	return &Pool{clients: map[string]*Client{}, lent: map[*Client]bool{}, logCtx: context.Background()}
}

// Client returns the client stored under key, creating it with mk the first time.
func (p *Pool) Client(ctx context.Context, key string, mk func() (*Client, error)) (*Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[key]; ok {
		return c, nil
	}
	c, err := mk()
	if err != nil {
		return nil, err
	}
	p.clients[key] = c
	p.logCtx = context.WithoutCancel(ctx)
	return c, nil
}

// Lend creates a client of its own for one borrower, held in the pool until Forget.
func (p *Pool) Lend(cfg Config) (*Client, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.lent[c] = true
	p.mu.Unlock()
	return c, nil
}

// Forget takes a lent client, whose sessions its borrower ended, out of the pool.
func (p *Pool) Forget(c *Client) {
	p.mu.Lock()
	delete(p.lent, c)
	p.mu.Unlock()
	unregister(c)
}

// Clients returns the clients created so far, lent ones included.
func (p *Pool) Clients() []*Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*Client, 0, len(p.clients)+len(p.lent))
	for _, c := range p.clients {
		out = append(out, c)
	}
	for c := range p.lent {
		out = append(out, c)
	}
	return out
}

// LogoutTimeout bounds Close so that Terraform never waits on a slow manager at exit.
const LogoutTimeout = 1500 * time.Millisecond

// Close logs out every session of every client, within LogoutTimeout, and logs each client's
// counters at DEBUG.
func (p *Pool) Close() {
	clients := p.Clients()
	p.mu.Lock()
	logCtx := p.logCtx
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(logCtx, LogoutTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func(c *Client) {
			defer wg.Done()
			var err error
			defer func() {
				if err != nil {
					tflog.Error(logCtx, "closing sessions", map[string]any{"block": c.Block(), "error": err.Error()})
				}
			}()
			defer recovered("closing the sessions of "+c.Block(), &err)
			c.Close(ctx)
			s := c.Stats()
			tflog.Debug(logCtx, "session counters", map[string]any{
				"block": c.Block(), "logins": s.Logins, "relogins": s.Relogins,
				"failed_logins": s.FailedLogins, "logouts": s.Logouts,
				"requests": s.Requests, "retries": s.Retries,
			})
		}(c)
	}
	wg.Wait()
}
