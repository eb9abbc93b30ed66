package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// faultCase is one case of the fault suite: what real managers do under load and failure,
// played by the fake, through real terraform commands.
type faultCase struct {
	name string
	run  func(t *testing.T, fc *faultRun)
}

// faultRun is what a case works with, and what the suite reports about it afterwards.
type faultRun struct {
	h    *fakeharness.NSXT
	runs *acctest.Runs
}

// harness starts the case's fake and remembers it for the report and the log scan.
func (s *faultSuite) harness(t *testing.T, fc *faultRun, o fakeharness.NSXTOptions) *fakeharness.NSXT {
	fc.h = fakeharness.StartNSXT(t, o)
	// Registered after the harness, so it runs before the fake stops.
	t.Cleanup(func() { s.secrets(fc.h.Password); s.secrets(fc.h.Issued(t)...) })
	return fc.h
}

type faultSuite struct {
	mu      sync.Mutex
	secret  []string
	reports []string
}

// secrets adds v in every form masking covers (raw, form-encoded, JSON-escaped, Base64).
func (s *faultSuite) secrets(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = append(s.secret, session.SecretForms("admin", v...)...)
}

func (s *faultSuite) report(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports = append(s.reports, line)
}

// TestFaultSuite plays, through real terraform against the fake NSX, what users of the
// vendor's provider see as failed runs. Each case asserts the outcome, the state and the
// fake's counters. The whole suite runs with TRACE logging, and its last case reads every
// log for secrets.
//
// It is not parallel with the package's other tests: it sets the environment the terraform
// commands inherit (TRACE logs, -parallelism=20), which must not leak into them. Its cases
// run in parallel with each other.
func TestFaultSuite(t *testing.T) {
	logDir := t.TempDir()
	defer setEnv(t, map[string]string{
		"TF_LOG":              "TRACE",
		"TF_LOG_PATH_MASK":    filepath.Join(logDir, "%s.log"),
		"TF_CLI_ARGS_plan":    "-parallelism=20",
		"TF_CLI_ARGS_apply":   "-parallelism=20",
		"TF_CLI_ARGS_destroy": "-parallelism=20",
	})()
	suite := &faultSuite{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range faultCases(suite) {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				fc := &faultRun{}
				start := time.Now()
				c.run(t, fc)
				if fc.h != nil && !t.Failed() {
					f := fc.h.Stats(t)
					p := fc.runs.Stats()
					suite.report(fmt.Sprintf("%-34s %6.1fs  fake: requests=%d logins=%d failed_logins=%d logouts=%d refused=%d  provider: requests=%d retries=%d relogins=%d renewals=%d",
						c.name, time.Since(start).Seconds(), f["requests"], f["logins"], f["failed_logins"], f["logouts"],
						f["rate_limited"]+f["concurrency_limited"]+f["faults_served"]+f["restart_rejections"]+f["rejected_requests"]+f["stale_revisions"],
						p.Requests, p.Retries, p.Relogins, p.Renewals))
				}
			})
		}
	})

	t.Run("12_trace_logs_hold_no_secret", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join(logDir, "*.log"))
		if err != nil || len(files) < 10 {
			t.Fatalf("want the TRACE logs of every case, found %d files (%v)", len(files), err)
		}
		suite.mu.Lock()
		secrets := append([]string(nil), suite.secret...)
		suite.mu.Unlock()
		if len(secrets) < 20 {
			t.Fatalf("want the passwords and every cookie and XSRF token the fakes issued, have %d", len(secrets))
		}
		var total int
		sawProviderLogs := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			total += len(b)
			logs := string(b)
			sawProviderLogs = sawProviderLogs || strings.Contains(logs, "manager request")
			for _, sec := range secrets {
				if sec != "" && strings.Contains(logs, sec) {
					t.Errorf("%s holds a secret (%s…)", filepath.Base(f), sec[:3])
				}
			}
		}
		if !sawProviderLogs {
			t.Fatal("the provider's own TRACE logs are missing")
		}
		suite.report(fmt.Sprintf("%-34s %d log files, %d bytes, %d secrets checked", "12_trace_logs_hold_no_secret", len(files), total, len(secrets)))
	})
	sort.Strings(suite.reports)
	t.Log("fault suite:\n" + strings.Join(suite.reports, "\n"))
}

// setEnv sets the environment the terraform commands of a suite inherit, and returns what
// puts it back. A suite whose cases run in parallel cannot use t.Setenv.
func setEnv(t *testing.T, env map[string]string) func() {
	t.Helper()
	var restore []func()
	for k, v := range env {
		old, had := os.LookupEnv(k)
		if err := os.Setenv(k, v); err != nil { //nolint:usetesting // t.Setenv forbids the suite's parallel cases
			t.Fatal(err)
		}
		restore = append(restore, func() {
			if had {
				_ = os.Setenv(k, old) //nolint:usetesting // restores what os.Setenv above changed
			} else {
				_ = os.Unsetenv(k)
			}
		})
	}
	return func() {
		for _, r := range restore {
			r()
		}
	}
}

func faultCases(s *faultSuite) []faultCase {
	return []faultCase{
		{"01_429_burst_with_retry_after", s.burst429},
		{"02_sustained_rate_limit", s.sustainedRateLimit},
		{"03_503_concurrency_limit", s.concurrencyLimit},
		{"04_node_down_mid_run", s.nodeDownMidRun},
		{"05_all_nodes_down", s.allNodesDown},
		{"06_api_service_restart", s.apiServiceRestart},
		{"07_expired_between_plan_and_apply", s.expiredBetweenPlanAndApply},
		{"08_stale_revision_race", s.staleRevision},
		{"09_html_and_truncated_answers", s.badBodies},
		{"10_untrusted_ca", s.untrustedCA},
		{"11_wrong_password", s.wrongPassword},
	}
}

// stat asserts that the fake's counter name satisfies ok.
func stat(t *testing.T, s map[string]int64, name string, ok func(int64) bool, want string) {
	t.Helper()
	if !ok(s[name]) {
		t.Errorf("fake %s = %d, want %s (all: %v)", name, s[name], want, s)
	}
}

func eq(n int64) func(int64) bool { return func(v int64) bool { return v == n } }
func atLeast(n int64) func(int64) bool {
	return func(v int64) bool { return v >= n }
}

// allLoggedOut asserts that every session the run opened was logged out.
func allLoggedOut(t *testing.T, s map[string]int64) {
	t.Helper()
	stat(t, s, "active_sessions", eq(0), "0 sessions left open")
	stat(t, s, "failed_logins", eq(0), "no failed login")
	if s["logins"] != s["logouts"] {
		t.Errorf("%d logins but %d logouts: %v", s["logins"], s["logouts"], s)
	}
}

// 1. A burst of 429s with Retry-After is waited out; the limiter slows down meanwhile.
func (s *faultSuite) burst429(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1, Segments: 10})
	fc.runs = acctest.NewRuns(t, false)
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{
		{Status: 429, Count: 6, RetryAfter: 1, PathPrefix: "/api/v1/node/version"},
	}})
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		Config: vaultBlock(h, "max_retries = 8") + `
data "nsx_version" "v" { count = 6 }
data "nsx_segments" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_version.v[5]", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
			statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("segments"), knownvalue.ListSizeExact(10)),
		},
	}}))
	f := h.Stats(t)
	stat(t, f, "faults_served", eq(6), "all 6 scripted 429s served")
	allLoggedOut(t, f)
	if p := fc.runs.Stats(); p.Retries != 6 {
		t.Errorf("want each 429 retried once, 6 retries; provider counted %+v", p)
	}
}

// 2. 200 distinct reads (nsx_segment) at -parallelism=20. Configured far above the manager's
// limit (the manager set to 30 requests/s, so that any machine's terraform exceeds it), the
// provider meets a 429, learns the limit from its words and keeps under it: few refusals,
// each retried once. At its default rate against NSX's default 100/s it never meets one.
func (s *faultSuite) sustainedRateLimit(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1, Segments: 210})
	fc.runs = acctest.NewRuns(t, false)
	var limitedAbove int64
	body := `
