package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// send performs one logical request on node n with cred, retrying what is safe.
func (c *Client) send(ctx context.Context, n *node, cred *Credentials, req *Request) (*Response, error) {
	mctx := c.WithMasking(ctx)
	var body any
	if req.Body != nil {
		body = req.Body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, req.Method, n.base.String()+req.Path, body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", req.Method, req.Path, err)
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		maps.Copy(rreq.Header, c.cfg.WriteHeader)
	}
	maps.Copy(rreq.Header, req.Header)
	cred.Apply(rreq.Request)

	start := time.Now()
	hresp, err := c.retrying(mctx, req.Method).Do(rreq)
	if err != nil {
		return nil, &TransportError{Block: c.cfg.Block, Host: n.base.Host, Err: err, Abandoned: ctx.Err() != nil}
	}
	defer func() { _ = hresp.Body.Close() }()
	data, err := readCapped(hresp.Body, c.cfg.MaxResponseBytes, hresp.ContentLength)
	if tooLarge, ok := errors.AsType[*TooLargeError](err); ok {
		tooLarge.Block, tooLarge.Host, tooLarge.Request, tooLarge.Status = c.cfg.Block, n.base.Host, req.Method+" "+req.Path, hresp.StatusCode
		return nil, tooLarge
	}
	if err != nil {
		return nil, &TransportError{Block: c.cfg.Block, Host: n.base.Host, Err: &CutOffError{
			Request: req.Method + " " + req.Path, Status: hresp.StatusCode, Got: len(data), Want: hresp.ContentLength, Err: err,
		}}
	}
	if err := c.spendBytes(ctx, len(data)); err != nil {
		return nil, err
	}
	tflog.Debug(mctx, "manager request", map[string]any{
		"block": c.cfg.Block, "node": n.base.Host, "method": req.Method, "path": req.Path,
		"status": hresp.StatusCode, "duration_ms": time.Since(start).Milliseconds(), "bytes": len(data),
	})
	resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: data, Node: n.base.Host, Request: req.Method + " " + req.Path}
	if hresp.TLS != nil {
		resp.Certificates = hresp.TLS.PeerCertificates
	}
	return resp, nil
}

// retrying is the retry policy for one request of method, logging to ctx.
func (c *Client) retrying(ctx context.Context, method string) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.plain,
		Logger:       tflogAdapter{ctx: ctx},
		RetryWaitMin: 500 * time.Millisecond,
		RetryWaitMax: 30 * time.Second,
		RetryMax:     c.cfg.MaxRetries,
		CheckRetry:   retryPolicy(method, len(c.nodes) > 1),
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
			if attempt > 0 {
				c.stats.retries.Add(1)
			}
		},
	}
}

// loginClient is what an Authenticator logs in with. It retries only answers that prove the
// manager did not look at the credentials (429, 503, a connection never made), so a login
// the manager refused is still sent exactly once. It never follows a redirect.
func (c *Client) loginClient(ctx context.Context) *http.Client {
	hc := c.retrying(masked(ctx, secretForms(c.cfg.Username, c.cfg.Secrets...)), http.MethodPost).StandardClient()
	hc.CheckRedirect = c.plain.CheckRedirect
	return hc
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryPolicy retries 429 and 503 for every method (the manager refused before acting), 502 and
// 504 only for idempotent methods (the request may have been acted on), and transport errors
// for idempotent methods or where the connection was never made. In a cluster, a node that
// refuses connections is not retried: the request moves to the next node at once.
func retryPolicy(method string, cluster bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			if permanentTransportError(err) || (cluster && neverConnected(err)) {
				return false, nil
			}
			return idempotent(method) || neverConnected(err), nil
		}
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			return true, nil
		case http.StatusBadGateway, http.StatusGatewayTimeout:
			return idempotent(method), nil
		}
		return false, nil
	}
}

// backoff waits what Retry-After says, capped (see retryAfterCap); after a refusal for the
// client's own limits, the gate's next token; else a random time below an exponentially
// growing ceiling.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, c.retryAfterCap())
		}
		if b, ok := resp.Body.(*releasingBody); ok && b.limited {
			// The gate was cut to what the manager takes: the retry waits for its token and
			// slot there. Retries of the same request beyond the first are spaced a token
			// apart each, in case other clients share the manager's allowance.
			return time.Duration(attempt) * b.gate.interval()
		}
	}
	return fullJitterBackoff(minWait, maxWait, attempt, nil)
}

// retryAfterCap is the longest a Retry-After can make one retry wait: MaxRetryAfter, or the
// request_timeout where that is shorter, so that a read with max_retries retries ends within
// (max_retries + 1) × 2 × request_timeout whatever the manager asks for.
func (c *Client) retryAfterCap() time.Duration {
	return min(MaxRetryAfter, c.cfg.RequestTimeout)
}

// RetryAfter reads the Retry-After header of h (delay seconds or an HTTP date, at most a day);
// ok is false when there is none or it does not parse.
func RetryAfter(h http.Header) (d time.Duration, ok bool) {
	return parseRetryAfter(h.Get("Retry-After"), time.Now())
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date, either at most
// a day away.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			return 24 * time.Hour, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), 24*time.Hour), true
	}
	return 0, false
}

