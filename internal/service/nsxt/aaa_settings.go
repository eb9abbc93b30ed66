package nsxt

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// Who gets in: the auth policy and node settings of every manager node, and the login
// banner, declared on the settings engine.

// NewAuthPolicyResource is nsx_auth_policy.
func NewAuthPolicyResource() resource.Resource { return authPolicy.resource() }

// NewNodeSettingsResource is nsx_node_settings.
func NewNodeSettingsResource() resource.Resource { return nodeSettings.resource() }

// NewLoginBannerResource is nsx_login_banner.
func NewLoginBannerResource() resource.Resource { return loginBanner.resource() }

// credit is a password-complexity field: N < 0 requires at least -N such characters, N > 0
// gives credit for up to N of them towards minimum_password_length, 0 turns the check off.
func credit(name, what string) field {
	return intField(name, fmt.Sprintf("%s in a new password: a negative N requires at least -N of them, a positive N gives credit "+
		"for up to N towards `minimum_password_length`, `0` does not check. NSX default `-1` (at least one). STIG: at most `-1`.", what),
		int64validator.Between(-128, 128))
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
			"Changing it restarts the node's HTTP service.", int64validator.Between(0, 9000)),
		intField("api_failed_auth_lockout_period", "Seconds a locked account stays locked out of the API. NSX default `900`; STIG: at least `900`. "+
			"Changing it restarts the node's HTTP service.", int64validator.Between(0, 9000)),
		intField("cli_max_auth_failures", "Failed CLI logins that lock an account out of the CLI. NSX default `5`; STIG: `3`.", int64validator.Between(0, 50)),
		intField("cli_failed_auth_lockout_period", "Seconds a locked account stays locked out of the CLI; further attempts restart the period. "+
			"NSX default `900`; STIG: at least `900`.", int64validator.Between(0, 9000)),
		intField("minimum_password_length", "Fewest characters a new password may have (NSX never takes fewer than 8). NSX default `12`; STIG: at least `15`.",
			int64validator.Between(8, 128)),
		intField("maximum_password_length", "Most characters a new password may have. NSX default `128`.", int64validator.Between(8, 128)),
		credit("upper_chars", "Upper-case letters"),
		credit("lower_chars", "Lower-case letters"),
		credit("digits", "Digits"),
		credit("special_chars", "Special characters"),
		intField("max_repeats", "Most times a character may repeat in a row in a new password (`aaa`); `0` does not check. NSX default `0`; STIG: at most `8`.",
			int64validator.Between(0, 128)),
		intField("max_sequence", "Longest monotonic sequence (`12345`, `fedcb`) a new password may hold; `0` does not check. NSX default `0`.",
			int64validator.Between(0, 128)),
		intField("minimum_unique_chars", "Characters a new password must change from the old one; `0` does not check. NSX default `0`.",
			int64validator.Between(0, 128)),
		intField("password_remembrance", "Earlier passwords a new one may not repeat; `0` does not check. NSX default `0`.", int64validator.Between(0, 128)),
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
			int64validator.Between(0, 86400)),
		stringField("timezone", "The node's time zone, an IANA name such as `UTC`, `Etc/UTC` or `Europe/Berlin`. STIG: `UTC` or `Etc/UTC`.",
			stringvalidator.RegexMatches(timezoneRE, "must be an IANA time zone name such as UTC, Etc/UTC or Europe/Berlin")),
		intField("cli_history_size", "Commands the CLI keeps in its history. NSX default `500`.", int64validator.Between(0, 10000)),
		boolField("cli_output_datetime", "Whether the CLI prints the date and time before each command's output. NSX default `false`."),
	},
}

var loginBanner = &settings{
	object:   nsxtapi.LoginBanner,
	typeName: "nsx_login_banner",
	description: "The banner NSX Manager shows before login (the UI's Login Consent Settings): its title, its content, whether it is shown " +
		"(`login_banner_status`) and whether the user must consent explicitly (`login_banner_checkbox_flag`). One for the manager (each Global and " +
		"Local Manager has its own).\n\n" +
		"The documents disagree on how to write it: the STIG's checks read `GET /api/v1/loginbanner`, where the vendor's STIG automation found " +
		"PUT, POST and PATCH refused, and the same automation writes `PUT /policy/api/v1/loginbanner`. The provider reads and writes " +
		"`/policy/api/v1/loginbanner`, and after a write reads `/api/v1/loginbanner` too: where it shows something else, the apply warns.\n\n" +
		"The content is kept byte for byte, line breaks included (the DoD notice has a blank line after its first sentence): write it with `<<-EOT` " +
		"or with `\\n`, and mind trailing newlines, which a heredoc adds.\n\n" +
		"Import with the id `login_banner`. **Destroying this resource leaves the banner as it is** (with a warning).",
	destroyNote: "nsx_login_banner left the state; the banner stays as the manager has it.",
	fields: []field{
		stringField("login_banner_title", "The banner's title (the consent message title), at most 255 characters.", stringvalidator.LengthAtMost(255)),
		stringField("login_banner_content", "The banner's text (the consent message description), at most 64,000 characters, byte for byte. "+
			"STIG: the Standard Mandatory DoD Notice and Consent Banner.", stringvalidator.LengthAtMost(64000)),
		boolField("login_banner_status", "Whether the banner is shown before login. STIG: `true`."),
		boolField("login_banner_checkbox_flag", "Whether the user must tick the consent box to log in. STIG: `true`."),
	},
	after: func(ctx context.Context, r *settingsResource, c *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics) {
		shown, err := c.LoginBannerAsShown(ctx)
		if err != nil {
			diags.AddWarning("Login Banner Not Read Where the STIG Reads It",
				"The banner was written to /policy/api/v1/loginbanner, but reading /api/v1/loginbanner, where the STIG's checks read it, failed: "+err.Error())
			return
		}
		var diffs []string
		for _, f := range r.decl.fields {
			written, _ := w.After.Raw(f.jsonPath())
			if compact(shown[f.jsonPath()]) != compact(written) {
				diffs = append(diffs, f.name)
			}
		}
		if len(diffs) > 0 {
			diags.AddWarning("Login Banner Shown Differently",
				fmt.Sprintf("/api/v1/loginbanner, where the STIG's checks read the banner, differs from what was written in: %v.", diffs))
		}
	},
}