data "nsx_segment" "s" {
  count = 200
  id    = format("segment-%04d", count.index + 7)
}`
	fc.runs.Test(t, withPassword(h, []resource.TestStep{
		{
			PreConfig: func() {
				h.ChangeOutside(t, func(o map[string]any) { o["client_api_rate_limit"] = 30 })
			},
			Config: vaultBlock(h, "rate_limit = 400", "max_concurrency = 20", "max_retries = 8") + body,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_segment.s[199]", tfjsonpath.New("id"), knownvalue.StringExact("segment-0206")),
			},
			Check: func(*terraform.State) error {
				// Each reading process (one login each) may meet the limit once before it
				// knows it, and a few more while its first requests are on their way.
				f := h.Stats(t)
				limited, reads := f["rate_limited"], f["segment_reads"]
				if retries := fc.runs.Stats().Retries; limited == 0 || retries != limited {
					return fmt.Errorf("want 429s from the fake, each retried once: %d 429s, %d retries", limited, retries)
				}
				if limited*20 > reads {
					return fmt.Errorf("%d 429s for %d reads: more than 5 %% refused once the limit is stated", limited, reads)
				}
				return nil
			},
		},
		{
			PreConfig: func() {
				h.ChangeOutside(t, func(o map[string]any) { o["client_api_rate_limit"] = 100 })
				h.Fake.RefillRateLimits() // as a second without requests would: the outside change's logout took a token
				limitedAbove = h.Stats(t)["rate_limited"]
			},
			Config: vaultBlock(h) + body,
			Check: func(*terraform.State) error {
				if more := h.Stats(t)["rate_limited"] - limitedAbove; more != 0 {
					return fmt.Errorf("at the default rate_limit the fake still answered %d 429s", more)
				}
				return nil
			},
		},
	}))
	f := h.Stats(t)
	stat(t, f, "segment_reads", atLeast(800), "200 reads per command")
	allLoggedOut(t, f)
}

// 3. The manager allows 5 requests in flight per client and answers 503 beyond, naming the
// limit; 40 distinct reads at -parallelism=20 go through, the first 503 teaching the provider
// the limit, so that at most 5 % are refused.
func (s *faultSuite) concurrencyLimit(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1, Segments: 50})
	fc.runs = acctest.NewRuns(t, false)
	h.ChangeOutside(t, func(m map[string]any) { m["client_api_concurrency_limit"] = 5 })
	latency := 40
	h.Faults(t, fakemanager.Faults{LatencyMS: &latency})
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		Config: vaultBlock(h, "max_retries = 10") + `
data "nsx_segment" "s" {
  count = 40
  id    = format("segment-%04d", count.index + 7)
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_segment.s[39]", tfjsonpath.New("id"), knownvalue.StringExact("segment-0046")),
		},
	}}))
	f := h.Stats(t)
	stat(t, f, "concurrency_limited", atLeast(1), "503s from the concurrency limit")
	if f["concurrency_limited"]*20 > f["segment_reads"] {
		t.Errorf("%d 503s for %d reads: more than 5 %% refused once the limit is stated", f["concurrency_limited"], f["segment_reads"])
	}
	stat(t, f, "max_in_flight", func(v int64) bool { return v <= 5 }, "at most 5 in flight")
	allLoggedOut(t, f)
	if p := fc.runs.Stats(); p.Retries != f["concurrency_limited"] {
		t.Errorf("want every 503 retried once: fake refused %d, provider retried %d", f["concurrency_limited"], p.Retries)
	}
}

