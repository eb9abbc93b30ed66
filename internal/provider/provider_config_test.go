package provider_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/provider"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Bad provider settings are reported on the attribute, and nothing is contacted.
func TestProviderConfig_invalid(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	ds := "\ndata \"nsx_version\" \"v\" {}\n"
	block := func(body string) string { return "provider \"nsx\" {\n  nsxt {\n" + body + "\n  }\n}\n" + ds }
	cases := []struct{ cfg, want string }{
		{block(`host = "http://nsx.corp"
    username = "a"
    password = "b"`), `(?s)host = "http://nsx.corp".*HTTPS\s+only`},
		{block(`hosts = ["nsx-01.corp", "nsx-02.corp:99999"]
    username = "a"
    password = "b"`), `(?s)hosts = \["nsx-01.corp", "nsx-02.corp:99999"\].*invalid\s+port`},
		{block(`hosts = ["nsx-01.corp", "https://nsx-01.corp"]
    username = "a"
    password = "b"`), `(?s)Duplicate NSX Manager Address.*listed\s+twice`},
		{block(`host = "nsx.corp/api"
    username = "a"
    password = "b"`), `more\s+than\s+a\s+host\s+and\s+port`},
		{block(`host = "nsx.corp"
    password = "b"`), `(?s)Missing NSX Manager Username.*NSXT_USERNAME`},
		{block(`host = "nsx.corp"
    username = "a"
    password = "b"
    ca_file = "/nonexistent/ca.pem"`), `(?s)Unreadable CA File.*ca_file = "/nonexistent/ca.pem"`},
		{block(`host = "nsx.corp"
    username = "a"
    password = "b"
    ca_pem = "not a certificate"`), `(?s)Invalid CA Certificate.*ca_pem = "not a certificate".*No\s+PEM-encoded\s+certificate`},
		{block(`host = "nsx.corp"
    hosts = ["nsx.corp"]
    username = "a"
    password = "b"`), `Invalid Attribute Combination`},
		{`provider "nsx" {
  max_retries = 100
}` + ds, `Attribute max_retries value must be between 0 and 20`},
		{`provider "nsx" {
  sdwan {
    url      = "http://vmanage.corp"
    username = "a"
    password = "b"
  }
}
data "sdwan_devices" "d" {
  provider = nsx
}`, `(?s)url\s+=\s+"http://vmanage.corp".*HTTPS\s+only`},
		{`provider "nsx" {
  nsxv {
    host     = "nsxv.corp"
    username = "a"
  }
}
data "nsx_version" "v" {
  manager = "nsxv"
}`, `(?s)Missing NSX-v Manager Password.*NSXV_PASSWORD`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, acctest.RefusedAtPlan(c.cfg, regexp.MustCompile(c.want)))
	}
	acctest.Test(t, steps)
	if s := h.Stats(t); s["requests"] != 0 {
		t.Fatalf("invalid settings reached a manager: %v", s)
	}
}

// A data source that needs a manager whose block is absent names the block and its variables.
func TestProviderConfig_missingBlock(t *testing.T) {
	// Not parallel: NSXT_MANAGER_HOST must be unset for this test.
	t.Setenv("NSXT_MANAGER_HOST", "")
	acctest.Test(t, []resource.TestStep{{
		Config:      `data "nsx_segments" "all" {}`,
		ExpectError: regexp.MustCompile(`(?s)Missing nsxt Configuration.*nsx_segments.*NSXT_MANAGER_HOST,\s+NSXT_USERNAME,\s+NSXT_PASSWORD`),
	}})
	t.Setenv("SDWAN_URL", "")
	acctest.Test(t, []resource.TestStep{{
		Config:      `data "sdwan_devices" "all" { provider = nsx }`,
		ExpectError: regexp.MustCompile(`(?s)Missing sdwan Configuration.*sdwan\s+block\s+with\s+url,\s+username\s+and\s+password.*SDWAN_URL,\s+SDWAN_USERNAME,\s+SDWAN_PASSWORD`),
	}})
}

