package session

import (
	"context"
	"errors"
	"maps"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

func (c *Client) doOn(ctx context.Context, n *node, req *Request) (*Response, error) {
	cred, err := c.session(ctx, n)
	if err != nil {
		return nil, err
	}
	cred, proving, err := c.prove(ctx, n, cred)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, n, cred, req)
	var refusal error
	if err == nil {
		refusal = c.refused(n, resp) // before the waiters look: they share the refusal
	}
	if proving {
		if err == nil && refusal == nil && c.cfg.Auth.Expired(resp) {
			c.invalidate(n, cred) // before the waiters look: they log in with this caller
		}
		c.proven(n, cred)
	}
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return nil, refusal
	}
	if !c.cfg.Auth.Expired(resp) {
		return resp, nil
	}
	tflog.Debug(c.WithMasking(ctx), "session expired; logging in again", map[string]any{
		"block": c.cfg.Block, "node": n.base.Host, "status": resp.StatusCode,
	})
	c.invalidate(n, cred)
	cred, err = c.session(ctx, n)
	if err != nil {
		return nil, err
	}
	resp, err = c.send(ctx, n, cred, req)
	if err != nil {
		return nil, err
	}
	if err := c.refused(n, resp); err != nil {
		return nil, err
	}
	resp.Renewed = true
	return resp, nil
}

// prove lets the first caller of an unproven session (one taken from the Store) send with it
// and makes the others wait until its answer is in (proven), then go on with the node's
// session as it then is: the same one when the manager took it, a new one when it did not.
// proving is true for the caller that must call proven once its answer is in.
func (c *Client) prove(ctx context.Context, n *node, cred *Credentials) (_ *Credentials, proving bool, _ error) {
	for {
		n.mu.Lock()
		if n.unproven == nil || n.unproven != cred {
			n.mu.Unlock()
			return cred, false, nil
		}
		if !n.proving {
			n.proving, n.proved = true, make(chan struct{})
			n.mu.Unlock()
			return cred, true, nil
		}
		wait := n.proved
		n.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-wait:
		}
		var err error
		if cred, err = c.session(ctx, n); err != nil {
			return nil, false, err
		}
	}
}

// proven ends the trial of cred: whatever its answer, the waiters go on (an expired session
// was dropped by then, and they log in once together with the caller that tried it).
func (c *Client) proven(n *node, cred *Credentials) {
	n.mu.Lock()
	if n.unproven == cred {
		n.unproven = nil
	}
	n.proving = false
	if n.proved != nil {
		close(n.proved)
		n.proved = nil
	}
	n.mu.Unlock()
}

// refused turns an answer that refuses per-call credentials into a cached login failure.
func (c *Client) refused(n *node, resp *Response) error {
	r, ok := c.cfg.Auth.(CallRefuser)
	if !ok {
		return nil
	}
	le := r.Refused(resp)
	if le == nil {
		return nil
	}
	c.stats.failedLogins.Add(1)
	n.mu.Lock()
	if n.loginErr == nil {
		n.loginErr = le
	}
	n.cred = nil
	n.mu.Unlock()
	return le
}

// session returns the node's session, logging in when there is none. Concurrent callers share
// one login in flight. A refused login is remembered and returned without contacting the node.
func (c *Client) session(ctx context.Context, n *node) (*Credentials, error) {
	n.mu.Lock()
	if n.loginErr != nil {
		err := n.loginErr
		n.mu.Unlock()
		return nil, err
	}
	if n.cred != nil {
		now := time.Now()
		idle, unused := c.IdleTimeout(), now.Sub(n.lastUsed)
		expiring := !n.cred.Expires.IsZero() && n.cred.Expires.Sub(now) < RenewBeforeExpiry
		if !expiring && (idle <= 0 || unused < renewBefore(idle)) {
			cred := n.cred
			n.lastUsed = now
			n.mu.Unlock()
			return cred, nil
		}
		// The manager has dropped this session or is about to: renew it now rather than
		// after a refused call.
		stale, shared := n.cred, n.cached
		n.cred = nil
		n.spend(stale)
		if shared {
			// Other processes may still use it: leave it to idle out, and do not take it
			// back from the store.
			n.stale = stale
		}
		n.mu.Unlock()
		c.stats.renewals.Add(1)
		tflog.Debug(c.WithMasking(ctx), "session idle beyond the manager's timeout, or about to expire; renewing before use", map[string]any{
			"block": c.cfg.Block, "node": n.base.Host, "idle_ms": unused.Milliseconds(), "timeout_ms": idle.Milliseconds(), "expiring": expiring,
		})
		if unused < idle && !shared {
			// Still open on the manager: free its slot.
			c.logout(context.WithoutCancel(ctx), n, stale)
		}
	} else {
		n.mu.Unlock()
	}

	return c.login(ctx, n)
}