// 4. The node in use goes down in the middle of a run; the next node gets its own session and
// the run finishes.
func (s *faultSuite) nodeDownMidRun(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 3, Segments: 20})
	fc.runs = acctest.NewRuns(t, false)
	latency := 30
	h.Faults(t, fakemanager.Faults{LatencyMS: &latency})
	var before map[string]int64
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		PreConfig: func() {
			before = h.Stats(t)
			// Take node 0 down once the run has sent a few requests to it.
			h.Server.Stats.When("requests", before["requests"]+6, func() { h.Server.NodeDown(0) })
		},
		Config: vaultBlock(h) + `
data "nsx_version" "v" { count = 30 }
data "nsx_segments" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_version.v[29]", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
			statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("segments"), knownvalue.ListSizeExact(20)),
		},
	}}))
	f := h.Stats(t)
	stat(t, f, "failed_logins", eq(0), "no failed login")
	// The session on the dead node cannot be logged out; every other one was.
	if f["logins"]-f["logouts"] != 1 || f["active_sessions"] != 1 {
		t.Errorf("want only the dead node's session left, fake says %v", f)
	}
	if f["logins"] < 2 {
		t.Errorf("want a second node to have its own session, fake says %v", f)
	}
}

// 5. Every node refuses connections: a clear error that names the nodes, and nothing written.
func (s *faultSuite) allNodesDown(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 3})
	fc.runs = acctest.NewRuns(t, false)
	for i := range 3 {
		h.Server.NodeDown(i)
	}
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		Config: vaultBlock(h, "max_retries = 10") + `
resource "nsx_api_service_config" "this" {
  session_timeout = 600
}`,
		ExpectError: regexp.MustCompile(`(?s)no\s+node\s+of\s+the\s+nsxt\s+manager\s+could\s+be\s+reached\s+\(3\s+tried\).*refused\s+the\s+connection`),
	}}))
	for i := range 3 {
		if err := h.Server.NodeUp(i); err != nil {
			t.Fatal(err)
		}
	}
	if c := h.Config(); c.Revision != 0 || c.SessionTimeout != 1800 {
		t.Errorf("something was written: %+v", c)
	}
	f := h.Stats(t)
	stat(t, f, "requests", eq(0), "no request reached a node")
}

// 6. After nsx_api_service_config is applied, NSX restarts its API service (3 s of 503s, every
// session gone). The apply waits, logs in again, reads back and ends with verified state; a
// data source that depends on it reads after the restart.
func (s *faultSuite) apiServiceRestart(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 3})
	fc.runs = acctest.NewRuns(t, false)
	window := 3000
	h.Faults(t, fakemanager.Faults{RestartMS: &window})
	cfg := func(timeout int) string {
		return vaultBlock(h) + fmt.Sprintf(`
