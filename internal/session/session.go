// Package session is the manager-neutral session layer: it logs in lazily, once per manager
// node per process, carries the session's credentials on every request, notices expiry and
// logs in again exactly once, never retries a failed login, retries what is safe, keeps under
// client-side rate and concurrency limits, and logs every session out on Close.
//
// Only this package sees credentials. Manager packages supply an Authenticator that knows the
// wire format of one manager's login, expiry signal and logout.
package session

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

// Credentials is what a login yields: the cookies and headers to send on every later
// request to the node that issued them.
type Credentials struct {
	Cookies []*http.Cookie
	Header  http.Header
	// Values holds manager-specific facts a logout needs (a user href, a session path).
	Values map[string]string
}

// secrets lists every credential value that must never be logged.
func (c *Credentials) secrets() []string {
	var s []string
	for _, ck := range c.Cookies {
		s = append(s, ck.Value)
	}
	for _, vs := range c.Header {
		for _, v := range vs {
			s = append(s, v)
			// "Token x", "AUTHTOKEN x", "Basic x": mask the bare value too.
			if _, after, ok := strings.Cut(v, " "); ok {
				s = append(s, after)
			}
		}
	}
	return s
}

// Apply adds the credentials to req. Authenticators call it for their logout request.
func (c *Credentials) Apply(req *http.Request) {
	for k, vs := range c.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	for _, ck := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value}) //nolint:gosec // sent by the client; cookie attributes are the server's
	}
}

// Authenticator knows one manager's session protocol. Its methods get an *http.Client that
// does not retry and does not follow redirects: a login is attempted exactly once.
type Authenticator interface {
	// Login opens a session on node. A refusal of the credentials must be returned as a
	// *LoginError so that it is never retried.
	Login(ctx context.Context, hc *http.Client, node *url.URL) (*Credentials, error)
	// Expired reports whether resp means that the session is gone and a new login may help.
	Expired(resp *Response) bool
	// Logout ends the session on node.
	Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *Credentials) error
}

// CallRefuser is implemented by Authenticators whose credentials travel on every call (HTTP
// Basic): a call refused for its credentials is then a refused login, cached like one so that
// the same credentials are not sent again.
type CallRefuser interface {
	Refused(resp *Response) *LoginError
}

// ErrNothingToEnd is what Logout returns when the manager has nothing to end for a session
// (a stateless token, per-call credentials); it is neither a failure nor a logout.
var ErrNothingToEnd = errors.New("nothing to log out")

// LoginError is a login the manager refused. It is cached for the life of the process: the
// same credentials are never sent again, so an account is never locked by this provider.
type LoginError struct {
	Block  string `json:"block"` // provider block, e.g. "nsxt"
	Host   string `json:"host"`
	Status int    `json:"status"`
	Reason string `json:"reason"` // the manager's own words
	// Cause classifies the refusal where the manager says why (a manager's sentinel).
	Cause error `json:"-"`
	// CachedAt is when an earlier process had this login refused (zero: refused now). A
	// refusal kept in a Store is returned without sending the credentials again.
	CachedAt time.Time `json:"-"`
}

func (e *LoginError) Unwrap() error { return e.Cause }

func (e *LoginError) Error() string {
	msg := fmt.Sprintf("the %s manager at %s refused the login (HTTP %d): %s", e.Block, e.Host, e.Status, e.Reason)
	if !e.CachedAt.IsZero() {
		msg += fmt.Sprintf(" (refused at %s, in an earlier run; these credentials were not sent again)", e.CachedAt.Local().Format("15:04:05 MST"))
	}
	return msg
}

// Request is one API call, relative to a node's base URL.
type Request struct {
	Method string
	Path   string // path and query, e.g. "/api/v1/node/version?x=y"
	Header http.Header
	Body   []byte
	// Reusable marks a GET of a manager-wide, read-only fact (a version, the api-service
	// settings): its answer serves identical GETs of this process until any write to the
	// manager.
	Reusable bool
}

