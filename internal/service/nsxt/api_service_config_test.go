package nsxt_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

const res = "nsx_api_service_config.this"

func TestAPIServiceConfig_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout       = 1200
  client_api_rate_limit = 80
  protocol_versions     = { "TLSv1.3" = true }
  cipher_suites         = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("reverse_proxy_config")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(1200)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("client_api_rate_limit"), knownvalue.Int64Exact(80)),
					// Not configured: the manager's value is recorded.
					statecheck.ExpectKnownValue(res, tfjsonpath.New("connection_timeout"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_protocol_versions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"TLSv1.1": knownvalue.Bool(true), "TLSv1.2": knownvalue.Bool(true), "TLSv1.3": knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites"), knownvalue.MapSizeExact(13)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					c := h.Config()
					if c.SessionTimeout != 1200 || c.ClientAPIRateLimit != 80 {
						return fmt.Errorf("manager holds session_timeout=%d client_api_rate_limit=%d", c.SessionTimeout, c.ClientAPIRateLimit)
					}
					if on, _ := h.Enabled("TLS_RSA_WITH_AES_128_CBC_SHA"); on {
						return fmt.Errorf("cipher suite still enabled on the manager")
					}
					return nil
				},
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout       = 900
  client_api_rate_limit = 80
  redirect_host         = "nsx.example.com"
  lockout_immune_addresses = ["10.0.0.5", "2001:db8::1"]
  protocol_versions     = { "TLSv1.3" = true }
  cipher_suites         = { TLS_RSA_WITH_AES_128_CBC_SHA = true, TLS_RSA_WITH_AES_256_CBC_SHA = false }
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(900)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("redirect_host"), knownvalue.StringExact("nsx.example.com")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("lockout_immune_addresses"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("revision"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateId:     "reverse_proxy_config",
				ImportStateVerify: true,
				// Which names a configuration manages is not recorded on the manager.
				ImportStateVerifyIgnore: []string{"protocol_versions", "cipher_suites"},
			},
			{
				ResourceName:  res,
				ImportState:   true,
				ImportStateId: "something_else",
				ExpectError:   regexp.MustCompile(`import it with the id\s+"reverse_proxy_config"`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Destroy leaves the manager's settings in place.
			if c := h.Config(); c.SessionTimeout != 900 || c.RedirectHost != "nsx.example.com" {
				return fmt.Errorf("destroy changed the manager: session_timeout=%d redirect_host=%q", c.SessionTimeout, c.RedirectHost)
			}
			return nil
		},
	})
	if s := h.Stats(t); s["active_sessions"] != 0 || s["logins"] != s["logouts"] || s["failed_logins"] != 0 {
		t.Fatalf("sessions left behind: %v", s)
	}
}