resource "nsx_api_service_config" "this" {
  session_timeout = %d
  protocol_versions = { "TLSv1.3" = true }
}
data "nsx_version" "after" {
  depends_on = [nsx_api_service_config.this]
}`, timeout)
	}
	fc.runs.Test(t, withPassword(h, []resource.TestStep{
		{
			Config: cfg(1200),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(1200)),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_protocol_versions").AtMapKey("TLSv1.3"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.nsx_version.after", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
			},
		},
		{
			Config: cfg(900),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(900)),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(2)),
			},
		},
	}))
	f := h.Stats(t)
	stat(t, f, "restarts", eq(2), "one restart per write")
	stat(t, f, "config_writes", eq(2), "two writes")
	stat(t, f, "restart_rejections", atLeast(2), "503s during the restarts")
	stat(t, f, "failed_logins", eq(0), "no failed login")
	if c := h.Config(); c.SessionTimeout != 900 {
		t.Errorf("manager holds session_timeout %d", c.SessionTimeout)
	}
	if p := fc.runs.Stats(); p.Relogins < 2 {
		t.Errorf("want a new login after each restart, provider counted %+v", p)
	}
}

// 7. One provider process holds its session from plan to apply (as a reattached provider
// does). (a) The manager drops every session in between: the apply's first call is refused
// once, one new login, and the write goes through. (b) The session idles past the
// session_timeout the provider read: it is renewed before use, and no call is refused.
func (s *faultSuite) expiredBetweenPlanAndApply(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1})
	fc.runs = acctest.NewRuns(t, true)
	var refusedBefore int64
	var relogins, renewals int64
	fc.runs.Test(t, withPassword(h, []resource.TestStep{
		{
			Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 40
}`,
		},
		{
			Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 45
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				planHook(func() {
					refusedBefore = h.Stats(t)["rejected_requests"]
					relogins = fc.runs.Stats().Relogins
					h.ExpireSessions(t)
				}),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(45)),
			},
			Check: func(*terraform.State) error {
				if refused := h.Stats(t)["rejected_requests"] - refusedBefore; refused != 1 {
					return fmt.Errorf("want exactly 1 refused call after the sessions were dropped, got %d", refused)
				}
				if got := fc.runs.Stats().Relogins - relogins; got != 1 {
					return fmt.Errorf("want exactly 1 new login, got %d", got)
				}
				return nil
			},
		},
		{
			// The manager keeps idle sessions 2 s; the provider learns it from the apply.
			Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 45
  session_timeout    = 2
}`,
		},
		{
			Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 50
  session_timeout    = 2
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				planHook(func() {
					refusedBefore = h.Stats(t)["rejected_requests"]
					renewals = fc.runs.Stats().Renewals
					time.Sleep(2500 * time.Millisecond)
				}),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(50)),
			},
			Check: func(*terraform.State) error {
				if refused := h.Stats(t)["rejected_requests"] - refusedBefore; refused != 0 {
					return fmt.Errorf("an idle session was used and refused %d times", refused)
				}
				if got := fc.runs.Stats().Renewals - renewals; got < 1 {
					return fmt.Errorf("want the idle session renewed before use, got %d renewals", got)
				}
				return nil
			},
		},
		{
			// Back to a timeout that outlives the test's own pauses.
			Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 50
  session_timeout    = 1800
}`,
		},
	}))
	// The process ends: its one live session is logged out; the dropped and the idled-out
	// ones were gone already.
	fc.runs.CloseAll()
	f := h.Stats(t)
	// On a loaded machine a step's calls can be more than the 2 s apart that renewal
	// allows for once more: each renewal is one login, never a refused call.
	all := fc.runs.Stats().Renewals
	stat(t, f, "logins", eq(2+all), fmt.Sprintf("the first login, one after the drop, and one per renewal (%d)", all))
	stat(t, f, "logouts", atLeast(1), "the live session logged out at exit")
	stat(t, f, "active_sessions", eq(0), "no session left")
}

// 8. Another administrator writes between our read of _revision and our PUT, twice: the
// write is redone on fresh reads and lands.
func (s *faultSuite) staleRevision(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1})
	fc.runs = acctest.NewRuns(t, false)
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		PreConfig: func() { two := 2; h.Faults(t, fakemanager.Faults{ConcurrentWrites: &two}) },
		Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  connection_timeout = 45
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(res, tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(45)),
			// Two writes by someone else, then ours.
			statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(3)),
		},
	}}))
	f := h.Stats(t)
	stat(t, f, "stale_revisions", eq(2), "2 stale-revision answers")
	stat(t, f, "config_writes", eq(1), "then 1 write")
	allLoggedOut(t, f)
}

