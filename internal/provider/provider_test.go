package provider

import (
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// providerRuns serves the provider in-process for one test and keeps every provider's session
// pool, so a test can read the session layer's own counters.
type providerRuns struct {
	// shared serves every terraform command from one provider, as one long-lived process
	// (a provider reattached with TF_REATTACH_PROVIDERS) would.
	shared bool
	// table is the managers served (default: defaultManagers).
	table []manager

	mu    sync.Mutex
	open  []*session.Pool
	every []*session.Pool
}

// factories serves the provider in-process. Each terraform command gets a fresh provider, as
// each gets a fresh process in real use; the previous one's sessions are logged out when the
// next starts (its command has ended by then) and at the end of the test, as main does when
// Serve returns.
func factories(t *testing.T) map[string]func() (tfprotov6.ProviderServer, error) {
	return newProviderRuns(t, false).factories()
}

func newProviderRuns(t *testing.T, shared bool) *providerRuns {
	r := &providerRuns{shared: shared}
	t.Cleanup(r.closeAll)
	return r
}

func (r *providerRuns) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.open {
		p.Close()
	}
	r.open = nil
}

func (r *providerRuns) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"nsx": func() (tfprotov6.ProviderServer, error) {
			r.mu.Lock()
			var p *session.Pool
			if r.shared && len(r.open) > 0 {
				p = r.open[0]
			}
			r.mu.Unlock()
			if p == nil {
				r.closeAll()
				p = session.NewPool()
				r.mu.Lock()
				r.open = append(r.open, p)
				r.every = append(r.every, p)
				r.mu.Unlock()
			}
			table := r.table
			if table == nil {
				table = defaultManagers
			}
			return newServer("test", p, table)()
		},
	}
}

// processes counts the providers served, one per terraform command as in real use.
func (r *providerRuns) processes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.every)
}

// stats adds up the session counters of every provider the test served.
func (r *providerRuns) stats() session.Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum session.Stats
	for _, p := range r.every {
		for _, c := range p.Clients() {
			s := c.Stats()
			sum.Logins += s.Logins
			sum.Relogins += s.Relogins
			sum.Renewals += s.Renewals
			sum.FailedLogins += s.FailedLogins
			sum.Logouts += s.Logouts
			sum.Requests += s.Requests
			sum.Retries += s.Retries
			sum.Shared += s.Shared
			sum.Refused += s.Refused
			sum.Reused += s.Reused
		}
	}
	return sum
}
