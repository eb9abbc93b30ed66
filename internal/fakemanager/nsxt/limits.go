package nsxt

import (
	"fmt"
	"net"
	"net/http"
	"sync"

	"golang.org/x/time/rate"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts about the limits that no primary source settled (PROTOCOLS.md section 1).
const (
	errCodeRateLimit   = 102 // Broadcom KB 427427
	errCodeConcurrency = 503 // UNCONFIRMED; the schema says the answer is 503: the provider reads the status and the words (nsxt.Refusal), never this code
)

// nodeLimits is what one node's reverse proxy counts: a token bucket and the requests in
// flight per client, and the requests in flight overall.
type nodeLimits struct {
	mu       sync.Mutex
	buckets  map[string]*rate.Limiter
	inflight map[string]int
	total    int
}

var _ fakemanager.Admitter = (*Fake)(nil)

// RefillRateLimits fills every client's token bucket on every node, as a second without
// requests would: a test moves the limiter's clock on instead of sleeping.
func (f *Fake) RefillRateLimits() {
	for _, l := range f.limits {
		l.mu.Lock()
		clear(l.buckets)
		l.mu.Unlock()
	}
}

// Admit enforces the limits the api-service configuration states, as NSX's reverse proxy does
// before any work: client_api_rate_limit requests per second per client (429, error_code 102),
// client_api_concurrency_limit and global_api_concurrency_limit requests in flight (503).
// A limit of 0 is off. A client is the user the request acts for (its session's user, its
// Basic user or the login's j_username), else its address.
func (f *Fake) Admit(node int, w http.ResponseWriter, r *http.Request) (func(), bool) {
	f.mu.Lock()
	perSecond, perClient, global := f.config.ClientAPIRateLimit, f.config.ClientAPIConcurrencyLimit, f.config.GlobalAPIConcurrencyLimit
	client := f.clientOf(node, r)
	l := f.limits[node]
	f.mu.Unlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	if perSecond > 0 {
		b := l.buckets[client]
		if b == nil || b.Limit() != rate.Limit(perSecond) {
			// A new limit starts a full bucket of its own size.
			b = rate.NewLimiter(rate.Limit(perSecond), int(perSecond))
			l.buckets[client] = b
		}
		if !b.Allow() {
			f.stats.Add("rate_limited", 1)
			apiError(w, http.StatusTooManyRequests, errCodeRateLimit,
				fmt.Sprintf("Client '%s' exceeded request rate of %d per second", client, perSecond))
			return nil, false
		}
	}
	if perClient > 0 && int64(l.inflight[client]) >= perClient {
		f.stats.Add("concurrency_limited", 1)
		apiError(w, http.StatusServiceUnavailable, errCodeConcurrency,
			fmt.Sprintf("Client '%s' exceeded concurrent request limit of %d", client, perClient))
		return nil, false
	}
	if global > 0 && int64(l.total) >= global {
		f.stats.Add("concurrency_limited", 1)
		apiError(w, http.StatusServiceUnavailable, errCodeConcurrency,
			fmt.Sprintf("The server exceeded its global concurrent request limit of %d", global))
		return nil, false
	}
	l.inflight[client]++
	l.total++
	f.stats.Peak("max_in_flight", int64(l.total))
	return func() {
		l.mu.Lock()
		l.inflight[client]--
		l.total--
		l.mu.Unlock()
	}, true
}

// clientOf names the client of r; f.mu is held.
func (f *Fake) clientOf(node int, r *http.Request) string {
	if c, err := r.Cookie("JSESSIONID"); err == nil {
		if s := f.sessions[node][c.Value]; s != nil {
			return s.user
		}
	}
	if user, _, ok := r.BasicAuth(); ok {
		return user
	}
	if r.URL.Path == "/api/session/create" && r.ParseForm() == nil && r.PostForm.Get("j_username") != "" {
		return r.PostForm.Get("j_username")
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return host
}
