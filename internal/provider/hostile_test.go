package provider_test

import (
	"encoding/json"
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
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// hostileSuite collects, across its cases, every secret whose leak it looks for and a line of
// report per case.
type hostileSuite struct {
	mu      sync.Mutex
	secret  []string
	reports []string
}

// secrets adds the secrets of user, in every form masking covers.
func (s *hostileSuite) secrets(user string, v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = append(s.secret, session.SecretForms(user, v...)...)
}

func (s *hostileSuite) report(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports = append(s.reports, fmt.Sprintf(format, a...))
}

// measured runs a terraform test case (with acctest.Factories unless it names its own) and
// returns its wall time, for the suite's report only. No case asserts a wall-clock bound: terraform and the fake share the machine's cores
// with the rest of the suite. The bounds these cases are about are proved where time is the
// test's: inside testing/synctest bubbles, exactly (session's TestRetryAfterIsCapped and
// TestRetryAfterDateIsCapped for the capped Retry-After, illumio's
// TestStuckJobPollsBoundedAndEndsAtTheDeadline for the job's polls and its deadline); here the
// fake's counters decide.
func measured(t *testing.T, tc resource.TestCase) time.Duration {
	t.Helper()
	if tc.ProtoV6ProviderFactories == nil {
		tc.ProtoV6ProviderFactories = acctest.Factories(t)
	}
	start := time.Now()
	resource.UnitTest(t, tc)
	return time.Since(start)
}

// res is the api-service resource the suites exercise.
const res = "nsx_api_service_config.this"

// secretVar writes a secret as a sensitive variable, as users should, so that the test
// framework's TRACE echo of the configuration does not hold it.
func secretVar(name, literal string, block string) string {
	lit, _ := json.Marshal(literal)
	out := strings.Replace(block, string(lit), "var."+name, 1)
	if out == block {
		out = strings.Replace(block, fmt.Sprintf("%q", literal), "var."+name, 1)
	}
	return fmt.Sprintf("variable %q {\n  type      = string\n  sensitive = true\n}\n", name) + out
}

func vars(kv ...string) config.Variables {
	v := config.Variables{}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = config.StringVariable(kv[i+1])
	}
	return v
}

// TestHostileSuite plays managers that misbehave, through real terraform: a Retry-After of a
// day, endless and oversized bodies, a job that never finishes, a cursor that cycles, answers
// that echo the credentials, addresses and settings that cannot work, and timeouts that run
// out. Each case asserts the error a user sees and the fake's counters; the time it took is
// reported (measured says where the time bounds are proved). The last case reads every TRACE
// log of the suite for every secret in every encoding. The memory bound is proven in-process
// by the session package's TestEndlessBodiesAreCapped.
//
// Like the fault suite it sets the environment the terraform commands inherit, so it is not
// parallel with the package's other tests; its cases run in parallel with each other.
func TestHostileSuite(t *testing.T) {
	logDir := t.TempDir()
	defer setEnv(t, map[string]string{"TF_LOG": "TRACE", "TF_LOG_PATH_MASK": filepath.Join(logDir, "%s.log")})()
	s := &hostileSuite{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range []struct {
			name string
			run  func(*testing.T)
		}{
			{"01_retry_after_a_day", s.retryAfterADay},
			{"02_endless_and_oversized_bodies", s.endlessBodies},
			{"03_illumio_job_never_done", s.jobNeverDone},
			{"04_segment_cursor_cycle", s.cursorCycle},
			{"05_login_form_echoed", s.loginFormEchoed},
			{"06_basic_header_echoed", s.basicHeaderEchoed},
			{"07_address_with_userinfo", s.userinfoAddress},
			{"08_settings_that_cannot_work", s.settingsThatCannotWork},
			{"09_timeouts_not_above_zero", s.timeoutsNotAboveZero},
			{"10_create_timeout_runs_out", s.createTimeoutRunsOut},
			// Round two (issue 21).
			{"12_lent_session_login_echoed", s.lentSessionLoginEchoed},
			{"13_fresh_cursor_same_ids", s.freshCursorSameIDs},
			{"14_read_budget", s.readBudget},
			{"15_login_answer_lost", s.loginAnswerLost},
			{"16_login_slower_than_timeout", s.loginSlowerThanTimeout},
			{"17_absurd_stated_rate", s.absurdStatedRate},
			{"18_terminal_escapes", s.terminalEscapes},
			{"19_huge_error_message", s.hugeErrorMessage},
			{"20_oversized_login_answer", s.oversizedLoginAnswer},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t)
			})
		}
	})
	t.Run("11_trace_logs_hold_no_secret_in_any_encoding", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(logDir, "*.log"))
		if len(files) < 10 {
			t.Fatalf("want the TRACE logs of every case, found %d", len(files))
		}
		s.mu.Lock()
		secrets := append([]string(nil), s.secret...)
		s.mu.Unlock()
		var total int
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			total += len(b)
			for _, esc := range injected {
				if strings.Contains(string(b), esc) {
					t.Errorf("%s holds the manager's control sequence %q", filepath.Base(f), esc)
				}
			}
			for _, sec := range secrets {
				if len(sec) >= 6 && strings.Contains(string(b), sec) {
					t.Errorf("%s holds a secret (%s…)", filepath.Base(f), sec[:3])
				}
			}
		}
		s.report("%-40s %d log files, %d bytes, %d secret forms checked", "11_trace_logs", len(files), total, len(secrets))
	})
	sort.Strings(s.reports)
	t.Log("hostile suite:\n" + strings.Join(s.reports, "\n"))
}

