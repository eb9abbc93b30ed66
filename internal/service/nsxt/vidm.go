package nsxt

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_vidm: the VMware Identity Manager provider, declared on the settings engine.

var thumbprintRE = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)

var vidm = &settings{
	object:   nsxtapi.Vidm,
	typeName: "nsx_vidm",
	description: "The manager's VMware Identity Manager (vIDM, Workspace ONE Access) integration (`/api/v1/node/aaa/providers/vidm`), " +
		"on every node: users then log in through vIDM, with its multifactor authentication. The NSX 4.x STIG requires an identity " +
		"provider with MFA (NMGR-4X-000015: vIDM enabled, or an OIDC provider).\n\n" +
		"The client secret is write-only (`client_secret_wo`): never in the plan or the state, sent with every write and on its own " +
		"when `client_secret_wo_version` changes. Whether NSX keeps this object per node or for the cluster is not documented; " +
		"the provider writes and reads every node, and reports drift per node.\n\n" +
		"Import with the id `vidm`; give `client_secret_wo` in the configuration, since the next write sends it. " +
		"**Destroying this resource leaves the integration as it is** (with a warning): turn it off with `vidm_enable = false`.",
	destroyNote: "nsx_vidm left the state; the vIDM integration stays as it is on every node.",
	fields: []field{
		boolField("vidm_enable", "Whether users log in through vIDM. STIG (NSX 4.x, NMGR-4X-000015): `true`."),
		stringField("host_name", "The vIDM server's fully qualified name.", framework.HostOrAddress()),
		stringField("node_host_name", "The name users reach this manager by (the cluster's virtual IP name, or the load balancer's with `lb_enable`): vIDM redirects them there after they authenticate.",
			framework.HostOrAddress()),
		stringField("client_id", "The OAuth client id registered for NSX in vIDM.", stringvalidator.LengthBetween(1, 255)),
		stringField("thumbprint", "The SHA-256 hash of the vIDM server's certificate, 64 hexadecimal digits.",
			stringvalidator.RegexMatches(thumbprintRE, "must be 64 hexadecimal digits (the SHA-256 hash of the vIDM server's certificate)")),
		boolField("lb_enable", "Whether an external load balancer fronts the managers (`node_host_name` is then its name)."),
	},
	secrets: []secret{
		{name: "client_secret_wo", path: "client_secret", version: "client_secret_wo_version",
			description: "The OAuth client secret registered for NSX in vIDM.", validators: []validator.String{stringvalidator.LengthBetween(1, 255)}},
	},
	validate: func(_ context.Context, cfg values, diags *diag.Diagnostics) {
		on, ok := cfg["vidm_enable"].(types.Bool)
		if !ok || !framework.Known(on) || !on.ValueBool() {
			return
		}
		for _, k := range []string{"host_name", "node_host_name", "client_id", "thumbprint", "client_secret_wo"} {
			if v, ok := cfg[k].(types.String); ok && v.IsNull() {
				diags.AddAttributeError(path.Root(k), "Needed to Enable vIDM", k+" must be set with vidm_enable = true: NSX refuses enabling vIDM without it.")
			}
		}
	},
}
