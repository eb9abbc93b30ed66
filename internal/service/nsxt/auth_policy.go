package nsxt

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_auth_policy: the lockout and password policy of every manager node, declared on the
// settings engine.

// credit is a password-complexity field: N < 0 requires at least -N such characters, N > 0
// gives credit for up to N of them towards minimum_password_length, 0 turns the check off.
func credit(name, what string) field {
	return intField(name, fmt.Sprintf("%s in a new password: a negative N requires at least -N of them, a positive N gives credit "+
		"for up to N towards `minimum_password_length`, `0` does not check. NSX default `-1` (at least one). STIG: at most `-1`. "+
		"NSX documents no range; it refuses what it does not take.", what))
}

var authPolicy = &settings{
	object:   nsxtapi.AuthPolicy,
	typeName: "nsx_auth_policy",
	description: "The authentication and password policy of **every NSX Manager node** (`/api/v1/node/aaa/auth-policy`): API and CLI lockout, " +
		"and the password complexity rules for local users. NSX documents that account lockout policies are set and enforced on a per node basis, " +
		"so the provider writes the policy on each node listed in the `nsxt` block, through that node's own session, and reads it back from each: " +
		"`nodes` holds what every node has, and a node that differs from the configuration shows in the plan under its own address. (The API reference " +
		"of NSX 4.2's SDK says these values are in sync among the management cluster nodes; writing each node is right either way, and a node " +
		"that already holds the values gets no write.)\n\n" +
		"Changing `api_max_auth_failures`, `api_failed_auth_reset_period` or `api_failed_auth_lockout_period` restarts that node's HTTP service: " +
		"the provider writes the nodes one after the other, waits for each node to answer again and logs in to it once more, so the cluster's API " +
		"stays up. Password rules apply to passwords set from then on; they do not change passwords already set.\n\n" +
		"The provider reads `api_failed_auth_lockout_period` to keep a refused login of its own refused for as long (with `session_cache`), so that " +
		"runs of a pipeline never add failed attempts while the account is locked.\n\n" +
		"Import with the id `auth_policy`. **Destroying this resource leaves the policy as it is** (with a warning), unless `reset_on_destroy = true`, " +
		"which posts NSX's `?action=reset-all` to every node.",
	writeTimeout: 15 * time.Minute,
	destroyNote: "nsx_auth_policy left the state; the auth policy of every NSX Manager node stays as it is. Set reset_on_destroy = true before " +
		"destroying to put it back to NSX's defaults.",
	reset: &resetAction{action: "reset-all",
		description: "On destroy, put the policy of every node back to NSX's defaults (`?action=reset-all`, which also resets the password " +
			"complexity). Default `false`: destroy leaves the policy as it is."},
	fields: []field{
		intField("api_max_auth_failures", "Failed API logins within `api_failed_auth_reset_period` that lock an account; `0` turns API lockout off. "+
			"NSX default `5`; STIG: `3`. Changing it restarts the node's HTTP service.", int64validator.Between(0, 50)),
		intField("api_failed_auth_reset_period", "Seconds within which the failed API logins must fall to lock the account. NSX default `900`; STIG: at most `900`. "+
			"Changing it restarts the node's HTTP service.", int64validator.AtLeast(0)),
		intField("api_failed_auth_lockout_period", "Seconds a locked account stays locked out of the API. NSX default `900`; STIG: at least `900`. "+
			"Changing it restarts the node's HTTP service.", int64validator.Between(0, 9000)),
		intField("cli_max_auth_failures", "Failed CLI logins that lock an account out of the CLI, `0` to `10` (NSX CLI Guide). NSX default `5`; STIG: `3`.", int64validator.Between(0, 10)),
		intField("cli_failed_auth_lockout_period", "Seconds a locked account stays locked out of the CLI; further attempts restart the period. "+
			"NSX default `900`; STIG: at least `900`.", int64validator.AtLeast(0)),
		intField("minimum_password_length", "Fewest characters a new password may have (NSX never takes fewer than 8). NSX default `12`; STIG: at least `15`.",
			int64validator.Between(8, 128)),
		intField("maximum_password_length", "Most characters a new password may have. NSX default `128`.", int64validator.Between(8, 128)),
		credit("upper_chars", "Upper-case letters"),
		credit("lower_chars", "Lower-case letters"),
		credit("digits", "Digits"),
		credit("special_chars", "Special characters"),
		intField("max_repeats", "Most times a character may repeat in a row in a new password (`aaa`); `0` does not check. NSX default `0`; STIG: at most `8`.",
			int64validator.AtLeast(0)),
		intField("max_sequence", "Longest monotonic sequence (`12345`, `fedcb`) a new password may hold; `0` does not check. NSX default `0`.",
			int64validator.AtLeast(0)),
		intField("minimum_unique_chars", "Characters a new password must change from the old one; `0` does not check. NSX default `0`.",
			int64validator.AtLeast(0)),
		intField("password_remembrance", "Earlier passwords a new one may not repeat; `0` does not check. NSX default `0`.", int64validator.AtLeast(0)),
		stringField("hash_algorithm", "How new passwords are hashed: `sha512` (NSX default) or `sha256`.", stringvalidator.OneOf("sha512", "sha256")),
	},
	validate: func(_ context.Context, cfg values, diags *diag.Diagnostics) {
		minLen, _ := cfg["minimum_password_length"].(types.Int64)
		maxLen, _ := cfg["maximum_password_length"].(types.Int64)
		if knownInt(minLen) && knownInt(maxLen) && minLen.ValueInt64() > maxLen.ValueInt64() {
			diags.AddAttributeError(path.Root("minimum_password_length"), "Minimum Password Length Above the Maximum",
				fmt.Sprintf("minimum_password_length (%d) is above maximum_password_length (%d): no password could be set. Lower the one or raise the other.",
					minLen.ValueInt64(), maxLen.ValueInt64()))
		}
	},
}

func knownInt(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }
