package nsxt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
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

// NewNodeUserResource is nsx_node_user.
func NewNodeUserResource() resource.Resource {
	return &nodeUserResource{framework.ResourceBase{TypeName: "nsx_node_user"}}
}

type nodeUserResource struct{ framework.ResourceBase }

type nodeUserModel struct {
	ID                      types.String `tfsdk:"id"`
	UserID                  types.Int64  `tfsdk:"userid"`
	Username                types.String `tfsdk:"username"`
	Active                  types.Bool   `tfsdk:"active"`
	FullName                types.String `tfsdk:"full_name"`
	PasswordChangeFrequency types.Int64  `tfsdk:"password_change_frequency"`
	PasswordChangeWarning   types.Int64  `tfsdk:"password_change_warning"`
	Password                types.String `tfsdk:"password_wo"`
	PasswordVersion         types.Int64  `tfsdk:"password_wo_version"`
	Status                  types.String `tfsdk:"status"`
	LastPasswordChange      types.Int64  `tfsdk:"last_password_change"`
	PasswordResetRequired   types.Bool   `tfsdk:"password_reset_required"`
	framework.Timeouts
}

const userType = "nsx_node_user"

// The local users a fresh manager has, by user id: they are taken over, never created or
// deleted. admin (10000) cannot be deactivated.
var builtinUsers = map[int64]string{10000: "admin", 10002: "audit", 10003: "guestuser1", 10004: "guestuser2"}

const adminID = 10000