func (s *hostileSuite) nsxt(t *testing.T, o fakeharness.NSXTOptions) *fakeharness.NSXT {
	h := fakeharness.StartNSXT(t, o)
	t.Cleanup(func() { s.secrets(h.Username, h.Password); s.secrets("", h.Issued(t)...) })
	return h
}

// 1. 503 with Retry-After: 86400. The wait is capped at request_timeout (2 s here; exactly
// so in session's TestRetryAfterIsCapped): one try and one retry, then the 503 is the error.
func (s *hostileSuite) retryAfterADay(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{
		{Status: 503, Count: 100, RetryAfterHeader: "86400", PathPrefix: "/api/v1/node/version"},
	}})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          vaultBlock(h, "request_timeout = 2", "max_retries = 1") + `data "nsx_version" "v" {}`,
			ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError:     regexp.MustCompile(`(?s)HTTP\s+503`),
		}},
	})
	f := h.Stats(t)
	if f["faults_served"] != 2 {
		t.Errorf("want 1 try and 1 retry, fake served %d", f["faults_served"])
	}
	s.report("%-40s %5.1fs  503s served=%d", "01_retry_after_a_day", took.Seconds(), f["faults_served"])
}

// 2. An endless answer and a 3 MiB one, with max_response_mib = 1: each a clear error that
// names the limit and the request, read no further than the limit.
func (s *hostileSuite) endlessBodies(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	cfg := vaultBlock(h, "max_response_mib = 1", "request_timeout = 30") + `data "nsx_segments" "all" {}`
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 200, Count: 1, Endless: true, PathPrefix: "/policy/api/v1/infra/segments"}}})
				},
				Config: cfg, ConfigVariables: vars("nsxt_password", h.Password),
				ExpectError: regexp.MustCompile(`(?s)GET\s+/policy/api/v1/infra/segments\?page_size=1000\s+\(HTTP\s+200\)\s+exceeded\s+the\s+provider's\s+limit\s+of\s+1\s+MiB`),
			},
			{
				PreConfig: func() {
					h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 200, Count: 1, BodyBytes: 3 << 20, PathPrefix: "/policy/api/v1/infra/segments"}}})
				},
				Config: cfg, ConfigVariables: vars("nsxt_password", h.Password),
				ExpectError: regexp.MustCompile(`(?s)exceeded\s+the\s+provider's\s+limit\s+of\s+1\s+MiB`),
			},
		},
	})
	f := h.Stats(t)
	if f["faults_served"] != 2 {
		t.Errorf("want each bad answer served once (not retried), fake served %d", f["faults_served"])
	}
	s.report("%-40s %5.1fs  2 answers refused at 1 MiB, not retried", "02_endless_and_oversized_bodies", took.Seconds())
}