// loginContext bounds a login by the retries the settings allow, and by nothing a caller
// does: callers stop waiting at their own deadlines, but a login cut short while its request
// is out would be one whose outcome is unknown, which is never sent again.
func (c *Client) loginContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(time.Duration(c.cfg.MaxRetries+1) * (c.cfg.RequestTimeout + c.retryAfterCap()))
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// attempt sends the Authenticator's login once. An answer that never arrived whole once the
// request was written (a reset, a cut, an answer too large, no answer in time) is a login of
// unknown outcome: the manager may have counted a failed attempt, so it is a *LoginError
// like a refusal, never sent again.
func (c *Client) attempt(lctx context.Context, n *node) (*Credentials, error) {
	var wrote atomic.Bool
	tctx := httptrace.WithClientTrace(lctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	cred, err := c.cfg.Auth.Login(tctx, c.loginClient(tctx), n.base)
	var (
		le *LoginError
		te *TransportError
		tl *TooLargeError
	)
	if err != nil && !errors.As(err, &le) && wrote.Load() && (errors.As(err, &te) || errors.As(err, &tl)) {
		return nil, unknownOutcome(c.cfg.Block, n.base.Host, err)
	}
	return cred, err
}

// login logs in on n, sharing one login in flight among concurrent callers.
func (c *Client) login(ctx context.Context, n *node) (*Credentials, error) {
	ch := n.flight.DoChan("login", func() (_ any, err error) {
		defer recovered("the login to "+n.base.Host, &err)
		lctx, cancel := c.loginContext(ctx)
		defer cancel()
		n.mu.Lock()
		if n.cred != nil || n.loginErr != nil {
			cred, lerr := n.cred, n.loginErr
			n.mu.Unlock()
			if lerr != nil {
				return nil, lerr
			}
			return cred, nil
		}
		renewal := n.lastUsed != (time.Time{})
		n.mu.Unlock()
		if why := c.credentialsChanged(); why != "" {
			return nil, &CredentialsChangedError{Block: c.cfg.Block, Host: n.base.Host, Why: why}
		}

		start := time.Now()
		var cred *Credentials
		cached, fromLogin := false, true
		if c.cfg.Store != nil {
			before := c.stats.shared.Load()
			cred, cached, err = c.loginStored(lctx, n)
			fromLogin = c.stats.shared.Load() == before
		} else {
			cred, err = c.attempt(lctx, n)
		}
		var cachedRefusal *LoginError
		if errors.As(err, &cachedRefusal) && !cachedRefusal.CachedAt.IsZero() {
			n.mu.Lock()
			n.loginErr = cachedRefusal
			n.mu.Unlock()
			return nil, err
		}
		if err != nil {
			if le, ok := errors.AsType[*LoginError](err); ok {
				c.stats.failedLogins.Add(1)
				n.mu.Lock()
				n.loginErr = le
				n.mu.Unlock()
			}
			tflog.Warn(c.WithMasking(lctx), "login failed", map[string]any{
				"block": c.cfg.Block, "node": n.base.Host, "error": err.Error(),
			})
			return nil, err
		}
		if fromLogin {
			c.stats.logins.Add(1)
			if renewal {
				c.stats.relogins.Add(1)
			}
		}
		n.mu.Lock()
		n.cred = cred
		n.cached = cached
		n.lastUsed = time.Now()
		if !fromLogin || cred.Untried {
			n.unproven = cred
		}
		n.mu.Unlock()
		tflog.Debug(c.WithMasking(lctx), "logged in", map[string]any{
			"block": c.cfg.Block, "node": n.base.Host, "renewal": renewal,
			"duration_ms": time.Since(start).Milliseconds(),
		})
		return cred, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		cred, ok := r.Val.(*Credentials)
		if !ok {
			return nil, errors.New("login answered no credentials")
		}
		return cred, nil
	}
}

// LoginFacts returns the facts the current node's login left (Credentials.Values: an org
// list, a user href; never a secret), logging in first when there is no session.
func (c *Client) LoginFacts(ctx context.Context) (map[string]string, error) {
	cred, err := c.session(ctx, c.pick())
	if err != nil {
		return nil, c.explain(err)
	}
	out := make(map[string]string, len(cred.Values))
	maps.Copy(out, cred.Values)
	return out, nil
}

// invalidate drops cred if it is still the node's session, so that many callers holding the
// same dead session cause a single new login.
func (c *Client) invalidate(n *node, cred *Credentials) {
	n.mu.Lock()
	if n.cred == cred {
		n.cred = nil
		n.stale = cred
		n.spend(cred)
	}
	n.mu.Unlock()
}

// spend keeps a dropped session's secrets for masking (n.mu held), a bounded number of them.
func (n *node) spend(cred *Credentials) {
	n.spent = append(n.spent, cred.secrets()...)
	if over := len(n.spent) - 64; over > 0 {
		n.spent = append([]string(nil), n.spent[over:]...)
	}
}

// logout ends one session, logging the outcome.
func (c *Client) logout(ctx context.Context, n *node, cred *Credentials) {
	ctx = ungated(ctx)
	mctx := masked(ctx, secretForms(c.cfg.Username, append(cred.secrets(), c.cfg.Secrets...)...))
	if err := c.cfg.Auth.Logout(ctx, c.plain, n.base, cred); err != nil {
		if errors.Is(err, ErrNothingToEnd) {
			tflog.Debug(mctx, "nothing to log out", map[string]any{"block": c.cfg.Block, "node": n.base.Host})
			return
		}
		tflog.Warn(mctx, "logout failed", map[string]any{"block": c.cfg.Block, "node": n.base.Host, "error": err.Error()})
		return
	}
	c.stats.logouts.Add(1)
	tflog.Debug(mctx, "logged out", map[string]any{"block": c.cfg.Block, "node": n.base.Host})
}

// Close logs out every open session, in parallel, within ctx's deadline.
func (c *Client) Close(ctx context.Context) {
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		n.mu.Lock()
		cred, cached, lastUsed := n.cred, n.cached, n.lastUsed
		n.cred = nil
		n.mu.Unlock()
		if cred == nil {
			continue
		}
		wg.Add(1)
		go func(n *node, cred *Credentials) {
			defer wg.Done()
			var err error
			defer func() {
				if err != nil {
					tflog.Error(ctx, "logout", map[string]any{"block": c.cfg.Block, "node": n.base.Host, "error": err.Error()})
				}
			}()
			defer recovered("the logout from "+n.base.Host, &err)
			if cached {
				// Shared with other processes: left open, its last use recorded.
				c.keepStored(ctx, n, cred, lastUsed)
				return
			}
			c.logout(ctx, n, cred)
		}(n, cred)
	}
	wg.Wait()
}
