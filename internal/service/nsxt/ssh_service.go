package nsxt

import (
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_ssh_service: the SSH service of every manager node, declared on the settings engine.

var sshService = &settings{
	object:   nsxtapi.SSHService,
	typeName: "nsx_ssh_service",
	description: "The SSH service of **every NSX Manager node** (`/api/v1/node/services/ssh`): whether it runs, whether it starts on boot, and " +
		"whether root may log in. " + nodeServiceNote + "\n\n" +
		"STIG VCFN-9X-000086: `running = false`, `start_on_boot = false` (and `root_login = false`). Stopping SSH ends the SSH sessions " +
		"of the node; the API and the console stay.\n\n" +
		"Import with the id `ssh`. **Destroying this resource leaves the service as it is** (with a warning).",
	destroyNote: "nsx_ssh_service left the state; the SSH service of every NSX Manager node stays as it is.",
	fields: []field{
		running("SSH service", "STIG: `false`."),
		boolField("start_on_boot", "Whether the service starts when the node boots. STIG: `false`.").at(props("start_on_boot")),
		boolField("root_login", "Whether root may log in over SSH. NSX default `false`.").at(props("root_login")),
	},
}
