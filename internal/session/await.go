package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Unavailable reports whether err means that the manager could not serve a request just now
// (its API service restarting, overload, a node refusing connections or timing out), so that
// the same request may succeed later. Errors carrying an HTTP status say so with a
// HTTPStatus() int method. A refused login is never Unavailable.
func Unavailable(err error) bool {
	if _, ok := errors.AsType[*LoginError](err); ok {
		return false
	}
	if te, ok := errors.AsType[*TransportError](err); ok {
		return !permanentTransportError(te.Err)
	}
	var se interface{ HTTPStatus() int }
	if errors.As(err, &se) {
		switch se.HTTPStatus() {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// AwaitAvailable calls probe until it succeeds, for at most within: it is how a caller waits
// for the manager to come back after a write that restarts its API service. Between tries it
// backs off exponentially with full jitter. Errors that are not Unavailable end the wait at
// once. Sessions the restart ended are renewed by the probe's own requests, once per node.
func (c *Client) AwaitAvailable(ctx context.Context, within time.Duration, probe func(context.Context) error) error {
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	var last error
	for attempt := 0; ; attempt++ {
		err := probe(wctx)
		if err != nil && wctx.Err() != nil && last != nil {
			// Cut short by the bound itself: the previous answer says more.
			err = last
		}
		last = err
		if err == nil {
			tflog.Debug(c.WithMasking(ctx), "manager available", map[string]any{
				"block": c.cfg.Block, "attempts": attempt + 1, "waited_ms": time.Since(start).Milliseconds(),
			})
			return nil
		}
		if !Unavailable(err) {
			return err
		}
		wait := fullJitterBackoff(time.Second, 10*time.Second, attempt, nil)
		tflog.Info(c.WithMasking(ctx), "manager not available yet; waiting", map[string]any{
			"block": c.cfg.Block, "attempt": attempt + 1, "wait_ms": wait.Milliseconds(), "error": err.Error(),
		})
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("the %s manager was still unavailable %s later (%d tries): %w",
				c.cfg.Block, time.Since(start).Round(time.Second), attempt+1, err)
		case <-time.After(wait):
		}
	}
}
