package nsxv

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxv "github.com/netsession/terraform-provider-nsx/internal/nsxv"
)

type cliUserRoleResource struct{ framework.ResourceBase }

type cliUserRoleModel struct {
	ID          types.String `tfsdk:"id"`
	UserID      types.String `tfsdk:"user_id"`
	Role        types.String `tfsdk:"role"`
	ResourceIDs types.Set    `tfsdk:"resource_ids"`
	Adopt       types.Bool   `tfsdk:"adopt_existing"`
	framework.Timeouts
}

const typeName = "nsxv_cli_user_role"

// loweredNote names, for Managers.Note, a role this process's destroy lowered.
func loweredNote(user string) string { return typeName + " lowered " + user }

// leastRole is what a role NSX-v will not delete is lowered to on destroy.
const leastRole = "auditor"

// cliRoles are the roles NSX-v accepts for CLI users since 6.3; legacyRoles were accepted
// before.
var (
	cliRoles    = []string{"auditor", "security_admin", "super_user"}
	legacyRoles = []string{"enterprise_admin", "vshield_admin"}
	// cliUserName is what the NSX Manager console accepts as a user name, less the case rule,
	// which has its own message.
	cliUserName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]*$`)
)

func (r *cliUserRoleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The NSX Manager role of an API-only NSX-v user: a local CLI user created on the NSX Manager console, " +
			"which can call the API but cannot log in to the vSphere Web Client, so that the audit log tells each automation apart. " +
			"The role of such a user can only be assigned through the API (`/api/2.0/services/usermgmt/role/{userId}?isCli=true`).\n\n" +
			"Create the user on the console first:\n\n" +
			"```\nenable\nconfigure terminal\nuser api password plaintext <password>\nuser api privilege web-interface\nwrite memory\n```\n\n" +
			"The type is not prefixed `nsx_`, so set `provider = nsx` on it.\n\n" +
			"**Destroying this resource** asks NSX-v to delete the role. NSX-v keeps the role of a local user; the provider then says so in a warning " +
			"and removes the resource from the state. Revoke the account's access on the console (`no user api privilege web-interface`) if it must end.",
		Attributes: map[string]schema.Attribute{
			"timeouts": framework.CRUDTimeouts(ctx),
			"id":       framework.Assigned("The user id."),
			"user_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The user's literal name as created on the console (not an object id), e.g. `api`. " +
					"Lower case only: the console refuses upper-case letters in user names. Changing it replaces the resource.",
				Validators: []validator.String{
					lowerCaseUserName{},
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(cliUserName, "must start with a letter and hold only letters, digits, '_', '.' and '-'"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`auditor`, `security_admin` or `super_user`. The older `enterprise_admin` and `vshield_admin` are accepted " +
					"for CLI users only by NSX-v 6.2 and earlier.",
				Validators: []validator.String{stringvalidator.OneOf(append(append([]string(nil), cliRoles...), legacyRoles...)...)},
			},
			"resource_ids": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The scope of the role: object ids such as `globalroot-0` (everything, the default), `datacenter-2` or `edge-1`. " +
					"NSX-v takes a scope only for `auditor` and `security_admin`; the other roles apply to the whole system.",
				Default:    setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{types.StringValue(nsxv.GlobalRoot)})),
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "When the user already has a role at create, take it over and set it to `role` (with a warning that names the " +
					"role it had) instead of failing. Default `false`: an existing role is an error that shows the import command, so that a role " +
					"someone else gave is never changed by surprise.",
			},
		},
	}
}

// write runs op (create or update) with the user and the role the plan asks for.
func (r *cliUserRoleResource) write(ctx context.Context, op string, src tfsdk.Plan, plan *cliUserRoleModel, diags *diag.Diagnostics,
	run func(ctx context.Context, c *nsxv.Client, user string, want nsxv.Role)) {
	framework.Do(ctx, src, r.Op(op), plan, r.Managers, Manager, diags, func(ctx context.Context, c *nsxv.Client) {
		want, d := plan.toAPI(ctx)
		if diags.Append(d...); !d.HasError() {
			run(ctx, c, plan.UserID.ValueString(), want)
		}
	})
}

func (r *cliUserRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan cliUserRoleModel
	r.write(ctx, "create", req.Plan, &plan, &resp.Diagnostics, func(ctx context.Context, c *nsxv.Client, user string, want nsxv.Role) {
		err := c.CreateRole(ctx, user, want)
		if errors.Is(err, nsxv.ErrHasRole) {
			cur, gerr := c.GetRole(ctx, user)
			current := "a role"
			if gerr == nil {
				current = "the role " + cur.Role
			}
			if r.Managers.Noted(loweredNote(user)) && gerr == nil && cur.Role == leastRole {
				// This process's own destroy of the resource being replaced left that role.
				tflog.Info(ctx, "taking over the role this run's destroy lowered", map[string]any{"user_id": user})
			} else if !plan.Adopt.ValueBool() {
				resp.Diagnostics.AddError("NSX-v User Already Has a Role",
					fmt.Sprintf("%s already has %s on NSX Manager, so it cannot be assigned one. Bring it under Terraform by importing it into "+
						"this resource, with the id %q: `terraform import <the address above> %s`, or an import block with to = that address. Or set "+
						"adopt_existing = true to take the role over. (%v)", user, current, user, user, err))
				return
			}
			if _, err := c.UpdateRole(ctx, user, want); err != nil {
				resp.Diagnostics.Append(roleWriteError("Taking Over", user, want, err))
				return
			}
			if plan.Adopt.ValueBool() {
				resp.Diagnostics.AddWarning("Existing NSX-v User Role Taken Over",
					fmt.Sprintf("%s already had %s on NSX Manager; as adopt_existing is true, it now has the role %s.", user, current, want.Role))
			}
			err = nil
		}
		if err != nil {
			resp.Diagnostics.Append(roleWriteError("Assigning", user, want, err))
			return
		}
		// NSX-v holds the role now: the state says so at once, so that a run interrupted
		// before the read-back leaves it in the state (tainted), for the next run to destroy
		// or replace, never an untracked grant.
		plan.ID = types.StringValue(user)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		got, err := c.GetRole(ctx, user)
		if err != nil {
			resp.Diagnostics.AddError("Reading Back the NSX-v User Role Failed",
				fmt.Sprintf("The role %s was assigned to %s, but reading it back failed: %v. Run terraform apply again, or import the resource.", want.Role, user, err))
			return
		}
		resp.Diagnostics.Append(plan.fromAPI(ctx, user, got)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *cliUserRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state cliUserRoleModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &state, "the NSX-v User Role", func(ctx context.Context, c *nsxv.Client) (string, error) {
		user := state.UserID.ValueString()
		got, err := c.GetRole(ctx, user)
		if err != nil {
			return "Reading the role of " + user, err
		}
		resp.Diagnostics.Append(state.fromAPI(ctx, user, got)...)
		if state.Adopt.IsNull() {
			// Imported: the attribute's default.
			state.Adopt = types.BoolValue(false)
		}
		return "", nil
	})
}

func (r *cliUserRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan cliUserRoleModel
	r.write(ctx, "update", req.Plan, &plan, &resp.Diagnostics, func(ctx context.Context, c *nsxv.Client, user string, want nsxv.Role) {
		got, err := c.UpdateRole(ctx, user, want)
		if err != nil {
			resp.Diagnostics.Append(roleWriteError("Changing", user, want, err))
			return
		}
		resp.Diagnostics.Append(plan.fromAPI(ctx, user, got)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
}

func (r *cliUserRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state cliUserRoleModel
	framework.Do(ctx, req.State, r.Op("delete"), &state, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxv.Client) {
		user := state.UserID.ValueString()
		err := c.DeleteRole(ctx, user)
		switch {
		case err == nil, errors.Is(err, nsxv.ErrNotFound):
		case errors.Is(err, nsxv.ErrLocalRoleKept):
			had := state.Role.ValueString()
			lowered := had != leastRole || !onlyGlobalRoot(ctx, state.ResourceIDs)
			if lowered {
				least := nsxv.Role{Role: leastRole, ResourceIDs: []string{nsxv.GlobalRoot}}
				if _, lerr := c.UpdateRole(ctx, user, least); lerr != nil {
					resp.Diagnostics.AddError("NSX-v Kept the Role of a Local User",
						fmt.Sprintf("NSX-v does not delete the role of a local (CLI) user, and lowering %s from %s to %s failed: %v. "+
							"The resource stays in the state so that the privilege is not forgotten; run terraform destroy again, or change the role on the manager.",
							user, had, leastRole, lerr))
					return
				}
			}
			// A replacement's create, later in this process, takes the lowered role over.
			r.Managers.Note(loweredNote(user))
			// What happened to the role, truly: lowered, or already the least privilege.
			what := fmt.Sprintf("%s was lowered from %s to the least privilege, %s on %s,", user, had, leastRole, nsxv.GlobalRoot)
			if !lowered {
				what = fmt.Sprintf("%s keeps its role, already the least privilege (%s on %s),", user, leastRole, nsxv.GlobalRoot)
			}
			resp.Diagnostics.AddWarning("NSX-v Kept a Role for a Local User",
				fmt.Sprintf("NSX-v does not delete the role of a local (CLI) user, so %s "+
					"and the resource was removed from the state. To end the account's API access, remove its web-interface privilege on the NSX Manager console "+
					"(`no user %s privilege web-interface`) or delete the user there (`no user %s`). Creating this resource again needs adopt_existing = true or an import.",
					what, user, user))
		default:
			resp.Diagnostics.AddError("Deleting the NSX-v User Role Failed", fmt.Sprintf("DELETE the role of %s failed: %v", user, err))
		}
	})
}

func (r *cliUserRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if id == "" || !cliUserName.MatchString(id) || strings.ToLower(id) != id {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Import nsxv_cli_user_role by the user's name as created on the NSX Manager console, in lower case (e.g. api), not %q.", req.ID))
		return
	}
	// Say in this provider's words that there is nothing to import, rather than Terraform's
	// generic "Cannot import non-existent remote object".
	framework.Import(ctx, r.Managers, Manager, typeName, &resp.Diagnostics, func(ctx context.Context, c *nsxv.Client) {
		if _, err := c.GetRole(ctx, id); errors.Is(err, nsxv.ErrNotFound) {
			resp.Diagnostics.AddError("NSX-v User Role Not Found",
				fmt.Sprintf("NSX Manager has no user %s, or the user has no role to import. A user created on the console without a role "+
					"is brought under Terraform by creating this resource, not by importing it.", id))
			return
		} else if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX-v User Role", "Reading the role of "+id+" to import it", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), id)...)
	})
}

// ValidateConfig warns about roles later releases refuse for CLI users and rejects a scope on
// a role that takes none.
func (r *cliUserRoleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg cliUserRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Role.IsNull() || cfg.Role.IsUnknown() {
		return
	}
	role := cfg.Role.ValueString()
	for _, legacy := range legacyRoles {
		if role == legacy {
			resp.Diagnostics.AddAttributeWarning(path.Root("role"), "Role Refused for CLI Users After NSX-v 6.2",
				fmt.Sprintf("NSX-v releases after 6.2 accept only auditor, security_admin and super_user for CLI users; %s works on 6.2 and earlier only.", role))
		}
	}
	if nsxv.Scoped(role) || cfg.ResourceIDs.IsNull() || cfg.ResourceIDs.IsUnknown() {
		return
	}
	var ids []string
	resp.Diagnostics.Append(cfg.ResourceIDs.ElementsAs(ctx, &ids, false)...)
	if len(ids) == 1 && ids[0] == nsxv.GlobalRoot {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("resource_ids"), "Scope Not Accepted for This Role",
		fmt.Sprintf("NSX-v takes a resource scope only for auditor and security_admin; %s applies to the whole system. "+
			"Remove resource_ids, or choose auditor or security_admin.", role))
}

// ModifyPlan reports a missing nsxv block at plan time, as the apply would.
func (r *cliUserRoleResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, typeName)...)
}

// onlyGlobalRoot reports whether a scope is the whole system.
func onlyGlobalRoot(ctx context.Context, s types.Set) bool {
	var ids []string
	if s.IsNull() || s.IsUnknown() || s.ElementsAs(ctx, &ids, false).HasError() {
		return false
	}
	return len(ids) == 1 && ids[0] == nsxv.GlobalRoot
}

// toAPI is the role m asks for.
func (m *cliUserRoleModel) toAPI(ctx context.Context) (nsxv.Role, diag.Diagnostics) {
	r := nsxv.Role{Role: m.Role.ValueString()}
	var diags diag.Diagnostics
	if nsxv.Scoped(r.Role) && !m.ResourceIDs.IsNull() && !m.ResourceIDs.IsUnknown() {
		diags.Append(m.ResourceIDs.ElementsAs(ctx, &r.ResourceIDs, false)...)
		sort.Strings(r.ResourceIDs)
	}
	return r, diags
}

// fromAPI records the role of user as read. Roles without a scope apply to everything:
// globalroot-0.
func (m *cliUserRoleModel) fromAPI(ctx context.Context, user string, r *nsxv.Role) diag.Diagnostics {
	m.ID = types.StringValue(user)
	m.UserID = types.StringValue(user)
	m.Role = types.StringValue(r.Role)
	ids := r.ResourceIDs
	if !nsxv.Scoped(r.Role) || len(ids) == 0 {
		ids = []string{nsxv.GlobalRoot}
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, ids)
	m.ResourceIDs = set
	return diags
}

// roleWriteError explains the errors users meet when assigning a role.
func roleWriteError(verb, user string, want nsxv.Role, err error) diag.Diagnostic {
	summary := verb + " the NSX-v User Role Failed"
	switch {
	case errors.Is(err, nsxv.ErrHasRole):
		return diag.NewErrorDiagnostic("NSX-v User Already Has a Role",
			fmt.Sprintf("%s already has a role on NSX Manager, so it cannot be assigned one. Bring it under Terraform by importing it into "+
				"this resource, with the id %q: `terraform import <the address above> %s`, or an import block with to = that address. Or set "+
				"adopt_existing = true. (%v)", user, user, user, err))
	case errors.Is(err, nsxv.ErrNoSuchUser):
		return diag.NewErrorDiagnostic("NSX-v CLI User Not Found",
			fmt.Sprintf("No CLI user %s exists on the NSX Manager. Create it on the NSX Manager console first (user names are lower case):\n\n"+
				"  enable\n  configure terminal\n  user %s password plaintext <password>\n  user %s privilege web-interface\n  write memory\n\n"+
				"A user created instead in the vSphere Web Client is a vCenter user, not a CLI user; delete it there first. (%v)", user, user, user, err))
	case errors.Is(err, nsxv.ErrNoSuchObject):
		return diag.NewAttributeErrorDiagnostic(path.Root("resource_ids"), "NSX-v Object Not Found",
			fmt.Sprintf("NSX-v does not know an object of the scope %v for %s: %v", want.ResourceIDs, user, err))
	case errors.Is(err, nsxv.ErrNoRole):
		return diag.NewErrorDiagnostic("NSX-v Account Has No Role",
			fmt.Sprintf("The account in the nsxv block has no role on NSX Manager (\"VC user does not have any role on NSX Manager\"), "+
				"so it cannot manage roles. Use an account with the super_user or enterprise_admin role, such as admin. (%v)", err))
	case errors.Is(err, nsxv.ErrRoleRefused):
		return diag.NewAttributeErrorDiagnostic(path.Root("role"), summary,
			fmt.Sprintf("NSX-v refused the role %s for %s: %v", want.Role, user, err))
	}
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("Assigning the role %s to %s failed: %v", want.Role, user, err))
}

// lowerCaseUserName rejects upper-case letters with the reason.
type lowerCaseUserName struct{}

func (lowerCaseUserName) Description(context.Context) string {
	return "must be lower case"
}

func (v lowerCaseUserName) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (lowerCaseUserName) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if lower := strings.ToLower(v); lower != v {
		resp.Diagnostics.AddAttributeError(req.Path, "Upper-Case Letters in an NSX-v User Name",
			fmt.Sprintf("%q has upper-case letters. The NSX Manager console refuses them in user names (with a cryptic error), so no CLI user %q can exist "+
				"and NSX-v would answer with an error that does not say why. Use %q.", v, v, lower))
	}
}