// 3. A PCE job that stays "running", once with Retry-After: 0 and once with 999999: the read
// ends when its 6 s read timeout runs out, names the job and the time waited, and polled at
// most once a second.
func (s *hostileSuite) jobNeverDone(t *testing.T) {
	for _, ra := range []string{"0", "999999"} {
		t.Run("retry_after_"+ra, func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 600})
			t.Cleanup(func() { s.secrets(h.APIKeyUsername, h.APIKeySecret); s.secrets(h.Email, h.Password) })
			h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{
				Status: 200, Count: 1000, PathPrefix: "/api/v2/orgs/1/jobs/", RetryAfterHeader: ra,
				Body: `{"href":"/orgs/1/jobs/stuck","job_type":":illumio/async_requests","description":"/orgs/1/labels","result":{},"status":"running"}`,
			}}})
			block := secretVar("pce_secret", h.APIKeySecret, fakeharness.Provider(h.KeyBlock("org_id = 1")))
			took := measured(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config: block + `
data "illumio_labels" "all" {
  provider = nsx
  timeouts = { read = "6s" }
}`,
					ConfigVariables: vars("pce_secret", h.APIKeySecret),
					ExpectError:     regexp.MustCompile(`(?s)label\s+job\s+/orgs/1/jobs/[0-9a-f-]+\s+was\s+still\s+not\s+done\s+after\s+\d+s.*illumio_labels's\s+read\s+timeout\s+of\s+6s\s+ran\s+out`),
				}},
			})
			polls := h.Stats(t)["faults_served"]
			if polls > 7 {
				t.Errorf("%d polls in 6 s: polls must be at least 1 s apart", polls)
			}
			s.report("%-40s %5.1fs  polls=%d", "03_illumio_job_never_done/"+ra, took.Seconds(), polls)
		})
	}
}

// 4. NSX answers page 3 with the cursor page 1 gave: the listing stops and says so.
func (s *hostileSuite) cursorCycle(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	page := func(cursor string) fakemanager.Fault {
		return fakemanager.Fault{Status: 200, Count: 1, PathPrefix: "/policy/api/v1/infra/segments",
			Body: fmt.Sprintf(`{"results":[{"id":"s-%s","display_name":"s-%s","path":"/infra/segments/s-%s"}],"cursor":%q}`, cursor, cursor, cursor, cursor)}
	}
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{page("AAAA"), page("BBBB"), page("AAAA")}})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h) + `data "nsx_segments" "all" {}`, ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError: regexp.MustCompile(`(?s)page\s+3\s+of\s+the\s+segments\s+answered\s+the\s+cursor\s+"AAAA"\s+that\s+page\s+1\s+had\s+answered\s+already`),
		}},
	})
	f := h.Stats(t)
	if f["segment_pages"] != 0 || f["faults_served"] != 3 {
		t.Errorf("want exactly the 3 scripted pages read, fake says %v", f)
	}
	s.report("%-40s %5.1fs  pages=%d", "04_segment_cursor_cycle", took.Seconds(), f["faults_served"])
}

// 5. A login refused with 400 and the request echoed back, form body and all: the diagnostic
// shows the password masked where its form-encoded form stood.
func (s *hostileSuite) loginFormEchoed(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 10, Echo: true, PathPrefix: "/api/session/create"}}})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h) + `data "nsx_version" "v" {}`, ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError: regexp.MustCompile(`(?s)j_password=\*\*\*&j_username=admin`),
		}},
	})
	s.report("%-40s %5.1fs  form-encoded password masked in the diagnostic", "05_login_form_echoed", took.Seconds())
}