// Response is a fully read answer.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Node       string
	// Request is what this answers, "GET /path?query"; set for answers to Do.
	Request string
	// Renewed is true when the session expired during this call and was renewed once.
	Renewed bool
}

// Config describes one manager as the provider block configured it.
type Config struct {
	Block          string
	Nodes          []*url.URL
	TLS            *tls.Config
	RequestTimeout time.Duration
	MaxRetries     int
	RateLimit      float64 // requests per second to each node
	MaxConcurrency int     // requests in flight to each node
	// AdoptRate and AdoptConcurrency say that RateLimit and MaxConcurrency are defaults, not
	// the user's: limits the manager states replace them even where they are higher.
	// Otherwise stated limits only ever lower them.
	AdoptRate, AdoptConcurrency bool
	// Refusal reads what a 429 or 503 answer (its first 64 KiB) states about the client's
	// limits, for managers that say it in words. Nil: 429 is a rate refusal, 503 one of
	// concurrency, and neither states a number.
	Refusal func(status int, body []byte) Refusal
	Auth    Authenticator
	// Secrets are configured values (passwords, keys) that must never be logged.
	Secrets []string
	// Username is the configured user, for masking the Base64 of "user:secret" that an
	// HTTP Basic header carries.
	Username string
	// Explain returns advice for an error of this manager (by KindOf), in the caller's words;
	// errors this client returns carry it. Nil: none.
	Explain func(error) string
	// Store, when set, shares sessions with other processes (see Store); StoreMode says how.
	// RefusalTTL is how long a refused login stays refused in the Store (default 900 s, NSX's
	// lockout window).
	Store      Store
	StoreMode  StoreMode
	RefusalTTL time.Duration
	// MaxResponseBytes bounds the body of one answer (default DefaultMaxResponseBytes); a
	// larger or endless one is an error that costs at most this much memory.
	MaxResponseBytes int64
	// Fresh: every GET is sent, no answer is kept for Reusable GETs (a lent session's
	// keep-alive must reach the manager). Identical GETs in flight still share one request.
	Fresh bool
	// IdleTimeout is how long the manager keeps an unused session (0: unknown or never). A
	// session idle longer is renewed before use instead of failing a call. Manager clients
	// update it with SetIdleTimeout when they learn the manager's setting.
	IdleTimeout time.Duration
}

// Client is the session-carrying HTTP client of one manager.
type Client struct {
	cfg   Config
	plain *http.Client // no retries, no redirects
	nodes []*node
	stats counters
	forms formsCache
	reads reads
	idle  atomic.Int64 // nanoseconds; see Config.IdleTimeout

	mu      sync.Mutex
	current int
}