// The established environment variables configure the block when it is left out.
func TestProviderConfig_environment(t *testing.T) {
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	t.Setenv("NSXT_MANAGER_HOST", h.Hosts()[0])
	t.Setenv("NSXT_USERNAME", h.Username)
	t.Setenv("NSXT_PASSWORD", h.Password)
	t.Setenv("NSXT_CA_FILE", h.CAFile)
	acctest.Test(t, []resource.TestStep{{
		Config: `data "nsx_version" "v" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_version.v", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
		},
	}})
}

// Sessions that die in the middle of a run (the fake drops every session just before the
// 5th request, while a dozen data sources are being read in parallel) are renewed
// transparently, with a single new login.
func TestProviderConfig_expiryMidRun(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	after := 5
	h.Faults(t, fakemanager.Faults{ExpireAfter: &after})
	var cfg string
	for i := range 12 {
		cfg += fmt.Sprintf("data \"nsx_version\" \"v%d\" {}\n", i)
	}
	acctest.Test(t, []resource.TestStep{
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + cfg + `
data "nsx_segments" "all" {}
resource "nsx_api_service_config" "this" {
  connection_timeout = 40
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_segments.all", tfjsonpath.New("segments"), knownvalue.ListSizeExact(2500)),
				statecheck.ExpectKnownValue("nsx_api_service_config.this", tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(40)),
			},
		},
	})
	s := h.Stats(t)
	// Each process logs out its last session; an expired one cannot be, so the difference
	// counts renewals.
	if s["forced_expiries"] != 1 || s["logins"]-s["logouts"] != 1 || s["failed_logins"] != 0 || s["active_sessions"] != 0 {
		t.Fatalf("expected sessions to be expired and renewed, fake says %v", s)
	}
	t.Logf("mid-run expiry: %v", s)
}