var nodeUserName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9._-]{0,31}$`)

func (r *nodeUserResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stable := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A local user of NSX Manager (`/api/v1/node/users`): the users a fresh manager has (`admin`, `audit`, `guestuser1`, " +
			"`guestuser2`), which this resource takes over, and users created on NSX 4.1 and later, which it creates and deletes. NSX keeps local " +
			"users in the cluster's database and synchronises them to every manager node (Broadcom KB 419567; a password change can take a few " +
			"minutes to reach the other nodes), so the provider writes a user once, through any node.\n\n" +
			"`active = false` deactivates the account (it can no longer log in); `active = true` activates it, which needs a password. The " +
			"password is **write-only**: `password_wo` is sent to NSX when the user is created or activated and whenever `password_wo_version` " +
			"changes, and is never stored in the state or the plan (Terraform 1.11 and later). NSX checks it against the node's password policy " +
			"(see `nsx_auth_policy`); a password the policy refuses is an error that names the rule.\n\n" +
			"Import by user name or user id. **Destroying** a created user deletes it; destroying one of the built-in users leaves it as it is " +
			"(with a warning).",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "The user id, as a string.", PlanModifiers: stable},
			"userid": schema.Int64Attribute{Computed: true, MarkdownDescription: "The user id (`10000` is admin, `10002` audit).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"username": schema.StringAttribute{
				Required: true, MarkdownDescription: "The user's login name. Changing it replaces the resource.",
				Validators: []validator.String{stringvalidator.RegexMatches(nodeUserName,
					"must start with a letter and hold at most 32 letters, digits, '.', '_' and '-'")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"active": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Whether the account may log in. `false` deactivates it; `true` activates it and needs `password_wo`. " +
					"admin cannot be deactivated. STIG: `false` for audit, guestuser1 and guestuser2. Left as NSX has it when not set.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"full_name": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The user's full name. Left as NSX has it when not set.",
				Validators: []validator.String{stringvalidator.LengthAtMost(255)}, PlanModifiers: stable,
			},
			"password_change_frequency": schema.Int64Attribute{
				Optional: true, Computed: true, MarkdownDescription: "Days after which the password expires; `0` never. NSX default `90`.",
				Validators:    []validator.Int64{int64validator.Between(0, 9999)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"password_change_warning": schema.Int64Attribute{
				Optional: true, Computed: true, MarkdownDescription: "Days before expiry from which NSX warns the user. NSX default `7`.",
				Validators:    []validator.Int64{int64validator.Between(0, 9999)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"password_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "The user's password, write-only: sent on create, on activation and when `password_wo_version` changes; " +
					"never stored. Requires Terraform 1.11 or later.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("password_wo_version")), stringvalidator.LengthBetween(1, 128)},
			},
			"password_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number; change it to send `password_wo` again (to rotate the password).",
			},
			"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`ACTIVE`, `NOT_ACTIVATED` or `PASSWORD_EXPIRED`, as NSX reports it."},
			"last_password_change": schema.Int64Attribute{Computed: true,
				MarkdownDescription: "When the password last changed (milliseconds since the epoch)."},
			"password_reset_required": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether NSX asks the user for a new password at the next login."},
		},
	}
}

func (r *nodeUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan nodeUserModel
	framework.Do(ctx, req.Plan, r.Op("create"), &plan, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		password := writeOnly(ctx, c, req.Config, &resp.Diagnostics)
		name := plan.Username.ValueString()
		u, err := c.NodeUserByName(ctx, name)
		switch {
		case err == nil && builtinUsers[u.UserID] == "":
			resp.Diagnostics.AddAttributeError(path.Root("username"), "NSX Local User Exists",
				fmt.Sprintf("NSX has a local user %s (id %d) already. Bring it under Terraform with `terraform import %s.<name> %s` (or an import block).",
					name, u.UserID, userType, name))
			return
		case errors.Is(err, nsxtapi.ErrNotFound):
			w := nsxtapi.NodeUserWrite{Username: &name, FullName: framework.Optional(plan.FullName), Password: password,
				PasswordChangeFrequency: optionalInt(plan.PasswordChangeFrequency), PasswordChangeWarning: optionalInt(plan.PasswordChangeWarning)}
			if u, err = c.CreateNodeUser(ctx, w); err != nil {
				r.writeFailed(&resp.Diagnostics, "Creating", name, err)
				return
			}
			// NSX took the user: the state says so even if a later step fails.
			resp.Diagnostics.Append(r.record(ctx, &resp.State, &plan, u)...)
			password = nil // sent already
		case err != nil:
			r.Managers.Failed(&resp.Diagnostics, "Reading the NSX Local Users Failed", "Looking for the user "+name, err)
			return
		}
		r.apply(ctx, c, &plan, u, password, &resp.State, &resp.Diagnostics)
	})
}

func (r *nodeUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state nodeUserModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX Local User", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		u, err := c.NodeUserByID(ctx, state.UserID.ValueInt64())
		if err == nil {
			state.fromAPI(u)
		}
		return "Reading the user " + state.Username.ValueString(), err
	})
}

func (r *nodeUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state nodeUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.Do(ctx, req.Plan, r.Op("update"), &plan, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		var password *string
		if !plan.PasswordVersion.Equal(state.PasswordVersion) {
			password = writeOnly(ctx, c, req.Config, &resp.Diagnostics)
		}
		u, err := c.NodeUserByID(ctx, state.UserID.ValueInt64())
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Local User", "Reading the user "+state.Username.ValueString(), err)
			return
		}
		r.apply(ctx, c, &plan, u, password, &resp.State, &resp.Diagnostics)
	})
}

// apply brings the user u to plan: its attributes, a new password, its activation. Each step
// NSX took is recorded in st at once.
func (r *nodeUserResource) apply(ctx context.Context, c *nsxtapi.Client, plan *nodeUserModel, u *nsxtapi.NodeUser, password *string,
	st *tfsdk.State, diags *diag.Diagnostics) {
	name := plan.Username.ValueString()
	w := nsxtapi.NodeUserWrite{}
	changed := false
	if framework.Known(plan.FullName) && plan.FullName.ValueString() != u.FullName {
		w.FullName, changed = framework.Optional(plan.FullName), true
	}
	if v := optionalInt(plan.PasswordChangeFrequency); v != nil && *v != u.PasswordChangeFrequency {
		w.PasswordChangeFrequency, changed = v, true
	}
	if v := optionalInt(plan.PasswordChangeWarning); v != nil && *v != u.PasswordChangeWarning {
		w.PasswordChangeWarning, changed = v, true
	}
	activate := isTrue(plan.Active) && u.Status == "NOT_ACTIVATED"
	if password != nil && !activate {
		w.Password, changed = password, true
	}
	var err error
	if changed {
		if u, err = c.UpdateNodeUser(ctx, u.UserID, w); err != nil {
			r.writeFailed(diags, "Updating", name, err)
			return
		}
		diags.Append(r.record(ctx, st, plan, u)...)
	}
	switch {
	case activate:
		if password == nil {
			diags.AddAttributeError(path.Root("password_wo"), "Password Needed to Activate the User",
				fmt.Sprintf("%s is not active, and NSX activates an account only with a new password: set password_wo (and password_wo_version).", name))
			return
		}
		if u, err = c.ActivateNodeUser(ctx, u.UserID, *password); err != nil {
			r.writeFailed(diags, "Activating", name, err)
			return
		}
	case framework.IsFalse(plan.Active) && u.Status != "NOT_ACTIVATED":
		if u.UserID == adminID {
			diags.AddAttributeError(path.Root("active"), "admin Cannot Be Deactivated", "NSX does not deactivate the admin account (user id 10000).")
			return
		}
		if u, err = c.DeactivateNodeUser(ctx, u.UserID); err != nil {
			r.writeFailed(diags, "Deactivating", name, err)
			return
		}
	}
	diags.Append(r.record(ctx, st, plan, u)...)
}

// record sets the state to plan with what NSX answered of u.
func (r *nodeUserResource) record(ctx context.Context, st *tfsdk.State, plan *nodeUserModel, u *nsxtapi.NodeUser) diag.Diagnostics {
	m := *plan
	m.fromAPI(u)
	m.Password = types.StringNull() // write-only: never in the state
	return st.Set(ctx, &m)
}

func (r *nodeUserResource) writeFailed(diags *diag.Diagnostics, verb, name string, err error) {
	if errors.Is(err, nsxtapi.ErrPasswordRefused) {
		r.Managers.FailedAt(diags, path.Root("password_wo"), "Password Refused by the NSX Password Policy",
			verb+" the user "+name+" failed: NSX refused the password (see nsx_auth_policy for the rules)", err)
		return
	}
	r.Managers.Failed(diags, verb+" the NSX Local User Failed", verb+" the user "+name+" failed", err)
}

func (r *nodeUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state nodeUserModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		id := state.UserID.ValueInt64()
		if builtin := builtinUsers[id]; builtin != "" {
			resp.Diagnostics.AddWarning("NSX Local User Left As It Is",
				fmt.Sprintf("%s is one of NSX's own local users (id %d): destroying the resource leaves it as it is (%s).", state.Username.ValueString(), id,
					strings.ToLower(state.Status.ValueString())))
			return
		}
		if err := c.DeleteNodeUser(ctx, id); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
			r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Local User Failed", "Deleting the user "+state.Username.ValueString(), err)
		}
	})
}

// ImportState takes a user name or a user id.
func (r *nodeUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	framework.Import(ctx, r.Managers, Manager, userType, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		var u *nsxtapi.NodeUser
		var err error
		if n, perr := strconv.ParseInt(id, 10, 64); perr == nil {
			u, err = c.NodeUserByID(ctx, n)
		} else if nodeUserName.MatchString(id) {
			u, err = c.NodeUserByName(ctx, id)
		} else {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Import %s by the user's name (audit) or id (10002), not %q.", userType, req.ID))
			return
		}
		if errors.Is(err, nsxtapi.ErrNotFound) {
			resp.Diagnostics.AddError("NSX Local User Not Found", fmt.Sprintf("NSX has no local user %q.", id))
			return
		}
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Local User", "Reading the user "+id+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(u.UserID, 10))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("userid"), u.UserID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("username"), u.Username)...)
	})
}

// ValidateConfig refuses deactivating admin, and activating without a password where the
// configuration says so.
func (r *nodeUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg nodeUserModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if framework.Known(cfg.Username) && cfg.Username.ValueString() == "admin" && framework.IsFalse(cfg.Active) {
		resp.Diagnostics.AddAttributeError(path.Root("active"), "admin Cannot Be Deactivated",
			"NSX does not deactivate the admin account; it is the account of last resort the STIG keeps.")
	}
}

// ModifyPlan reports a missing nsxt block at plan time, as the apply would.
func (r *nodeUserResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, userType)...)
}

// fromAPI records a user as NSX answered it.
func (m *nodeUserModel) fromAPI(u *nsxtapi.NodeUser) {
	m.ID = types.StringValue(strconv.FormatInt(u.UserID, 10))
	m.UserID = types.Int64Value(u.UserID)
	m.Username = types.StringValue(u.Username)
	m.Active = types.BoolValue(u.Status != "NOT_ACTIVATED")
	m.FullName = types.StringValue(u.FullName)
	m.PasswordChangeFrequency = types.Int64Value(u.PasswordChangeFrequency)
	m.PasswordChangeWarning = types.Int64Value(u.PasswordChangeWarning)
	m.Status = types.StringValue(u.Status)
	m.LastPasswordChange = types.Int64Value(u.LastPasswordChange)
	m.PasswordResetRequired = types.BoolValue(u.PasswordResetRequired)
}

// writeOnly is the configured password_wo (nil: none). Write-only values are in the
// configuration only.
// writeOnly is the configured password_wo (nil: none), which c then masks wherever it could
// show.
func writeOnly(ctx context.Context, c *nsxtapi.Client, cfg tfsdk.Config, diags *diag.Diagnostics) *string {
	var v types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("password_wo"), &v)...)
	pw := framework.Optional(v)
	if pw != nil {
		c.Secrets(*pw)
	}
	return pw
}

func optionalInt(v types.Int64) *int64 {
	if !framework.Known(v) {
		return nil
	}
	n := v.ValueInt64()
	return &n
}

var _ framework.ModelReader = (*roleBindingsDataSource)(nil)

// NewRoleBindingResource is nsx_role_binding.
func NewRoleBindingResource() resource.Resource {
	return &roleBindingResource{framework.ResourceBase{TypeName: "nsx_role_binding"}}
}

type roleBindingResource struct{ framework.ResourceBase }

type roleBindingModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Type               types.String `tfsdk:"type"`
	IdentitySourceType types.String `tfsdk:"identity_source_type"`
	IdentitySourceID   types.String `tfsdk:"identity_source_id"`
	RolesForPaths      types.Map    `tfsdk:"roles_for_paths"`
	Revision           types.Int64  `tfsdk:"revision"`
	framework.Timeouts
}

const bindingType = "nsx_role_binding"

var (
	bindingTypes    = []string{"remote_user", "remote_group", "local_user", "principal_identity"}
	identitySources = []string{"VIDM", "LDAP", "OIDC", "CSP"}
	roleID          = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	policyPath      = regexp.MustCompile(`^/([^\s]*)$`)
)

func (r *roleBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A role binding of NSX (`/policy/api/v1/aaa/role-bindings`): the roles a user, a group or a principal identity holds, " +
			"by policy path (`/` is all of NSX). Role bindings are the cluster's, written once through any node. A binding someone else changed " +
			"shows in the next plan; a binding someone deleted is created again. Use the `nsx_role_bindings` data source to check that only " +
			"authorised users hold roles (STIG VCFN-9X-000010).\n\nImport by the binding's id, or by `<type>/<name>` (e.g. `local_user/audit`).",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The binding's id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Who the binding is for: a user (`jdoe@corp.example.com`), a group, a local user (`audit`) or a principal identity's name. Changing it replaces the binding.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: replace,
			},
			"type": schema.StringAttribute{
				Required: true, MarkdownDescription: "`remote_user`, `remote_group`, `local_user` or `principal_identity`. Changing it replaces the binding.",
				Validators: []validator.String{stringvalidator.OneOf(bindingTypes...)}, PlanModifiers: replace,
			},
			"identity_source_type": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Where a remote user or group comes from: `VIDM`, `LDAP`, `OIDC` or `CSP`.",
				Validators: []validator.String{stringvalidator.OneOf(identitySources...)}, PlanModifiers: replace,
			},
			"identity_source_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "The id of the LDAP or OIDC identity source the user or group comes from.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace,
			},
			"roles_for_paths": rolesAttribute(),
			"revision":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The binding's `_revision` as last read."},
		},
	}
}

func (r *roleBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleBindingModel
	framework.Do(ctx, req.Plan, r.Op("create"), &plan, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		b, diags := plan.toAPI(ctx)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		out, err := c.CreateRoleBinding(ctx, b)
		if err != nil {
			r.writeFailed(&resp.Diagnostics, "Creating", b, err)
			return
		}
		resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *roleBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleBindingModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX Role Binding", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		b, err := c.RoleBinding(ctx, state.ID.ValueString())
		if err == nil {
			resp.Diagnostics.Append(state.fromAPI(ctx, b)...)
		}
		return "Reading the role binding " + state.ID.ValueString(), err
	})
}

func (r *roleBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state roleBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	framework.Do(ctx, req.Plan, r.Op("update"), &plan, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		want, diags := plan.toAPI(ctx)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		want.ID = state.ID.ValueString()
		var out *nsxtapi.RoleBinding
		for attempt := 1; ; attempt++ {
			cur, err := c.RoleBinding(ctx, want.ID)
			if err != nil {
				r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding for its _revision", err)
				return
			}
			want.Revision = cur.Revision
			out, err = c.UpdateRoleBinding(ctx, want)
			if errors.Is(err, nsxtapi.ErrStaleRevision) && attempt == 1 {
				continue // someone wrote between our read and our write: once more
			}
			if err != nil {
				r.writeFailed(&resp.Diagnostics, "Changing", want, err)
				return
			}
			break
		}
		resp.Diagnostics.Append(plan.fromAPI(ctx, out)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *roleBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleBindingModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if err := c.DeleteRoleBinding(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, nsxtapi.ErrNotFound) {
			r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Role Binding Failed", "Deleting the role binding of "+state.Name.ValueString(), err)
		}
	})
}

// ImportState takes a binding's id, or <type>/<name>.
func (r *roleBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	framework.Import(ctx, r.Managers, Manager, bindingType, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		if kind, name, found := strings.Cut(id, "/"); found {
			all, err := c.RoleBindings(ctx)
			if err != nil {
				r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Role Bindings", "Listing the role bindings to import "+id, err)
				return
			}
			id = ""
			for _, b := range all {
				if b.Type == kind && b.Name == name {
					id = b.ID
				}
			}
			if id == "" {
				resp.Diagnostics.AddError("NSX Role Binding Not Found", fmt.Sprintf("NSX has no %s role binding for %q.", kind, name))
				return
			}
		} else if _, err := c.RoleBinding(ctx, id); errors.Is(err, nsxtapi.ErrNotFound) {
			resp.Diagnostics.AddError("NSX Role Binding Not Found", fmt.Sprintf("NSX has no role binding %q; import by its id or by <type>/<name>, e.g. local_user/audit.", id))
			return
		} else if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Role Binding", "Reading the role binding "+id+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	})
}

// ModifyPlan reports a missing nsxt block at plan time, as the apply would.
func (r *roleBindingResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, bindingType)...)
}

func (r *roleBindingResource) writeFailed(diags *diag.Diagnostics, verb string, b nsxtapi.RoleBinding, err error) {
	r.Managers.Failed(diags, verb+" the NSX Role Binding Failed", fmt.Sprintf("%s the role binding of %s %s failed", verb, b.Type, b.Name), err)
}

// toAPI is the binding m asks for.
func (m *roleBindingModel) toAPI(ctx context.Context) (nsxtapi.RoleBinding, diag.Diagnostics) {
	b := nsxtapi.RoleBinding{Name: m.Name.ValueString(), Type: m.Type.ValueString(),
		IdentitySourceType: m.IdentitySourceType.ValueString(), IdentitySourceID: m.IdentitySourceID.ValueString()}
	var diags diag.Diagnostics
	b.RolesForPaths, diags = rolesToAPI(ctx, m.RolesForPaths)
	return b, diags
}

// fromAPI records a binding as NSX answered it.
func (m *roleBindingModel) fromAPI(_ context.Context, b *nsxtapi.RoleBinding) diag.Diagnostics {
	m.ID = types.StringValue(b.ID)
	m.Name = types.StringValue(b.Name)
	m.Type = types.StringValue(b.Type)
	m.IdentitySourceType = framework.NullIfEmpty(b.IdentitySourceType)
	m.IdentitySourceID = framework.NullIfEmpty(b.IdentitySourceID)
	m.Revision = types.Int64Value(b.Revision)
	var diags diag.Diagnostics
	m.RolesForPaths, diags = rolesFromAPI(b.RolesForPaths)
	return diags
}

// rolesToAPI is a roles_for_paths map (path → set of roles) as NSX takes it, sorted.
func rolesToAPI(ctx context.Context, m types.Map) ([]nsxtapi.RolesForPath, diag.Diagnostics) {
	var rfp map[string][]string
	diags := m.ElementsAs(ctx, &rfp, false)
	var out []nsxtapi.RolesForPath
	for _, p := range framework.SortedKeys(rfp) {
		roles := append([]string(nil), rfp[p]...)
		sort.Strings(roles)
		pr := nsxtapi.RolesForPath{Path: p}
		for _, role := range roles {
			pr.Roles = append(pr.Roles, nsxtapi.RoleRef{Role: role})
		}
		out = append(out, pr)
	}
	return out, diags
}

// rolesFromAPI is NSX's roles_for_paths as the attribute holds it.
func rolesFromAPI(rfp []nsxtapi.RolesForPath) (types.Map, diag.Diagnostics) {
	paths := map[string]attr.Value{}
	for _, pr := range rfp {
		roles := make([]attr.Value, 0, len(pr.Roles))
		for _, role := range pr.Roles {
			roles = append(roles, types.StringValue(role.Role))
		}
		paths[pr.Path] = types.SetValueMust(types.StringType, roles)
	}
	return types.MapValue(types.SetType{ElemType: types.StringType}, paths)
}

// NewRoleBindingsDataSource is nsx_role_bindings.
func NewRoleBindingsDataSource() datasource.DataSource {
	return &roleBindingsDataSource{framework.DataSourceBase{TypeName: "nsx_role_bindings"}}
}

type roleBindingsDataSource struct{ framework.DataSourceBase }

type roleBindingsModel struct {
	ID       types.String                   `tfsdk:"id"`
	Type     types.String                   `tfsdk:"type"`
	Bindings []roleBindingItem              `tfsdk:"bindings"`
	Roles    map[string][]string            `tfsdk:"roles"`
	ByName   map[string]map[string][]string `tfsdk:"roles_by_path"`
	framework.ReadTimeouts
}

type roleBindingItem struct {
	ID                 string                       `tfsdk:"id"`
	Name               string                       `tfsdk:"name"`
	Type               string                       `tfsdk:"type"`
	IdentitySourceType string                       `tfsdk:"identity_source_type"`
	IdentitySourceID   string                       `tfsdk:"identity_source_id"`
	RolesForPaths      map[string][]roleDisplayItem `tfsdk:"roles_for_paths"`
}

type roleDisplayItem struct {
	Role        string `tfsdk:"role"`
	DisplayName string `tfsdk:"role_display_name"`
}

func (d *roleBindingsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := framework.ComputedString
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Every role binding of NSX (`/policy/api/v1/aaa/role-bindings`, every page), with the roles each holds by path and " +
			"their display names, for `check` blocks that assert only authorised users hold roles (STIG VCFN-9X-000010: the STIG's check compares " +
			"each user's role display names on `/` with the authorised ones).",
		Attributes: map[string]dschema.Attribute{
			"timeouts": framework.DataSourceTimeouts(ctx),
			"id":       str("A digest of the filter."),
			"type": dschema.StringAttribute{
				Optional: true, MarkdownDescription: "Only bindings of this type: `remote_user`, `remote_group`, `local_user` or `principal_identity`.",
				Validators: []validator.String{stringvalidator.OneOf(bindingTypes...)},
			},
			"bindings": dschema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The bindings, sorted by name, then type, then id.",
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"id": str("The binding's id."), "name": str("Who the binding is for."), "type": str("The binding's type."),
					"identity_source_type": str("Where a remote user or group comes from (empty for local users)."),
					"identity_source_id":   str("The identity source's id (empty when none)."),
					"roles_for_paths": dschema.MapAttribute{Computed: true, MarkdownDescription: "Path → the roles held there.",
						ElementType: types.ListType{ElemType: types.ObjectType{AttrTypes: map[string]attr.Type{"role": types.StringType, "role_display_name": types.StringType}}}},
				}},
			},
			"roles": dschema.MapAttribute{
				Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Name → the display names of the roles held on `/`, sorted: what the STIG's check compares " +
					"(`roles[\"admin\"]` is `[\"Enterprise Admin\"]` on a fresh manager). Where several bindings share a name, their roles are merged.",
			},
			"roles_by_path": dschema.MapAttribute{
				Computed: true, ElementType: types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
				MarkdownDescription: "Name → path → the role identifiers held there, sorted.",
			},
		},
	}
}

