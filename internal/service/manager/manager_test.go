package manager_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
	nsxtsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// nsx_session lends a session of its own: the echo provider shows what another tool receives
// (the node's URL, the cookie and XSRF token), the session works for a plain HTTP client, and
// every lent session is logged out when Terraform closes it.
func TestSession_lentAndLoggedOut(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2})
	runs := acctest.NewRuns(t, false)
	factories := runs.Factories()
	factories["echo"] = echoprovider.NewProviderServer()
	node := h.Server.URLs()[1]
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + fmt.Sprintf(`
ephemeral "nsx_session" "api" {
  manager = "nsxt"
  host    = %q
}

provider "echo" {
  data = ephemeral.nsx_session.api
}

resource "echo" "borrower" {}
`, strings.TrimPrefix(node, "https://")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.borrower", tfjsonpath.New("data").AtMapKey("base_url"), knownvalue.StringExact(node)),
					statecheck.ExpectKnownValue("echo.borrower", tfjsonpath.New("data").AtMapKey("headers").AtMapKey("Cookie"), knownvalue.StringRegexp(regexp.MustCompile(`^JSESSIONID=[0-9A-F]+$`))),
					// The documented header name, byte for byte: a borrower indexes the map by it.
					statecheck.ExpectKnownValue("echo.borrower", tfjsonpath.New("data").AtMapKey("headers").AtMapKey("X-XSRF-TOKEN"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("echo.borrower", tfjsonpath.New("data").AtMapKey("expires_at"), knownvalue.NotNull()),
				},
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
ephemeral "nsx_session" "api" {
  manager = "nsxt"
  host    = "nsx-elsewhere.corp"
}`,
				ExpectError: regexp.MustCompile(`(?s)Host\s+Not\s+in\s+the\s+Manager\s+Block.*nsx-elsewhere.corp`),
			},
		},
	})
	runs.CloseAll()
	s := h.Stats(t)
	if s["logins"] == 0 || s["logins"] != s["logouts"] || s["active_sessions"] != 0 {
		t.Fatalf("want every lent and own session logged out, fake says %v", s)
	}
}

// A lent session is kept in use before the manager idles it out: with NSX's session_timeout
// at 4 s, uses every 2.7 s hold one session for 8 s and more, with one login.
func TestSession_keptAliveBeforeIdleTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), APIService: map[string]any{"session_timeout": 4}})
		conn := framework.NullConnection()
		conn.Host, conn.Username, conn.Password, conn.CAFile = types.StringValue(h.Hosts()[0]), types.StringValue(h.Username),
			types.StringValue(h.Password), types.StringValue(h.CAFile)
		s, diags := framework.Resolve(context.Background(), nsxtsvc.Manager.Info, conn)
		if diags.HasError() {
			t.Fatal(diags)
		}
		m := framework.NewManagers(session.NewPool(), framework.Limits{RequestTimeout: 10 * time.Second, MaxRetries: 1}, nil)
		m.Dial = h.Dial
		m.Set("nsxt", s)
		lent, diags := nsxtsvc.Manager.Lend(m, types.StringNull(), "test")
		if diags.HasError() {
			t.Fatal(diags)
		}
		ctx := context.Background()
		_, first, err := lent.Client.Lend(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := lent.KeepAlive(ctx); err != nil {
			t.Fatal(err)
		}
		if idle := lent.Client.IdleTimeout(); idle != 4*time.Second {
			t.Fatalf("the keep-alive did not learn the manager's session_timeout: %v", idle)
		}
		for deadline := time.Now().Add(8 * time.Second); time.Now().Before(deadline); {
			time.Sleep(session.RenewBefore(lent.Client.IdleTimeout()) / 2)
			if err := lent.KeepAlive(ctx); err != nil {
				t.Fatal(err)
			}
		}
		_, last, err := lent.Client.Lend(ctx)
		if err != nil || fmt.Sprint(first) != fmt.Sprint(last) {
			t.Fatalf("the lent session changed: %v", err)
		}
		lent.Close(ctx)
		if st := h.Stats(t); st["logins"] != 1 || st["logouts"] != 1 || st["rejected_requests"] != 0 {
			t.Fatalf("want one session held throughout, fake says %v", st)
		}
	})
}

// The example's indexing of the lent headers (issue 22) works: every headers["…"] the
// documentation's example uses is a key the provider lends, for an NSX session.
func TestSession_documentedHeaderNames(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "ephemeral-resources", "nsx_session", "ephemeral-resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`headers\["([^"]+)"\]`).FindAllStringSubmatch(string(example), -1)
	if len(used) < 2 {
		t.Fatalf("the example indexes %d headers", len(used))
	}
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	factories := acctest.Factories(t)
	factories["echo"] = echoprovider.NewProviderServer()
	var checks []statecheck.StateCheck
	for _, u := range used {
		checks = append(checks, statecheck.ExpectKnownValue("echo.borrower", tfjsonpath.New("data").AtMapKey(u[1]), knownvalue.NotNull()))
	}
	var data strings.Builder
	for _, u := range used {
		fmt.Fprintf(&data, "    %q = ephemeral.nsx_session.nsx.headers[%q]\n", u[1], u[1])
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
ephemeral "nsx_session" "nsx" {
  manager = "nsxt"
}
provider "echo" {
  data = {
` + data.String() + `  }
}
resource "echo" "borrower" {}
`,
			ConfigStateChecks: checks,
		}},
	})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	acctest.Test(t, []resource.TestStep{
		acctest.RefusedAtPlan(fakeharness.Provider(h.NSXTBlock())+`data "nsx_version" "x" { manager = "nsx-t" }`, regexp.MustCompile(`Attribute manager value must be one of`)),
		{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
data "nsx_version" "default" {}
data "nsx_version" "explicit" {
  manager = "nsxt"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("manager"), knownvalue.StringExact("nsxt")),
				statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
				statecheck.ExpectKnownValue("data.nsx_version.default", tfjsonpath.New("node_version"), knownvalue.StringExact(fakensxt.Version)),
				statecheck.ExpectKnownValue("data.nsx_version.explicit", tfjsonpath.New("product_version"), knownvalue.StringExact(fakensxt.Version)),
			},
		},
	})
}

// Thirty nsx_version reads in one plan send one GET (identical reads in flight share one,
// later ones reuse its answer), where each used to send its own.
func TestVersion_thirtyReadsOneRequest(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	var cfg strings.Builder
	cfg.WriteString(fakeharness.Provider(h.NSXTBlock()))
	for i := range 30 {
		fmt.Fprintf(&cfg, "data \"nsx_version\" \"v%d\" {}\n", i)
	}
	runs := acctest.NewRuns(t, false)
	runs.Test(t, []resource.TestStep{{
		Config: cfg.String(),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.nsx_version.v29", tfjsonpath.New("version"), knownvalue.StringExact(fakensxt.Version)),
		},
	}})
	// Each terraform command that reads is a provider process with one login: per login, at
	// most two version GETs (the bound), where 30 were sent before.
	s := h.Stats(t)
	gets := s["requests"] - s["logins"] - s["logouts"]
	if s["logins"] == 0 || gets > 2*s["logins"] {
		t.Fatalf("%d version GETs for %d reading processes, fake says %v", gets, s["logins"], s)
	}
	// Every read is answered by a GET of its own, or by joining one in flight or from the
	// answer kept (both counted as reused): the provider's count accounts for each of the
	// fake's GETs. (A read that starts after a GET's answer came but before it was kept sends
	// one more: hence two per process, not one.)
	if p := runs.Stats(); 30*s["logins"]-p.Reused != gets {
		t.Fatalf("30 reads in each of %d processes, %d GETs, but the provider counted %+v", s["logins"], gets, p)
	}
	t.Logf("30 nsx_version reads: %d GETs in %d reading processes; provider %+v", gets, s["logins"], runs.Stats())
}
