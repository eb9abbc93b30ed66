package nsxt

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_node_settings: the CLI timeout and time zone of every manager node, declared on the
// settings engine.

// timezoneRE is an IANA time zone name, as NSX takes it ("UTC", "Etc/UTC", "Europe/Berlin").
var timezoneRE = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z_+-]+(/[A-Za-z0-9_+-]+){1,2})$`)

var nodeSettings = &settings{
	object:   nsxtapi.NodeProperties,
	typeName: "nsx_node_settings",
	description: "The settings of **every NSX Manager node** (`/api/v1/node`) that are policy rather than identity: the CLI's idle timeout, " +
		"the node's time zone and the CLI's history and output. NSX keeps them per node, so the provider writes them on each node listed in the " +
		"`nsxt` block, through that node's own session; `nodes` holds what every node has, and a node that differs shows in the plan under its own " +
		"address. The node's identity (host name, versions, UUID) is not touched.\n\n" +
		"Import with the id `node_settings`. **Destroying this resource leaves the settings as they are** (with a warning).",
	destroyNote: "nsx_node_settings left the state; the settings of every NSX Manager node stay as they are.",
	fields: []field{
		intField("cli_timeout", "Seconds of inactivity after which a CLI session ends; `0` never ends it. NSX default `600`; STIG: at most `300`, and not `0`.",
			int64validator.AtLeast(0)),
		stringField("timezone", "The node's time zone, an IANA name such as `UTC`, `Etc/UTC` or `Europe/Berlin`. STIG: `UTC` or `Etc/UTC`.",
			stringvalidator.RegexMatches(timezoneRE, "must be an IANA time zone name such as UTC, Etc/UTC or Europe/Berlin")),
		intField("cli_history_size", "Commands the CLI keeps in its history. NSX default `500`.", int64validator.AtLeast(0)),
		boolField("cli_output_datetime", "Whether the CLI prints the date and time before each command's output. NSX default `false`."),
	},
}