// fullJitterBackoff is a random time below an exponentially growing ceiling ("full jitter"),
// so parallel clients do not retry in lockstep.
func fullJitterBackoff(minWait, maxWait time.Duration, attempt int, _ *http.Response) time.Duration {
	ceiling := maxWait
	if attempt < 30 {
		if d := minWait << attempt; d > 0 && d < maxWait {
			ceiling = d
		}
	}
	return minWait/2 + rand.N(ceiling) //nolint:gosec // jitter, not a secret
}

// TooLargeError is an answer whose body exceeded the provider's limit; reading stopped there.
type TooLargeError struct {
	Block   string
	Host    string
	Request string // "GET /path"
	Status  int
	Limit   int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the answer of the %s manager at %s to %s (HTTP %d) exceeded the provider's limit of %s; reading stopped there",
		e.Block, e.Host, e.Request, e.Status, mib(e.Limit))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readCapped reads r to its end into a buffer that never grows past limit: an answer larger
// than limit, or endless, costs at most about limit bytes and is a *TooLargeError. hint is the
// announced Content-Length (-1 when none), used to size the buffer once.
func readCapped(r io.Reader, limit, hint int64) ([]byte, error) {
	if hint > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	size := int64(64 << 10)
	if hint >= 0 {
		size = hint + 1 // one more byte to see the end
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, &TooLargeError{Limit: limit}
			}
			next := make([]byte, len(buf), min(int64(cap(buf))*2, limit+1))
			copy(next, buf)
			buf = next
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// limitedTransport keeps every HTTP request, retries and logins included, within its node's
// gate, and adapts the gate to the answers: what a refusal states, or AIMD where it states
// nothing.
type limitedTransport struct {
	base http.RoundTripper
	c    *Client
}

// refusalPeek is how much of a 429 or 503 answer is read to learn what it states.
const refusalPeek = 64 << 10

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	g := t.c.gateFor(req.URL.Host)
	if ctx.Value(ungatedKey{}) != nil {
		// A logout at exit: it frees a session on the manager, and must not wait behind the
		// client's own rate (an absurd stated limit would starve it).
		t.c.stats.requests.Add(1)
		return t.base.RoundTrip(req)
	}
	if err := g.enter(ctx); err != nil {
		return nil, err
	}
	t.c.stats.requests.Add(1)
	sent := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		g.leave()
		return nil, err
	}
	var ref Refusal
	limited := false
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		t.c.stats.refused.Add(1)
		if t.c.cfg.Refusal != nil {
			peek, _ := io.ReadAll(io.LimitReader(resp.Body, refusalPeek))
			resp.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
			ref = t.c.cfg.Refusal(resp.StatusCode, peek)
		}
		// Refused for this client's limits, which the gate now keeps: the retry waits for
		// the gate, not for a backoff.
		limited = ref.RateRefused || ref.ConcurrencyRefused || (!ref.Other && resp.StatusCode == http.StatusTooManyRequests)
	}
	g.answered(resp.StatusCode, ref, sent)
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: g.leave, limited: limited, gate: g}
	return resp, nil
}

type ungatedKey struct{}

// ungated marks ctx's requests as outside the gate (logouts).
func ungated(ctx context.Context) context.Context { return context.WithValue(ctx, ungatedKey{}, true) }

// releasingBody frees the concurrency slot once the answer has been read and closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
	limited bool
	gate    *gate
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// tflogAdapter routes go-retryablehttp's leveled logging onto tflog with fields.
type tflogAdapter struct{ ctx context.Context }

func fields(kv []any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			continue
		}
		if err, isErr := kv[i+1].(error); isErr {
			m[k] = err.Error()
			continue
		}
		m[k] = kv[i+1]
	}
	return m
}

func (a tflogAdapter) Error(msg string, kv ...any) { tflog.Warn(a.ctx, msg, fields(kv)) }
func (a tflogAdapter) Info(msg string, kv ...any)  { tflog.Info(a.ctx, msg, fields(kv)) }
func (a tflogAdapter) Debug(msg string, kv ...any) { tflog.Trace(a.ctx, msg, fields(kv)) }
func (a tflogAdapter) Warn(msg string, kv ...any)  { tflog.Warn(a.ctx, msg, fields(kv)) }

var _ retryablehttp.LeveledLogger = tflogAdapter{}

// BodyPreview is a short, single-line excerpt of an answer for error messages, cut on a
// character boundary, with its control characters removed. Secrets any client of the
// process knows are masked first, so that the cut never leaves part of one.
func BodyPreview(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 8192 {
		b = b[:8192] // masked well beyond the cut, which is far shorter
	}
	s := Clean(maskKnown(string(b)))
	s = strings.Join(strings.Fields(s), " ")
	return Truncate(s, 200)
}

// Truncate cuts s to at most n bytes on a character boundary, marking the cut with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
