package nsxt

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_ntp: the NTP service of every manager node, declared on the settings engine (node
// scope: written on every node through its own session, drift shown per node).

var ntpService = &settings{
	object:   nsxtapi.NTPService,
	typeName: "nsx_ntp",
	description: "The NTP service of **every NSX Manager node** (`/api/v1/node/services/ntp`): the time servers, whether the service starts " +
		"on boot, and whether it runs. " + nodeServiceNote + "\n\n" +
		"STIG VCFN-9X-000111: at least one authorised server, `start_on_boot = true`.\n\n" +
		"Import with the id `ntp`. **Destroying this resource leaves the service as it is** (with a warning).",
	destroyNote: "nsx_ntp left the state; the NTP service of every NSX Manager node stays as it is.",
	fields: []field{
		stringListField("servers", "The NTP servers, host names or IP addresses, in order of preference (at most 5). STIG: authorised servers only.",
			listvalidator.ValueStringsAre(framework.HostOrAddress()), listvalidator.UniqueValues()).at(props("servers")),
		boolField("start_on_boot", "Whether the service starts when the node boots. STIG: `true`.").at(props("start_on_boot")),
		running("NTP service", "STIG: `true`."),
	},
}