// 6. vCenter refuses the session with 400 and echoes the Basic header: masked.
func (s *hostileSuite) basicHeaderEchoed(t *testing.T) {
	h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{})
	t.Cleanup(func() { s.secrets(h.Username, h.Password); s.secrets("", h.Issued(t)...) })
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 10, Echo: true, PathPrefix: "/api/session"}}})
	block := secretVar("vc_password", h.Password, fakeharness.Provider(h.VCenterBlock()))
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: block + `
data "nsx_version" "vc" {
  manager = "vcenter"
}`,
			ConfigVariables: vars("vc_password", h.Password),
			ExpectError:     regexp.MustCompile(`(?s)Authorization:\s+Basic\s+\*\*\*`),
		}},
	})
	s.report("%-40s %5.1fs  Basic credentials masked in the diagnostic", "06_basic_header_echoed", took.Seconds())
}

// 7. A user name and password written into the address: refused before anything is sent,
// shown masked.
func (s *hostileSuite) userinfoAddress(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	host := h.Hosts()[0]
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: `
variable "addr" {
  type      = string
  sensitive = true
}
provider "nsx" {
  nsxt {
    host     = var.addr
    username = "admin"
    password = "unused"
  }
}
data "nsx_version" "v" {}`,
			ConfigVariables: vars("addr", "https://admin:"+h.Password+"@"+host),
			ExpectError:     regexp.MustCompile(`(?s)"https://\*\*\*@` + regexp.QuoteMeta(host) + `"\s+carries\s+a\s+user\s+name\s+or\s+password`),
		}},
	})
	if n := h.Stats(t)["requests"]; n != 0 {
		t.Errorf("%d requests reached the manager", n)
	}
	s.report("%-40s %5.1fs  refused, userinfo masked, 0 requests", "07_address_with_userinfo", took.Seconds())
}

// 8. Settings that cannot work are attribute errors at plan time, before any request: a ':'
// in a Basic user name, insecure with a CA, a null host.
func (s *hostileSuite) settingsThatCannotWork(t *testing.T) {
	v := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	vc := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{})
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	t.Cleanup(func() { s.secrets(v.Username, v.Password); s.secrets(vc.Username, vc.Password) })
	nsxv := func(user string) string {
		return fmt.Sprintf(`
provider "nsx" {
  nsxv {
    host     = %q
    username = %q
    password = "unused-pw-1"
    ca_file  = %q
  }
}
resource "nsxv_cli_user_role" "r" {
  provider = nsx
  user_id  = "api"
  role     = "auditor"
}`, v.Host(), user, v.CAFile)
	}
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{
			acctest.RefusedAtPlan(nsxv("corp:ops"), regexp.MustCompile(`(?s)User\s+Name\s+Not\s+Possible\s+With\s+HTTP\s+Basic.*username\s+=\s+"corp:ops"`)),
			{
				Config: fmt.Sprintf(`
provider "nsx" {
  vcenter {
    host     = %q
    username = "administrator@vsphere.local"
    password = "unused-pw-2"
    insecure = true
    ca_file  = %q
  }
}
data "nsx_version" "vc" {
  manager = "vcenter"
}`, vc.Host(), vc.CAFile),
				ExpectError: regexp.MustCompile(`(?s)Certificate\s+Verification\s+Both\s+Off\s+and\s+Pinned.*insecure\s+=\s+true.*ca_file`),
			},
			{
				Config: fmt.Sprintf(`
provider "nsx" {
  nsxt {
    hosts    = [%q, null]
    username = "admin"
    password = "unused-pw-3"
  }
}
data "nsx_version" "v" {}`, h.Hosts()[0]),
				ExpectError: regexp.MustCompile(`(?s)Null\s+NSX\s+Manager\s+Address.*hosts\[1\]\s+is\s+null`),
			},
		},
	})
	for name, n := range map[string]int64{"nsxv": v.Stats(t)["requests"], "vcenter": vc.Stats(t)["requests"], "nsxt": h.Stats(t)["requests"]} {
		if n != 0 {
			t.Errorf("%d requests reached the %s fake", n, name)
		}
	}
	s.report("%-40s %5.1fs  3 attribute errors, 0 requests", "08_settings_that_cannot_work", took.Seconds())
}