// 9. An HTML page where JSON was expected, an answer cut off mid-transfer and a JSON document
// that ends early: each a clear error, none retried into success, and the next run works.
func (s *faultSuite) badBodies(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1})
	fc.runs = acctest.NewRuns(t, false)
	full := `{"node_version":"4.2.1.0.0.24304122","product_version":"4.2.1.0.0.24304122"}`
	script := func(f fakemanager.Fault) func() {
		return func() {
			f.Count, f.PathPrefix = 1, "/api/v1/node/version"
			h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{f}})
		}
	}
	cfg := vaultBlock(h) + `
data "nsx_version" "v" {}`
	fc.runs.Test(t, withPassword(h, []resource.TestStep{
		{
			PreConfig: script(fakemanager.Fault{Status: 200, ContentType: "text/html",
				Body: "<html><head><title>Access Gateway - Sign In</title></head><body>…</body></html>"}),
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)an\s+HTML\s+page\s+titled\s+"Access\s+Gateway\s+-\s+Sign\s+In"\s+where\s+JSON\s+was\s+expected`),
		},
		{
			PreConfig:   script(fakemanager.Fault{Status: 200, Body: full, Truncate: true}),
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)was\s+cut\s+off:\s+HTTP\s+200\s+with\s+38\s+of\s+the\s+76\s+bytes\s+it\s+announced`),
		},
		{
			PreConfig:   script(fakemanager.Fault{Status: 200, Body: full[:40]}),
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)the\s+JSON\s+document\s+ends\s+after\s+40\s+bytes`),
		},
		{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.v", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
			},
		},
	}))
	f := h.Stats(t)
	stat(t, f, "faults_served", eq(3), "each bad answer served once, not retried")
	allLoggedOut(t, f)
}

// 10. A manager whose certificate is signed by a CA the provider was not given: the error
// names ca_file, and no request (no password) reaches it.
func (s *faultSuite) untrustedCA(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 1})
	fc.runs = acctest.NewRuns(t, false)
	block := strings.Replace(vaultBlock(h, "max_retries = 10"), fmt.Sprintf("ca_file  = %q", h.CAFile), "", 1)
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		Config:      block + `data "nsx_version" "v" {}`,
		ExpectError: regexp.MustCompile(`(?s)not\s+signed\s+by\s+a\s+trusted\s+authority:.*;\s+set\s+ca_file\s+or\s+ca_pem\s+in\s+the\s+nsxt\s+block`),
	}}))
	f := h.Stats(t)
	stat(t, f, "requests", eq(0), "no request over an untrusted connection")
}

// 11. A wrong password fails fast with the manager's words and exactly one login attempt,
// even with several data sources asking at once and retries set high.
func (s *faultSuite) wrongPassword(t *testing.T, fc *faultRun) {
	h := s.harness(t, fc, fakeharness.NSXTOptions{Nodes: 3})
	fc.runs = acctest.NewRuns(t, false)
	right := h.Password
	h.Password = "not-the-password"
	t.Cleanup(func() { s.secrets(right) })
	fc.runs.Test(t, withPassword(h, []resource.TestStep{{
		Config: vaultBlock(h, "max_retries = 20") + `
data "nsx_version" "a" {}
data "nsx_version" "b" {}
data "nsx_segments" "c" {}
data "nsx_segments" "d" {}`,
		ExpectError: regexp.MustCompile(`(?s)refused\s+the\s+login.*The\s+credentials\s+were\s+incorrect.*NSX\s+locks\s+an\s+account.*check\s+username\s+and\s+password\s+in\s+the\s+nsxt\s+block\s+\(or\s+NSXT_USERNAME\s+/\s+NSXT_PASSWORD\);\s+the\s+provider\s+does\s+not\s+retry`),
	}}))
	f := h.Stats(t)
	stat(t, f, "failed_logins", eq(1), "exactly 1 login attempt")
	stat(t, f, "logins", eq(0), "no session")
	stat(t, f, "requests", eq(1), "the one login request and nothing else")
}

// planHook runs fn between plan and apply, as a plan check.
type planHook func()

func (p planHook) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	p()
}

// vaultBlock is providerBlock with the password taken from a sensitive variable, as users
// should write it: a password written into the configuration itself would show up in the
// test framework's TRACE log of that configuration.
func vaultBlock(h *fakeharness.NSXT, extra ...string) string {
	return secretVar("nsxt_password", h.Password, fakeharness.Provider(h.NSXTBlock(), extra...))
}

// withPassword gives every step the nsxt_password variable.
func withPassword(h *fakeharness.NSXT, steps []resource.TestStep) []resource.TestStep {
	for i := range steps {
		steps[i].ConfigVariables = config.Variables{"nsxt_password": config.StringVariable(h.Password)}
	}
	return steps
}
