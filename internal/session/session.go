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
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

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
	// Certificates are the certificates the node presented (its own first), for a
	// request sent over TLS.
	Certificates []*x509.Certificate
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
	// RefusalTTLSet: RefusalTTL is the user's; otherwise a lockout period the manager states
	// (LearnRefusalTTL) replaces it for that node.
	RefusalTTLSet bool
	// MaxResponseBytes bounds the body of one answer (default DefaultMaxResponseBytes); a
	// larger or endless one is an error that costs at most this much memory.
	MaxResponseBytes int64
	// ReadBudget bounds one read (see Budget); zero fields: no bound.
	ReadBudget Budget
	// Fresh: every GET is sent, no answer is kept for Reusable GETs (a lent session's
	// keep-alive must reach the manager). Identical GETs in flight still share one request.
	Fresh bool
	// WriteHeader is sent with every request but GET and HEAD (NSX's X-Allow-Overwrite, which
	// lets a user change an object a principal identity protects).
	WriteHeader http.Header
	// IdleTimeout is how long the manager keeps an unused session (0: unknown or never). A
	// session idle longer is renewed before use instead of failing a call. Manager clients
	// update it with SetIdleTimeout when they learn the manager's setting.
	IdleTimeout time.Duration
	// Dial opens connections to the nodes (nil: the network). Tests give an in-memory
	// network's (internal/memnet), to run the client and a fake inside a testing/synctest
	// bubble.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Client is the session-carrying HTTP client of one manager.
type Client struct {
	cfg   Config
	plain *http.Client // no retries, no redirects
	nodes []*node
	stats counters
	forms formsCache
	// sent are secrets of the user's the client sent to the manager (write-only values:
	// a new user's password, a backup passphrase), masked like its own.
	sent  sentSecrets
	reads reads
	idle  atomic.Int64 // nanoseconds; see Config.IdleTimeout

	mu      sync.Mutex
	current int
	// changed: the manager took a new password for the configured account in this process
	// (CredentialsChanged); no login is sent from then on.
	changed string
}

type counters struct {
	logins, relogins, renewals, failedLogins, logouts, requests, retries, shared, refused, reused, waiting atomic.Int64
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
	// Waiting is the GETs waiting now for a request in flight, their own or one they
	// joined (a gauge, not a count).
	Waiting int64 `json:"waiting"`
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
		DialContext:         cfg.Dial,
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

// LearnRefusalTTL records the lockout period the manager states for node: a refused login
// stays refused in the Store that long, unless the user set the window.
func (c *Client) LearnRefusalTTL(host string, d time.Duration) {
	if n := c.nodeAt(host); n != nil && d > 0 {
		n.refusalTTL.Store(int64(d))
	}
}

// refusalTTL is how long a refusal on n stays refused in the Store.
func (c *Client) refusalTTL(n *node) time.Duration {
	if learnt := time.Duration(n.refusalTTL.Load()); learnt > 0 && !c.cfg.RefusalTTLSet {
		return learnt
	}
	return c.cfg.RefusalTTL
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
		Waiting:      c.stats.waiting.Load(),
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
	return logMasks(ctx, forms)
}

// Authenticator is the client's Authenticator, for manager clients whose wire format depends
// on what the login found (an API family, a fallback).
func (c *Client) Authenticator() Authenticator { return c.cfg.Auth }