// 9. A timeout of zero or below is refused at plan time.
func (s *hostileSuite) timeoutsNotAboveZero(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: vaultBlock(h) + `
data "nsx_segments" "all" {
  timeouts = { read = "0s" }
}`,
				ConfigVariables: vars("nsxt_password", h.Password), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Timeout\s+Not\s+Above\s+Zero.*"0s"\s+would\s+end\s+the\s+operation`),
			},
			{
				Config: vaultBlock(h) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
  timeouts        = { create = "-1m" }
}`,
				ConfigVariables: vars("nsxt_password", h.Password), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Timeout\s+Not\s+Above\s+Zero.*"-1m"`),
			},
		},
	})
	if n := h.Stats(t)["config_writes"]; n != 0 {
		t.Errorf("%d writes", n)
	}
	s.report("%-40s %5.1fs  refused at plan", "09_timeouts_not_above_zero", took.Seconds())
}

// 10. A create whose restart wait outlasts its create timeout says which timeout ran out.
func (s *hostileSuite) createTimeoutRunsOut(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	restart := 60_000
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h, "request_timeout = 2") + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
  timeouts        = { create = "4s" }
}`,
			ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError:     regexp.MustCompile(`(?s)nsx_api_service_config's\s+create\s+timeout\s+of\s+4s\s+ran\s+out`),
		}},
	})
	s.report("%-40s %5.1fs  restart wait cut at the create timeout", "10_create_timeout_runs_out", took.Seconds())
}

// injected are control sequences case 18's manager sends: none may reach a log or the
// terminal.
var injected = []string{"\x1b]0;PWNED", "\x1b]52;c;", "\x1b[2J", "\x1b[31m", "\x07", "\x00"}

// expectClean is ExpectError that also reads the error: it must match want, and hold none of
// the suite's secrets (nor also) and no control character but newline and tab. Use it as the
// case's ErrorCheck and call the returned function after the case: it fails t when the
// case did not end in an error, and says how long the error was.
func (s *hostileSuite) expectClean(t *testing.T, want string, also ...string) (func(error) error, func() int) {
	re := regexp.MustCompile(want)
	size := -1
	check := func(err error) error {
		if err == nil {
			return nil
		}
		text := err.Error()
		size = len(text)
		if !re.MatchString(text) {
			return err
		}
		s.mu.Lock()
		secrets := append(append([]string(nil), s.secret...), also...)
		s.mu.Unlock()
		for _, sec := range secrets {
			if len(sec) >= 6 && strings.Contains(text, sec) {
				t.Errorf("the error shows a secret (%s…)", sec[:3])
			}
		}
		for _, r := range text {
			if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
				t.Errorf("the error holds the control character %U", r)
				break
			}
		}
		return nil
	}
	return check, func() int {
		if size < 0 {
			t.Errorf("the case ended without the error %s", want)
		}
		return size
	}
}

// 12. nsx_session's own login is refused with the form echoed back: the lent client is
// masked like the provider's, though no other type uses the block.
func (s *hostileSuite) lentSessionLoginEchoed(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 10, Echo: true, PathPrefix: "/api/session/create"}}})
	factories := acctest.Factories(t)
	factories["echo"] = echoprovider.NewProviderServer()
	check, done := s.expectClean(t, `(?s)j_password=\*\*\*&j_username=admin`, h.Password)
	took := measured(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: vaultBlock(h) + `
ephemeral "nsx_session" "lent" {
  manager = "nsxt"
}
provider "echo" {
  data = ephemeral.nsx_session.lent
}
resource "echo" "borrower" {}`,
			ConfigVariables: vars("nsxt_password", h.Password),
		}},
		ErrorCheck: check,
	})
	done()
	s.report("%-40s %5.1fs  the lent session's refusal masked", "12_lent_session_login_echoed", took.Seconds())
}