type node struct {
	base   *url.URL
	gate   *gate
	flight singleflight.Group

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

type counters struct {
	logins, relogins, renewals, failedLogins, logouts, requests, retries, shared, refused, reused atomic.Int64
}

// Stats are the client's counters since it was created.
type Stats struct {
	Logins       int64 `json:"logins"`
	Relogins     int64 `json:"relogins"`
	Renewals     int64 `json:"renewals"` // idle sessions renewed before use
	FailedLogins int64 `json:"failed_logins"`
	Logouts      int64 `json:"logouts"`
	Requests     int64 `json:"requests"`
	Retries      int64 `json:"retries"`
	// Shared counts sessions taken from the Store that another process opened.
	Shared int64 `json:"shared"`
	// Refused counts answers 429 and 503: requests the manager refused for its limits or
	// while unavailable.
	Refused int64 `json:"refused"`
	// Reused counts GETs answered without a request of their own: shared with an identical
	// one in flight, or kept from a Reusable one.
	Reused int64 `json:"reused"`
}

// New builds a client. It contacts nothing.
func New(cfg Config) (*Client, error) {
	if len(cfg.Nodes) == 0 {
		return nil, errors.New("no manager address configured")
	}
	if cfg.Auth == nil {
		return nil, errors.New("no authenticator")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	cfg.Secrets = append([]string(nil), cfg.Secrets...)
	if cfg.RefusalTTL <= 0 {
		cfg.RefusalTTL = 900 * time.Second
	}
	c := &Client{cfg: cfg}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     cfg.TLS,
		TLSHandshakeTimeout: 15 * time.Second,
		MaxIdleConnsPerHost: cfg.MaxConcurrency,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	c.plain = &http.Client{
		Transport: &limitedTransport{base: transport, c: c},
		Timeout:   cfg.RequestTimeout,
		// Never follow a redirect: it would carry credentials to wherever it points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, u := range cfg.Nodes {
		c.nodes = append(c.nodes, &node{base: u, gate: newGate(cfg.RateLimit, cfg.MaxConcurrency, cfg.AdoptRate, cfg.AdoptConcurrency)})
	}
	c.idle.Store(int64(cfg.IdleTimeout))
	register(c)
	return c, nil
}

// SetIdleTimeout records how long the manager keeps an unused session (0: never expires).
func (c *Client) SetIdleTimeout(d time.Duration) { c.idle.Store(int64(max(d, 0))) }

// IdleTimeout is the manager's session idle timeout as last known.
func (c *Client) IdleTimeout() time.Duration { return time.Duration(c.idle.Load()) }

// renewBefore is how long before the manager's idle timeout a session is treated as gone:
// a tenth of the timeout, at most 30 s, so clock skew and request time do not matter.
func renewBefore(idle time.Duration) time.Duration {
	return idle - min(idle/10, 30*time.Second)
}

// Defaults for a manager whose package sets none of its own (manager packages publish their
// documented limits, e.g. nsxt.DefaultRateLimit).
const (
	DefaultRateLimit      = 50
	DefaultMaxConcurrency = 20
	DefaultMaxRetries     = 4
	// DefaultMaxResponseBytes bounds one answer: a page of 1,000 NSX segments is about 1.5 MiB,
	// the PCE's async result for 30,000 labels about 12 MiB. At the default concurrency of 20,
	// answers in flight then hold at most 320 MiB, however the managers misbehave.
	DefaultMaxResponseBytes = 16 << 20
	// MaxRetryAfter caps what a manager's Retry-After can make the provider wait before one
	// retry (lower still where request_timeout is lower).
	MaxRetryAfter = 30 * time.Second
)

// Authenticator is the client's Authenticator, for manager clients whose wire format depends
// on what the login found (an API family, a fallback).
func (c *Client) Authenticator() Authenticator { return c.cfg.Auth }

// Block names the provider block this client serves.
func (c *Client) Block() string { return c.cfg.Block }

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	return Stats{
		Logins:       c.stats.logins.Load(),
		Relogins:     c.stats.relogins.Load(),
		Renewals:     c.stats.renewals.Load(),
		FailedLogins: c.stats.failedLogins.Load(),
		Logouts:      c.stats.logouts.Load(),
		Requests:     c.stats.requests.Load(),
		Retries:      c.stats.retries.Load(),
		Shared:       c.stats.shared.Load(),
		Refused:      c.stats.refused.Load(),
		Reused:       c.stats.reused.Load(),
	}
}

// WithMasking returns ctx whose tflog output masks every secret this client knows now, in
// every form it may take.
func (c *Client) WithMasking(ctx context.Context) context.Context {
	return masked(ctx, c.secretSet())
}

// masked returns ctx whose tflog output hides every value of forms.
func masked(ctx context.Context, forms []string) context.Context {
	if len(forms) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, forms...)
	return tflog.MaskAllFieldValuesStrings(ctx, forms...)
}

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
	if req.Method != http.MethodGet {
		c.reads.forget()
		resp, err := c.do(ctx, req)
		c.reads.forget() // what the write changed may have been read meanwhile
		return resp, c.explain(err)
	}
	key := readKey(c.currentHost(), req)
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
	ch := c.reads.flight.DoChan(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
		mine.Store(true)
		return c.do(ctx, req)
	})
	var v any
	var err error
	select {
	case <-ctx.Done():
		// Whoever sent it, this caller's time is up; a request of its own ends with it.
		return nil, c.explain(&TransportError{Block: c.cfg.Block, Host: c.currentHost(), Err: ctx.Err(), Abandoned: true})
	case r := <-ch:
		v, err = r.Val, r.Err
	}
	sent := mine.Load()
	if !sent && err != nil && ctx.Err() == nil && gaveUp(err) {
		// The caller whose request this was gave up; this one has time left.
		v, err = c.do(ctx, req)
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
	var te *TransportError
	if errors.As(err, &te) {
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

// currentHost is the node requests go to now.
func (c *Client) currentHost() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[c.current].base.Host
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

// Unavailable reports whether err means that the manager could not serve a request just now
// (its API service restarting, overload, a node refusing connections or timing out), so that
// the same request may succeed later. Errors carrying an HTTP status say so with a
// HTTPStatus() int method. A refused login is never Unavailable.
func Unavailable(err error) bool {
	var le *LoginError
	if errors.As(err, &le) {
		return false
	}
	var te *TransportError
	if errors.As(err, &te) {
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
	if proving {
		if err == nil && c.cfg.Auth.Expired(resp) {
			c.invalidate(n, cred) // before the waiters look: they log in with this caller
		}
		c.proven(n, cred)
	}
	if err != nil {
		return nil, err
	}
	if err := c.refused(n, resp); err != nil {
		return nil, err
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
		if idle <= 0 || unused < renewBefore(idle) {
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
		tflog.Debug(c.WithMasking(ctx), "session idle beyond the manager's timeout; renewing before use", map[string]any{
			"block": c.cfg.Block, "node": n.base.Host, "idle_ms": unused.Milliseconds(), "timeout_ms": idle.Milliseconds(),
		})
		if unused < idle && !shared {
			// Still open on the manager: free its slot.
			c.logout(context.WithoutCancel(ctx), n, stale)
		}
	} else {
		n.mu.Unlock()
	}

	for tries := 0; ; tries++ {
		cred, err := c.login(ctx, n)
		// A shared login cut short by another caller's deadline is tried again for this one.
		if err != nil && ctx.Err() == nil && tries < 2 && errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		return cred, err
	}
}

// loginContext bounds a login: it outlives any one caller's cancellation (others may be
// waiting on it), but never the caller's deadline, and never more than the retries the
// settings allow: a login's waits cannot escape the operation that needed it.
func (c *Client) loginContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(time.Duration(c.cfg.MaxRetries+1) * (c.cfg.RequestTimeout + c.retryAfterCap()))
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// login logs in on n, sharing one login in flight among concurrent callers.
func (c *Client) login(ctx context.Context, n *node) (*Credentials, error) {
	ch := n.flight.DoChan("login", func() (any, error) {
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

		start := time.Now()
		var cred *Credentials
		var err error
		cached, fromLogin := false, true
		if c.cfg.Store != nil {
			before := c.stats.shared.Load()
			cred, cached, err = c.loginStored(lctx, n)
			fromLogin = c.stats.shared.Load() == before
		} else {
			cred, err = c.cfg.Auth.Login(lctx, c.loginClient(lctx), n.base)
		}
		var cachedRefusal *LoginError
		if errors.As(err, &cachedRefusal) && !cachedRefusal.CachedAt.IsZero() {
			n.mu.Lock()
			n.loginErr = cachedRefusal
			n.mu.Unlock()
			return nil, err
		}
		if err != nil {
			var le *LoginError
			if errors.As(err, &le) {
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
		if !fromLogin {
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
	for k, v := range cred.Values {
		out[k] = v
	}
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