func (d *roleBindingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	framework.ReadInto(ctx, d, req, resp)
}

// ReadModel lists every role binding.
func (d *roleBindingsDataSource) ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any {
	var data roleBindingsModel
	ctx, c, done, ok := framework.Open(ctx, req.Config, d.ReadOp(), &data, d.Managers, Manager, diags)
	defer done()
	if !ok {
		return nil
	}
	all, err := c.RoleBindings(ctx)
	if err != nil {
		d.Managers.ReadFailed(diags, "the NSX Role Bindings", "Listing the role bindings", err)
		return nil
	}
	data.fromAPI(all)
	data.ID = types.StringValue(framework.Digest(data.Type.ValueString()))
	return &data
}

// fromAPI keeps the bindings of data's type, sorted by name, type and id (the one rule for
// ties).
func (data *roleBindingsModel) fromAPI(all []nsxtapi.RoleBinding) {
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.ID < b.ID
	})
	data.Bindings = make([]roleBindingItem, 0, len(all))
	data.Roles = map[string][]string{}
	data.ByName = map[string]map[string][]string{}
	for _, b := range all {
		if !framework.Matches(data.Type, b.Type) {
			continue
		}
		item := roleBindingItem{ID: b.ID, Name: b.Name, Type: b.Type, IdentitySourceType: b.IdentitySourceType,
			IdentitySourceID: b.IdentitySourceID, RolesForPaths: map[string][]roleDisplayItem{}}
		if data.ByName[b.Name] == nil {
			data.ByName[b.Name] = map[string][]string{}
		}
		for _, pr := range b.RolesForPaths {
			for _, role := range pr.Roles {
				item.RolesForPaths[pr.Path] = append(item.RolesForPaths[pr.Path], roleDisplayItem{Role: role.Role, DisplayName: role.DisplayName})
				data.ByName[b.Name][pr.Path] = appendSorted(data.ByName[b.Name][pr.Path], role.Role)
				if pr.Path == "/" {
					data.Roles[b.Name] = appendSorted(data.Roles[b.Name], role.DisplayName)
				}
			}
		}
		if _, ok := data.Roles[b.Name]; !ok {
			data.Roles[b.Name] = []string{}
		}
		data.Bindings = append(data.Bindings, item)
	}
}

// appendSorted adds s to the sorted list, once.
func appendSorted(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	if i < len(list) && list[i] == s {
		return list
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

// rolesAttribute is roles_for_paths of a role binding or a principal identity.
func rolesAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		Required: true, ElementType: types.SetType{ElemType: types.StringType},
		MarkdownDescription: "Policy path → the role identifiers held there, e.g. `{ \"/\" = [\"auditor\"] }` " +
			"(`enterprise_admin`, `auditor`, `network_engineer`, `network_op`, `security_engineer`, `security_op`, `lb_admin`, `lb_auditor`, " +
			"`vpn_admin`, `project_admin`…). NSX refuses a role it does not know.",
		Validators: []validator.Map{
			mapvalidator.SizeAtLeast(1),
			mapvalidator.KeysAre(stringvalidator.RegexMatches(policyPath, "must be a policy path starting with /")),
			mapvalidator.ValueSetsAre(setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
				stringvalidator.RegexMatches(roleID, "must be a role identifier such as enterprise_admin or auditor"))),
		},
	}
}