// 13. Every page of the segments hands out a new cursor with the same segments: the second
// page's repeated id ends the read, however long the manager would go on.
func (s *hostileSuite) freshCursorSameIDs(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	var pages []fakemanager.Fault
	for i := range 50 {
		pages = append(pages, fakemanager.Fault{Status: 200, Count: 1, PathPrefix: "/policy/api/v1/infra/segments",
			Body: fmt.Sprintf(`{"results":[{"id":"web","display_name":"web","path":"/infra/segments/web"}],"cursor":"c%04d"}`, i)})
	}
	h.Faults(t, fakemanager.Faults{Answers: pages})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h) + `data "nsx_segments" "all" {}`, ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError: regexp.MustCompile(`(?s)answered\s+"web"\s+on\s+page\s+1\s+and\s+again\s+on\s+page\s+2`),
		}},
	})
	if n := h.Stats(t)["faults_served"]; n != 2 {
		t.Errorf("want the read ended at the second page, it read %d", n)
	}
	s.report("%-40s %5.1fs  ended at page 2 of a listing without end", "13_fresh_cursor_same_ids", took.Seconds())
}

// 14. A read needs more items than max_read_items: it ends with an error naming the limit.
func (s *hostileSuite) readBudget(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          secretVar("nsxt_password", h.Password, fakeharness.Provider(h.NSXTBlock(), "max_read_items = 1500")) + `data "nsx_segments" "all" {}`,
			ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError:     regexp.MustCompile(`(?s)max_read_items`),
		}},
	})
	if n := h.Stats(t)["segment_pages"]; n != 2 {
		t.Errorf("want the read ended at the page that went past the budget (2), it read %d", n)
	}
	s.report("%-40s %5.1fs  ended at 1,500 items, page 2 of 3", "14_read_budget", took.Seconds())
}

// loginSends are the passwords the fake saw: every login it acted on, accepted or not.
func loginSends(st map[string]int64) int64 { return st["logins"] + st["failed_logins"] }

// 15. The manager acts on the login, but its answer is lost (the connection ends): the
// outcome is unknown, so the password is not sent again by any of the reads of the run.
func (s *hostileSuite) loginAnswerLost(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Lose: true, Count: 100, PathPrefix: "/api/session/create"}}})
	check, done := s.expectClean(t, `(?s)outcome`, h.Password)
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          vaultBlock(h) + `data "nsx_version" "v" { count = 5 }` + "\n" + `data "nsx_segments" "s" {}`,
			ConfigVariables: vars("nsxt_password", h.Password),
		}},
		ErrorCheck: check,
	})
	done()
	if n := loginSends(h.Stats(t)); n != 1 {
		t.Errorf("the password was sent %d times; want once", n)
	}
	s.report("%-40s %5.1fs  1 password send for 6 reads", "15_login_answer_lost", took.Seconds())
}

// 16. A login answered after request_timeout: one send, not one per retry and reader.
func (s *hostileSuite) loginSlowerThanTimeout(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{DelayMS: 3000, Count: 100, PathPrefix: "/api/session/create"}}})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          vaultBlock(h, "request_timeout = 1") + `data "nsx_version" "v" { count = 5 }`,
			ConfigVariables: vars("nsxt_password", h.Password),
			ExpectError:     regexp.MustCompile(`(?s)outcome`),
		}},
	})
	if n := loginSends(h.Stats(t)); n != 1 {
		t.Errorf("the password was sent %d times; want once", n)
	}
	s.report("%-40s %5.1fs  1 password send for 5 reads", "16_login_slower_than_timeout", took.Seconds())
}

