// Package acctest serves the provider in-process to the tests of its types, which run the
// real terraform binary through terraform-plugin-testing, and keeps every provider's session
// pool so that a test can read the session layer's own counters. Only tests import it.
package acctest

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/provider"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Runs are the providers one test served.
type Runs struct {
	// shared serves every terraform command from one provider, as one long-lived process
	// (a provider reattached with TF_REATTACH_PROVIDERS) would.
	shared bool
	// table is the managers served (default: provider.DefaultManagers).
	table []framework.Manager

	mu    sync.Mutex
	open  []*session.Pool
	every []*session.Pool
}

// Factories serves the provider in-process. Each terraform command gets a fresh provider, as
// each gets a fresh process in real use; the previous one's sessions are logged out when the
// next starts (its command has ended by then) and at the end of the test, as main does when
// Serve returns.
func Factories(t *testing.T) map[string]func() (tfprotov6.ProviderServer, error) {
	return NewRuns(t, false).Factories()
}

// Test runs steps through terraform against the provider served in-process (Factories). It
// is terraform-plugin-testing's UnitTest: the managers are the fakes the test started, so it
// runs without TF_ACC.
func Test(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	NewRuns(t, false).Test(t, steps)
}

// Test runs steps through terraform against r's providers.
func (r *Runs) Test(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: r.Factories(), Steps: steps})
}

// RefusedAtPlan is a step whose plan fails with an error matching want (a configuration
// refused, or a read that fails while planning): nothing is applied.
func RefusedAtPlan(config string, want *regexp.Regexp) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: want}
}

// NewRuns are the providers of t, one per terraform command (or one for all, shared).
func NewRuns(t *testing.T, shared bool) *Runs {
	r := &Runs{shared: shared}
	t.Cleanup(r.CloseAll)
	return r
}

// WithManagers serves table instead of the provider's managers.
func (r *Runs) WithManagers(table []framework.Manager) *Runs {
	r.table = table
	return r
}

// CloseAll logs out the sessions of every provider still open, as their processes' ends would.
func (r *Runs) CloseAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.open {
		p.Close()
	}
	r.open = nil
}

// Factories are the provider factories terraform-plugin-testing takes.
func (r *Runs) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"nsx": func() (tfprotov6.ProviderServer, error) {
			r.mu.Lock()
			var p *session.Pool
			if r.shared && len(r.open) > 0 {
				p = r.open[0]
			}
			r.mu.Unlock()
			if p == nil {
				r.CloseAll()
				p = session.NewPool()
				r.mu.Lock()
				r.open = append(r.open, p)
				r.every = append(r.every, p)
				r.mu.Unlock()
			}
			table := r.table
			if table == nil {
				table = provider.DefaultManagers
			}
			return provider.NewServerWithManagers("test", p, table)()
		},
	}
}

// Processes counts the providers served, one per terraform command as in real use.
func (r *Runs) Processes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.every)
}

// Stats adds up the session counters of every provider the test served.
func (r *Runs) Stats() session.Stats {
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

// Wrapped matches the sentences in order, as terraform prints them: each wrapped at any
// space, anything between them.
func Wrapped(sentences ...string) *regexp.Regexp {
	parts := make([]string, len(sentences))
	for i, s := range sentences {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}
