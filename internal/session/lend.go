package session

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Lend logs in on the client's first node when there is no session, and returns what a
// client outside this process must send to use that session: the node's base URL and the
// headers (Cookie, and the manager's token headers). It is for a client made for lending: the
// caller owns the session and ends it with Close; the headers are secrets.
func (c *Client) Lend(ctx context.Context) (*url.URL, http.Header, error) {
	n := c.pick()
	cred, err := c.session(ctx, n)
	if err != nil {
		return nil, nil, c.explain(err)
	}
	// What Apply puts on a request is what the borrower must send.
	req := &http.Request{Header: http.Header{}}
	cred.Apply(req)
	base := *n.base
	return &base, req.Header, nil
}

// RenewBefore is how long after its last use a session of a manager with idle timeout idle
// should be used again to stay open (0: it does not idle out).
func RenewBefore(idle time.Duration) time.Duration {
	if idle <= 0 {
		return 0
	}
	return renewBefore(idle)
}