// 17. NSX states a rate of 0.001 requests a second: the provider keeps to no less than its
// floor, the reads complete, and the logout at exit is not starved.
func (s *hostileSuite) absurdStatedRate(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 3})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 429, Count: 1, PathPrefix: "/policy/api/v1/infra/segments",
		Body: `{"httpStatus":"TOO_MANY_REQUESTS","error_code":102,"module_name":"common-services","error_message":"Client 'admin' exceeded request rate of 0.001 per second"}`}}})
	// At the floor of one request a second: the retry, the version reads and the logout.
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:          vaultBlock(h) + `data "nsx_segments" "s" {}` + "\n" + `data "nsx_version" "v" { count = 3 }`,
			ConfigVariables: vars("nsxt_password", h.Password),
		}},
	})
	if st := h.Stats(t); st["active_sessions"] != 0 || st["logouts"] != st["logins"] {
		t.Errorf("the logout was starved: %v", st)
	}
	s.report("%-40s %5.1fs  reads done, session logged out", "17_absurd_stated_rate", took.Seconds())
}

// 18. The manager's error message carries terminal control sequences (a title, a clipboard
// write, a screen clear, a fake "Apply complete!" in red, BEL, NUL): none reaches the
// terminal or the TRACE log.
func (s *hostileSuite) terminalEscapes(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	msg := "Refused\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[31mApply complete!\x1b[0m\x00\b\x07 end"
	body, _ := json.Marshal(map[string]any{"httpStatus": "BAD_REQUEST", "error_code": 255, "module_name": "common-services", "error_message": msg})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 5, PathPrefix: "/api/v1/node/version", Body: string(body)}}})
	check, done := s.expectClean(t, `(?s)Refused.*end`)
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h) + `data "nsx_version" "v" {}`, ConfigVariables: vars("nsxt_password", h.Password),
		}},
		ErrorCheck: check,
	})
	done()
	s.report("%-40s %5.1fs  control characters stripped", "18_terminal_escapes", took.Seconds())
}

// 19. A 15 MiB error_message, for each of five reads: each error quotes a bounded excerpt.
func (s *hostileSuite) hugeErrorMessage(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	body, _ := json.Marshal(map[string]any{"httpStatus": "BAD_REQUEST", "error_code": 255, "module_name": "common-services",
		"error_message": strings.Repeat("verbose ", 15<<20/8)})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 400, Count: 100, PathPrefix: "/policy/api/v1/infra/segments/", Body: string(body)}}})
	check, done := s.expectClean(t, `(?s)verbose`)
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h, "max_response_mib = 32") + `
data "nsx_segment" "s" {
  count = 5
  id    = "web-${count.index}"
}`,
			ConfigVariables: vars("nsxt_password", h.Password),
		}},
		ErrorCheck: check,
	})
	size := done()
	// Five errors of at most the quoted excerpt (1 KiB) each, and terraform's framing.
	if size > 5*(2<<10)+64<<10 {
		t.Errorf("the errors of five reads printed %d bytes", size)
	}
	s.report("%-40s %5.1fs  5 errors in %d bytes", "19_huge_error_message", took.Seconds(), size)
}

// 20. A login answered with its cookie and token and a body too large to read: the session
// the manager opened is used (or logged out), never left open.
func (s *hostileSuite) oversizedLoginAnswer(t *testing.T) {
	h := s.nsxt(t, fakeharness.NSXTOptions{Nodes: 1})
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{PadBytes: 20 << 20, Count: 100, PathPrefix: "/api/session/create"}}})
	took := measured(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: vaultBlock(h, "max_response_mib = 1") + `data "nsx_version" "v" { count = 3 }`, ConfigVariables: vars("nsxt_password", h.Password),
		}},
	})
	if st := h.Stats(t); st["active_sessions"] != 0 || loginSends(st) != st["logouts"] {
		t.Errorf("sessions left open after oversized login answers: %v", st)
	}
	s.report("%-40s %5.1fs  no session left open", "20_oversized_login_answer", took.Seconds())
}
