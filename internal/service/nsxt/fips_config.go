package nsxt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_fips_config: the load balancers' FIPS mode, declared on the settings engine.

var fipsConfig = &settings{
	object:   nsxtapi.GlobalConfig,
	typeName: "nsx_fips_config",
	description: "The FIPS mode of the NSX load balancers, `fips.lb_fips_enabled` of the policy API's global configuration " +
		"(`/policy/api/v1/infra/global-config`), one for the manager. The rest of the global configuration (MTU, forwarding mode, " +
		"the router MAC) goes back as NSX answered it.\n\n" +
		"STIG VCFN-9X-000114: `lb_fips_enabled = true`. NSX documents that a load balancer applies a change of this setting only when it " +
		"restarts (or its edge node reboots): the apply warns when it changed the setting.\n\n" +
		"The vendor's STIG automation sends `resource_type = \"FipsGlobalConfig\"`, the type of the `fips` field rather than of the object, " +
		"in a template that is not valid JSON; this resource sends the object's own type back.\n\n" +
		"Import with the id `fips_config`. **Destroying this resource leaves the setting as it is** (with a warning).",
	revision:    true,
	destroyNote: "nsx_fips_config left the state; the load balancers' FIPS mode stays as it is.",
	fields: []field{
		boolField("lb_fips_enabled", "Whether NSX load balancers run in FIPS mode. NSX default `false`; STIG: `true`.").at("fips.lb_fips_enabled"),
	},
	after: func(_ context.Context, _ *settingsResource, _ *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics) {
		for _, c := range w.Changed {
			if c == "fips.lb_fips_enabled" {
				diags.AddWarning("Load Balancers Apply the FIPS Mode When They Restart",
					"fips.lb_fips_enabled changed. NSX documents that an existing load balancer applies the new mode only after it restarts "+
						"(or its edge node reboots); plan that maintenance for every load balancer.")
			}
		}
	},
}
