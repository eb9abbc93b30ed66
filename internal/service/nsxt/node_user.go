package nsxt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// nsx_node_user: a local user of the manager (kept in the cluster's database and synchronised
// to every node).

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
	OldPassword             types.String `tfsdk:"old_password_wo"`
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
			"A user created here that NSX holds already (an apply stopped before it could record it) is never taken over: its password " +
			"cannot be compared, so the create stops and shows the `terraform import`. After an import, the first apply records " +
			"`password_wo_version` without sending the password unless `old_password_wo` is given.\n\n" +
			"Import by user name or user id. **Destroying** a created user deletes it; destroying one of the built-in users leaves it as it is " +
			"(with a warning).",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The user id, as a string."),
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
			"old_password_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "The password the user has now, write-only: NSX changes a password only with the current one " +
					"(`old_password` on the user's PUT), so it is needed to rotate the password of an active user and to set the " +
					"password of a built-in user that is active when taken over; not to create or activate a user. Sent with " +
					"`password_wo` only; never stored. When the user is the account the `nsxt` block logs in with, see \"Rotating " +
					"the provider's own password\" below. Whether NSX counts a wrong current password as a failed login is not documented: the provider " +
					"sends it once and never again in the run, so a wrong one costs at most one failed attempt towards the lockout " +
					"either way (both readings are tested).",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("password_wo")), stringvalidator.LengthBetween(1, 128)},
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
		password := writeOnly(ctx, c, req.Config, "password_wo", &resp.Diagnostics)
		name := plan.Username.ValueString()
		u, err := c.NodeUserByName(ctx, name)
		switch {
		case err == nil && builtinUsers[u.UserID] == "":
			found{TypeName: userType, Kind: "NSX Local User", What: fmt.Sprintf("a local user %s (id %d)", name, u.UserID), ImportID: name,
				Unprovable: "a local user's password cannot be compared, so the provider never takes one over unasked"}.refuse(&resp.Diagnostics, path.Root("username"))
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
		r.apply(ctx, c, &plan, u, password, req.Config, &resp.State, &resp.Diagnostics)
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
	framework.Change(ctx, &r.ResourceBase, Manager, req, resp, &plan, &state, func(ctx context.Context, c *nsxtapi.Client) {
		var password *string
		if !plan.PasswordVersion.Equal(state.PasswordVersion) {
			password = writeOnly(ctx, c, req.Config, "password_wo", &resp.Diagnostics)
			var old types.String
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("old_password_wo"), &old)...)
			if password != nil && state.PasswordVersion.IsNull() && state.Status.ValueString() != "NOT_ACTIVATED" && old.IsNull() {
				// An imported user (or one first given a password here): it has a password
				// already, which NSX changes only with the current one.
				resp.Diagnostics.AddAttributeWarning(path.Root("password_wo_version"), "Password Version Recorded, Password Not Sent",
					fmt.Sprintf("%s had no password_wo_version in the state (an import, say) and has a password already, which NSX changes only "+
						"with the current one: the version is recorded and password_wo was not sent. To set it, give old_password_wo and raise "+
						"password_wo_version.", state.Username.ValueString()))
				password = nil
			}
		}
		u, err := c.NodeUserByID(ctx, state.UserID.ValueInt64())
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX Local User", "Reading the user "+state.Username.ValueString(), err)
			return
		}
		r.apply(ctx, c, &plan, u, password, req.Config, &resp.State, &resp.Diagnostics)
	})
}

// apply brings the user u to plan: its attributes, a new password (with the current one from
// cfg, as NSX requires), its activation. Each step NSX took is recorded in st at once.
func (r *nodeUserResource) apply(ctx context.Context, c *nsxtapi.Client, plan *nodeUserModel, u *nsxtapi.NodeUser, password *string,
	cfg tfsdk.Config, st *tfsdk.State, diags *diag.Diagnostics) {
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
		if w.OldPassword = writeOnly(ctx, c, cfg, "old_password_wo", diags); w.OldPassword == nil {
			diags.AddAttributeError(path.Root("old_password_wo"), "Current Password Needed", oldPasswordNeeded(name))
			return
		}
		w.Password, changed = password, true
	}
	var err error
	if changed {
		if u, err = c.UpdateNodeUser(ctx, u, w); err != nil {
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
	if errors.Is(err, nsxtapi.ErrOldPasswordRefused) {
		r.Managers.FailedAt(diags, path.Root("old_password_wo"), "Current Password Refused by NSX",
			verb+" the user "+name+" failed: NSX did not take old_password_wo as the user's current password", err)
		return
	}
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

// ModifyPlan reports a missing nsxt block at plan time, as the apply would, and a rotation of
// an active user's password without its current one.
func (r *nodeUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, userType)...)
	if req.State.Raw.IsNull() {
		return
	}
	var plan, state nodeUserModel
	var old types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("old_password_wo"), &old)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// From no version (an import) the update records it and sends nothing without the
	// current password (see Update); from one version to another it is a rotation.
	rotates := !plan.PasswordVersion.IsUnknown() && !plan.PasswordVersion.Equal(state.PasswordVersion) &&
		!plan.PasswordVersion.IsNull() && !state.PasswordVersion.IsNull()
	if rotates && state.Status.ValueString() != "NOT_ACTIVATED" && old.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("old_password_wo"), "Current Password Needed", oldPasswordNeeded(state.Username.ValueString()))
	}
}

// oldPasswordNeeded says why a password change needs old_password_wo.
func oldPasswordNeeded(name string) string {
	return fmt.Sprintf("NSX changes the password of %s only with the one it has now (old_password on the user's PUT): set old_password_wo "+
		"to the current password along with password_wo. Nothing was sent.", name)
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

// writeOnly is the configured value of the write-only attribute attr (nil: none), which c
// then masks wherever it could show. Write-only values are in the configuration only.
func writeOnly(ctx context.Context, c *nsxtapi.Client, cfg tfsdk.Config, attr string, diags *diag.Diagnostics) *string {
	var v types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root(attr), &v)...)
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
