package nsxt_test

import (
	"encoding/json"
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
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// A manager is wider than what the resource models: display_name, tags and a field of a newer
// release survive create, update, a 412 retry and the restart wait; description and tags are
// managed only where configured.
func TestAPIServiceConfig_keepsWhatItDoesNotModel(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	h.ChangeOutside(t, func(o map[string]any) {
		o["display_name"] = "proxy settings"
		o["description"] = "owned by netops"
		o["tags"] = []map[string]any{{"scope": "owner", "tag": "netops"}}
		o["future_setting"] = map[string]any{"mode": "strict", "level": 3}
	})
	kept := func(description string, tags int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			c := h.Config()
			if c.DisplayName != "proxy settings" || c.Description != description || len(c.Tags) != tags {
				return fmt.Errorf("manager lost fields: display_name=%q description=%q tags=%v", c.DisplayName, c.Description, c.Tags)
			}
			extra, _ := json.Marshal(c.Extra["future_setting"])
			if string(extra) != `{"level":3,"mode":"strict"}` {
				return fmt.Errorf("manager lost future_setting: %s", extra)
			}
			var put map[string]any
			if err := json.Unmarshal(h.Fake.LastPut(), &put); err != nil {
				return err
			}
			for k := range put {
				if k != "_revision" && k[0] == '_' {
					return fmt.Errorf("the PUT carried the read-only field %s", k)
				}
			}
			return nil
		}
	}
	restart, stale := 300, 1
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// Someone writes between our read and our write (412), and every write
					// restarts the API service.
					h.Faults(t, fakemanager.Faults{ConcurrentWrites: &stale, RestartMS: &restart})
				},
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
}`,
				Check: resource.ComposeTestCheckFunc(kept("owned by netops", 1), func(*terraform.State) error {
					if s := h.Stats(t); s["stale_revisions"] != 1 || s["restarts"] != 1 {
						return fmt.Errorf("want one 412 and one restart, fake says %v", s)
					}
					return nil
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("description"), knownvalue.StringExact("owned by netops")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"scope": knownvalue.StringExact("owner"), "tag": knownvalue.StringExact("netops")}),
					})),
				},
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 900
}`,
				Check: kept("owned by netops", 1),
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 900
  description     = "managed by terraform"
  tags            = [{ scope = "owner", tag = "netops" }, { tag = "prod" }]
}`,
				Check: kept("managed by terraform", 2),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.SetSizeExact(2)),
				},
			},
		},
	})
}

// Changing one attribute plans the effective maps from state with the configured names
// applied, instead of "(known after apply)".
func TestAPIServiceConfig_planShowsEffectiveMaps(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 1200
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 600
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = false }
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites"), knownvalue.MapSizeExact(13)),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(false)),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_protocol_versions"), knownvalue.MapSizeExact(3)),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("revision")),
				}},
			},
			{
				Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  session_timeout = 600
  cipher_suites   = { TLS_RSA_WITH_AES_128_CBC_SHA = true, TLS_RSA_WITH_AES_256_CBC_SHA = false }
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_128_CBC_SHA"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("effective_cipher_suites").AtMapKey("TLS_RSA_WITH_AES_256_CBC_SHA"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

// A name the provider knows but this manager does not offer is refused at plan time, for a
// create too (the plan reads the manager's lists), and nothing is written.
func TestAPIServiceConfig_unofferedNameAtPlan(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(t),
		Steps: []resource.TestStep{{
			Config: fakeharness.Provider(h.NSXTBlock()) + `
resource "nsx_api_service_config" "this" {
  cipher_suites = { TLS_CHACHA20_POLY1305_SHA256 = true }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Name Not Offered by the Manager.*does not offer\s+TLS_CHACHA20_POLY1305_SHA256`),
		}},
	})
	if s := h.Stats(t); s["config_writes"] != 0 {
		t.Fatalf("something was written: %v", s)
	}
}