// Provider settings known only after apply do not fail the plan: nothing needs the manager
// while planning a create, and apply configures the provider with the known values.
func TestProviderConfig_unknownAtPlan(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	pw, _ := json.Marshal(h.Password)
	acctest.Test(t, []resource.TestStep{{
		Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}
provider "nsx" {
  nsxt {
    host     = terraform_data.endpoint.output
    username = %q
    password = %s
    ca_file  = %q
  }
}
resource "nsx_api_service_config" "this" {
  connection_timeout = 35
}`, h.Hosts()[0], h.Username, pw, h.CAFile),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("nsx_api_service_config.this", tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(35)),
		},
	}})
}

// A resource whose manager block is missing fails the plan, with the message the apply and the
// data sources give.
func TestResourcesWithoutTheirBlockFailAtPlan(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ config, want string }{
		"nsx_api_service_config": {`resource "nsx_api_service_config" "this" { session_timeout = 900 }`, `Missing nsxt Configuration`},
		"nsxv_cli_user_role": {`resource "nsxv_cli_user_role" "api" {
  provider = nsx
  user_id  = "api"
  role     = "auditor"
}`, `Missing nsxv Configuration`},
		"illumio_label": {`resource "illumio_label" "env" {
  provider = nsx
  key      = "env"
  value    = "prod"
}`, `Missing illumio Configuration`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			acctest.Test(t, []resource.TestStep{acctest.RefusedAtPlan("provider \"nsx\" {}\n"+tc.config, regexp.MustCompile(tc.want))})
		})
	}
}

// Issue 22: the advice for an address that does not answer names where the address came
// from: `hosts` in the block when the block set it, NSXT_MANAGER_HOST when the variable did.
func TestProviderConfig_wrongHostHintNamesItsSource(t *testing.T) {
	dead := "127.0.0.1:1" // nothing listens on port 1
	acctest.Test(t, []resource.TestStep{{
		Config: `provider "nsx" {
  max_retries = 0
  nsxt {
    hosts    = ["` + dead + `"]
    username = "admin"
    password = "x"
    insecure = true
  }
}
data "nsx_version" "v" {}`,
		ExpectError: regexp.MustCompile(`(?s)check\s+the\s+address\s+and\s+port\s+in\s+hosts\s+in\s+the\s+nsxt\s+block`),
	}})
	t.Setenv("NSXT_MANAGER_HOST", dead)
	t.Setenv("NSXT_USERNAME", "admin")
	t.Setenv("NSXT_PASSWORD", "x")
	t.Setenv("NSXT_ALLOW_UNVERIFIED_SSL", "true")
	acctest.Test(t, []resource.TestStep{{
		Config:      `provider "nsx" { max_retries = 0 }` + "\n" + `data "nsx_version" "v" {}`,
		ExpectError: regexp.MustCompile(`(?s)check\s+the\s+address\s+and\s+port\s+in\s+the\s+NSXT_MANAGER_HOST\s+environment\s+variable`),
	}})
}

// A sixth manager, declared in this file alone: its package (a tiny Authenticator and typed
// client against an httptest server) and its spec. The provider then has its block, its
// environment variables, its session in the pool (one login, one logout) and its version in
// nsx_version, with no other file touched.

// --- the toy manager's package: its login and its typed client ---

type toyAuth struct{ user, pass string }

func (a *toyAuth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+"/login", nil)
	req.SetBasicAuth(a.user, a.pass)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &session.TransportError{Block: "toy", Host: node.Host, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, &session.LoginError{Block: "toy", Host: node.Host, Status: resp.StatusCode, Reason: "wrong credentials"}
	}
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return &session.Credentials{Header: http.Header{"X-Toy-Token": {out.Token}}}, nil
}

func (a *toyAuth) Expired(resp *session.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized
}

func (a *toyAuth) Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, node.String()+"/login", nil)
	cred.Apply(req)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

type toyClient struct{ s *session.Client }

func (c *toyClient) version(ctx context.Context) (string, error) {
	resp, err := c.s.Do(ctx, &session.Request{Method: http.MethodGet, Path: "/version"})
	if err != nil {
		return "", err
	}
	var v struct{ Version string }
	return v.Version, session.DecodeJSON("toy", "GET /version", resp, &v)
}

// --- the spec: the one entry the provider needs ---

var toySpec = &framework.Spec[*toyClient]{
	Info:        framework.Info{Block: "toy", Product: "Toy Manager", EnvHost: "TOY_HOST", EnvUser: "TOY_USER", EnvPass: "TOY_PASSWORD", Basic: true},
	Description: "Connection to a toy manager.",
	Auth:        func(s *framework.Settings) session.Authenticator { return &toyAuth{user: s.Username, pass: s.Password} },
	Client:      func(sc *session.Client) (*toyClient, error) { return &toyClient{s: sc}, nil },
	Version: func(ctx context.Context, c *toyClient) (framework.VersionFacts, error) {
		v, err := c.version(ctx)
		return framework.VersionFacts{Version: v}, err
	},
}

// --- the proof ---

func TestSixthManagerIsOneSpec(t *testing.T) {
	t.Parallel()
	var logins, logouts, versions atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/login":
			if u, p, _ := r.BasicAuth(); u != "toy-admin" || p != "toy&Secret%1" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			logins.Add(1)
			_, _ = io.WriteString(w, `{"token":"tok-1"}`)
		case r.Method == http.MethodDelete && r.URL.Path == "/login" && r.Header.Get("X-Toy-Token") == "tok-1":
			logouts.Add(1)
		case r.URL.Path == "/version" && r.Header.Get("X-Toy-Token") == "tok-1":
			versions.Add(1)
			_, _ = io.WriteString(w, `{"version":"1.2.3"}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))

	runs := acctest.NewRuns(t, false).WithManagers(append(append([]framework.Manager(nil), provider.DefaultManagers...), toySpec))
	caJSON, _ := json.Marshal(caPEM)
	block := fmt.Sprintf(`
variable "toy_password" {
  type      = string
  sensitive = true
}
provider "nsx" {
  toy {
    host     = %q
    username = "toy-admin"
    password = var.toy_password
    ca_pem   = %s
  }
}
`, strings.TrimPrefix(srv.URL, "https://"), caJSON)
	runs.Test(t, []resource.TestStep{
		{
			// The table's checks apply to it too: its user name goes in HTTP Basic.
			Config: strings.Replace(block, `"toy-admin"`, `"corp:toy"`, 1) + `
data "nsx_version" "toy" {
  manager = "toy"
}`,
			ConfigVariables: vars("toy_password", "toy&Secret%1"),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`User\s+Name\s+Not\s+Possible\s+With\s+HTTP\s+Basic`),
		},
		{
			Config: block + `
data "nsx_version" "toy" {
  manager = "toy"
}`,
			ConfigVariables: vars("toy_password", "toy&Secret%1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.toy", tfjsonpath.New("version"), knownvalue.StringExact("1.2.3")),
			},
		},
	})
	runs.CloseAll()
	if logins.Load() == 0 || logins.Load() != logouts.Load() || versions.Load() == 0 {
		t.Fatalf("want every login logged out and the version read: logins=%d logouts=%d versions=%d", logins.Load(), logouts.Load(), versions.Load())
	}
	if int(logins.Load()) > runs.Processes() {
		t.Fatalf("%d logins for %d provider processes", logins.Load(), runs.Processes())
	}
}
