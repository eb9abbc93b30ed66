package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Store keeps sessions beyond one process, so that the processes of one pipeline share one
// login per node (the provider's opt-in session cache). An implementation is bound to one
// manager's credentials; its keys are node hosts. Lock serialises the processes that use a
// node's entry; it gives up with an error after a bound, and the caller then goes on alone.
type Store interface {
	Lock(ctx context.Context, node string) (unlock func(), err error)
	Load(node string) (*Stored, error)
	Save(node string, st *Stored) error
	Delete(node string) error
}

// ErrUntrusted is what a Store's Load wraps for an entry it will not have used (readable by
// others); it returns the entry beside it, so that its session can be ended.
var ErrUntrusted = errors.New("session cache entry not trusted")

// Stored is a Store's entry: a session and when it was last used, or a refused login and
// when it was refused.
type Stored struct {
	Cred      *Credentials `json:"cred,omitempty"`
	LastUsed  time.Time    `json:"last_used,omitzero"`
	Refusal   *LoginError  `json:"refusal,omitempty"`
	RefusedAt time.Time    `json:"refused_at,omitzero"`
}

// StoreMode is how a client uses its Store.
type StoreMode int

const (
	// StoreShare reuses and keeps sessions in the store, and leaves them open at Close.
	StoreShare StoreMode = iota
	// StoreDrain takes a session left in the store (the cache was turned off), uses it, and
	// logs it out at Close, deleting the entry: turning the cache off ends its sessions.
	StoreDrain
)

// sameCred reports whether a and b are the same session.
func sameCred(a, b *Credentials) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fmt.Sprint(a.Cookies) == fmt.Sprint(b.Cookies) && fmt.Sprint(a.Header) == fmt.Sprint(b.Header)
}

// loginStored is the login of a client with a Store: under the store's lock, a refusal still
// within the lockout window is returned as it was, a session another process opened (and
// that is not the one just found expired, nor idle beyond the manager's timeout) is taken,
// and otherwise this process logs in and stores what it got, refusal included. lctx bounds it.
func (c *Client) loginStored(lctx context.Context, n *node) (*Credentials, bool, error) {
	st, host := c.cfg.Store, n.base.Host
	login := func() (*Credentials, error) { return c.attempt(lctx, n) }
	unlock, err := st.Lock(lctx, host)
	if err != nil {
		tflog.Warn(c.WithMasking(lctx), "session cache not locked; logging in without it", map[string]any{
			"block": c.cfg.Block, "node": host, "error": err.Error(),
		})
		cred, err := login()
		return cred, false, err
	}
	defer unlock()
	n.mu.Lock()
	stale := n.stale
	n.mu.Unlock()
	entry, err := st.Load(host)
	if err != nil {
		tflog.Warn(c.WithMasking(lctx), "session cache entry not used; logging in", map[string]any{
			"block": c.cfg.Block, "node": host, "error": err.Error(),
		})
		if errors.Is(err, ErrUntrusted) && entry != nil && entry.Cred != nil {
			// Not used, but still open on the manager: end it rather than leave it.
			c.logout(context.WithoutCancel(lctx), n, entry.Cred)
		}
		c.forget(lctx, host, "an entry not used")
		entry = nil
	}
	now := time.Now()
	if entry != nil && entry.Refusal != nil {
		if now.Sub(entry.RefusedAt) < c.refusalTTL(n) {
			le := *entry.Refusal
			le.CachedAt = entry.RefusedAt
			return nil, false, &le
		}
		entry = nil
	}
	if entry != nil && entry.Cred != nil {
		idle := c.IdleTimeout()
		fresh := idle <= 0 || now.Sub(entry.LastUsed) < renewBefore(idle)
		switch {
		case fresh && !sameCred(entry.Cred, stale):
			c.stats.shared.Add(1)
			if c.cfg.StoreMode == StoreDrain {
				c.forget(lctx, host, "a session taken over to be logged out")
				return entry.Cred, false, nil
			}
			return entry.Cred, true, nil
		case !fresh && c.cfg.StoreMode == StoreShare:
			// The manager has idled it out, or is about to: free its slot.
			c.logout(context.WithoutCancel(lctx), n, entry.Cred)
		}
		c.forget(lctx, host, "a session no longer used")
	}
	cred, err := login()
	if c.cfg.StoreMode == StoreDrain {
		return cred, false, err
	}
	var le *LoginError
	switch {
	case errors.As(err, &le):
		if serr := st.Save(host, &Stored{Refusal: le, RefusedAt: now}); serr != nil {
			// Said with the refusal; this process itself never sends them again (the
			// node keeps the refusal).
			le.Unsaved = serr.Error()
		}
		return nil, false, err
	case err != nil:
		return nil, false, err
	case cred.PerCall:
		return cred, false, nil
	}
	if err := st.Save(host, &Stored{Cred: cred, LastUsed: now}); err != nil {
		tflog.Warn(c.WithMasking(lctx), "session not stored in the cache; it is logged out at exit", map[string]any{
			"block": c.cfg.Block, "node": host, "error": err.Error(),
		})
		return cred, false, nil
	}
	return cred, true, nil
}

// keepStored records, at Close, when a stored session was last used, so that the next
// process knows whether the manager still keeps it.
func (c *Client) keepStored(ctx context.Context, n *node, cred *Credentials, lastUsed time.Time) {
	st, host := c.cfg.Store, n.base.Host
	unlock, err := st.Lock(ctx, host)
	if err != nil {
		return
	}
	defer unlock()
	if entry, err := st.Load(host); err == nil && entry != nil && sameCred(entry.Cred, cred) && lastUsed.After(entry.LastUsed) {
		entry.LastUsed = lastUsed
		if err := st.Save(host, entry); err != nil {
			tflog.Warn(ctx, "session cache: the last use of a session not recorded; the next run may log in anew", map[string]any{
				"block": c.cfg.Block, "node": host, "error": err.Error(),
			})
		}
	}
}

// forget deletes the store's entry for host, what saying which; a failure is logged (the
// next process finds the entry and judges it again).
func (c *Client) forget(ctx context.Context, host, what string) {
	if err := c.cfg.Store.Delete(host); err != nil {
		tflog.Warn(c.WithMasking(ctx), "session cache: "+what+" could not be deleted", map[string]any{
			"block": c.cfg.Block, "node": host, "error": err.Error(),
		})
	}
}