// Changes made outside Terraform show in the next plan and are put right by apply.
func TestAPIServiceConfig_drift(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1500
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					h.ChangeOutside(t, func(o map[string]any) {
						o["session_timeout"] = 600
						o["cipher_suites"] = []map[string]any{{"name": "TLS_RSA_WITH_AES_128_CBC_SHA", "enabled": true}}
					})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("session_timeout"), knownvalue.Int64Exact(1500)),
				}},
				Check: func(*terraform.State) error {
					if c := h.Config(); c.SessionTimeout != 1500 {
						return fmt.Errorf("drift not corrected: session_timeout=%d", c.SessionTimeout)
					}
					if on, _ := h.Enabled("TLS_RSA_WITH_AES_128_CBC_SHA"); on {
						return fmt.Errorf("drift not corrected: cipher suite enabled")
					}
					return nil
				},
			},
			{
				// A name the configuration does not manage may change freely: no diff.
				PreConfig: func() {
					h.ChangeOutside(t, func(o map[string]any) {
						o["cipher_suites"] = []map[string]any{{"name": "TLS_RSA_WITH_AES_256_CBC_SHA", "enabled": false}}
					})
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

// Bad input is rejected at plan time with the attribute named, and nothing reaches the manager.
func TestAPIServiceConfig_invalid(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cases := []struct{ body, want string }{
		{`session_timeout = -1`, `Attribute session_timeout value must be between 0 and 2147483647, got: -1`},
		// Issue 22: a fraction is an attribute error, not the framework's "always an error in the provider".
		{`session_timeout = 1.5`, `(?s)Not a Whole Number.*session_timeout takes a whole number; 1.5 is not one`},
		{`connection_timeout = 2147483648`, `Attribute connection_timeout value must be between`},
		{`client_api_rate_limit = -5`, `Attribute client_api_rate_limit value must be between`},
		{`global_api_concurrency_limit = -1`, `Attribute global_api_concurrency_limit value must be between`},
		{`client_api_concurrency_limit = -1`, `Attribute client_api_concurrency_limit value must be between`},
		{`redirect_host = "bad host!"`, `Attribute redirect_host must be a host name`},
		{`lockout_immune_addresses = ["10.0.0.300"]`, `"10.0.0.300" is not an IPv4 or IPv6 address`},
		{`protocol_versions = { "TLSv9" = true }`, `protocol_versions`},
		{`cipher_suites = { TLS_MADE_UP = true }`, `cipher_suites`},
		{`protocol_versions = { "TLSv1.1" = false, "TLSv1.2" = false, "TLSv1.3" = false }`, `protocol_versions disables every name`},
		{`basic_authentication_enabled = false
  cookie_based_authentication_enabled = false`, `(?s)Every Authentication Method Disabled.*cookie_based_authentication_enabled`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fakeharness.Provider(h.NSXTBlock()) + "resource \"nsx_api_service_config\" \"this\" {\n  " + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.Factories(t), Steps: steps})
	if s := h.Stats(t); s["requests"] != 0 {
		t.Fatalf("invalid configurations reached the manager: %v", s)
	}
}

// What only the manager can tell (which names it offers, what the rest of its list holds) is
// checked before anything is written: at plan time, against the state's lists or, on create,
// against the lists the plan reads from the manager; and again before the PUT.
func TestAPIServiceConfig_rejectedAgainstManager(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				// A known TLS 1.3 suite name this manager does not offer.
				Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { cipher_suites = { TLS_AES_128_GCM_SHA256 = true } }`,
				ExpectError: regexp.MustCompile(`(?s)Error running pre-apply plan.*does not offer\s+TLS_AES_128_GCM_SHA256`),
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { session_timeout = 1700 }`,
			},
			{
				Config:      fakeharness.Provider(h.NSXTBlock()) + `resource "nsx_api_service_config" "this" { protocol_versions = { "TLSv1.1" = false, "TLSv1.2" = false } }`,
				ExpectError: regexp.MustCompile(`no entry of protocol_versions would\s+be\s+enabled`),
			},
		},
	})
	if s := h.Stats(t); s["config_writes"] != 1 || s["rejected_writes"] != 0 {
		t.Fatalf("want exactly 1 write (session_timeout) and none rejected, fake says %v", s)
	}
}

// The import of issue 22: a manager with TLS 1.1 and one CBC suite off, a configuration that
// says so, an import, and a plan that changes nothing (no revision to come, no PUT, no
// restart of the API service).
func TestAPIServiceConfig_importMatchingPlansNothing(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	h.ChangeOutside(t, func(c map[string]any) {
		c["session_timeout"] = 1200
		for _, list := range []string{"protocol_versions", "cipher_suites"} {
			for _, e := range c[list].([]any) {
				m := e.(map[string]any)
				if m["name"] == "TLSv1.1" || m["name"] == "TLS_RSA_WITH_AES_128_CBC_SHA" {
					m["enabled"] = false
				}
			}
		}
	})
	writes := h.Stats(t)["config_writes"]
	cfg := fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout   = 1200
  protocol_versions = { "TLSv1.1" = false }
  cipher_suites     = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: res, ImportState: true, ImportStateId: "reverse_proxy_config", ImportStatePersist: true},
			{Config: cfg, PlanOnly: true},
		},
	})
	if s := h.Stats(t); s["config_writes"] != writes {
		t.Fatalf("the import and plan wrote: %v", s)
	}
}
