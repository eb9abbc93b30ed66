package provider_test

// A sixth manager, declared in this file alone: its package (a tiny Authenticator and typed
// client against an httptest server) and its spec. The provider then has its block, its
// environment variables, its session in the pool (one login, one logout) and its version in
// nsx_version, with no other file touched.

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

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/provider"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: runs.Factories(),
		Steps: []resource.TestStep{
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
