package nsxt

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_cluster_virtual_ip: the cluster's virtual IP, set and cleared with actions (no settings
// object).

const vipType = "nsx_cluster_virtual_ip"

type vipResource struct{ framework.ResourceBase }

type vipModel struct {
	ID         types.String `tfsdk:"id"`
	IPAddress  types.String `tfsdk:"ip_address"`
	IP6Address types.String `tfsdk:"ip6_address"`
	Force      types.Bool   `tfsdk:"force"`
	framework.Timeouts
}

var _ validator.String = ipVersion{}

func (r *vipResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The virtual IP of the NSX Manager cluster (`/api/v1/cluster/api-virtual-ip`): the address the cluster answers on " +
			"whichever node leads, IPv4, IPv6 or both. The configuration is the whole virtual IP: an address left out is cleared. The provider " +
			"sets it with `?action=set_virtual_ip` and clears it with `?action=clear_virtual_ip` / `clear_virtual_ip6`; NSX reads an unset " +
			"address as `0.0.0.0` / `::`.\n\n" +
			"STIG VCFN-9X-000115 checks that the cluster has one.\n\n" +
			"Import with the id `api_virtual_ip`. **Destroy clears the virtual IP.** Keep the `nsxt` block on the nodes' own addresses, not on " +
			"the virtual IP, so that the provider reaches every node.",
		Attributes: map[string]schema.Attribute{
			"id": framework.Assigned("Always `api_virtual_ip`."),
			"ip_address": schema.StringAttribute{Optional: true, MarkdownDescription: "The virtual IPv4 address.",
				Validators: []validator.String{ipVersion{v6: false}}},
			"ip6_address": schema.StringAttribute{Optional: true, MarkdownDescription: "The virtual IPv6 address.",
				Validators: []validator.String{ipVersion{v6: true}}},
			"force": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Skip NSX's duplicate address detection and DNS lookup when setting the address (NSX's `force`). Default `false`."},
			"timeouts": framework.CRUDTimeouts(ctx),
		},
	}
}

func (r *vipResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.AtLeastOneOf(path.MatchRoot("ip_address"), path.MatchRoot("ip6_address"))}
}

func (r *vipResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, vipType)...)
	}
}

func (r *vipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, "create", req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *vipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, "update", req.Plan, &resp.State, &resp.Diagnostics)
}

// apply sets what the configuration gives and clears what it leaves out, sending nothing
// for an address that is as configured already.
func (r *vipResource) apply(ctx context.Context, op string, plan planSource, out stateSink, diags *diag.Diagnostics) {
	var m vipModel
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		cur, err := c.GetVirtualIP(ctx)
		if err != nil {
			r.Managers.Failed(diags, "Setting the NSX Cluster Virtual IP Failed", "Reading the virtual IP", err)
			return
		}
		ip4, ip6 := m.IPAddress.ValueString(), m.IP6Address.ValueString()
		set4, set6 := "", ""
		if ip4 != "" && !sameIP(ip4, cur.IPAddress) {
			set4 = ip4
		}
		if ip6 != "" && !sameIP(ip6, cur.IP6Address) {
			set6 = ip6
		}
		if set4 != "" || set6 != "" {
			if _, err := c.SetVirtualIP(ctx, set4, set6, m.Force.ValueBool()); err != nil {
				r.Managers.FailedAt(diags, path.Root("ip_address"), "Setting the NSX Cluster Virtual IP Failed", "Setting the virtual IP", err)
				return
			}
		}
		for _, unset := range []struct {
			v6  bool
			has bool
		}{{false, ip4 == "" && cur.IPAddress != ""}, {true, ip6 == "" && cur.IP6Address != ""}} {
			if unset.has {
				if err := c.ClearVirtualIP(ctx, unset.v6); err != nil {
					r.Managers.Failed(diags, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
					return
				}
			}
		}
		m.ID = types.StringValue("api_virtual_ip")
		diags.Append(out.Set(ctx, &m)...)
	})
}

func sameIP(a, b string) bool {
	x, y := net.ParseIP(a), net.ParseIP(b)
	return x != nil && y != nil && x.Equal(y)
}

func (r *vipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m vipModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &m, "the NSX Cluster Virtual IP", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		cur, err := c.GetVirtualIP(ctx)
		if err != nil {
			return "Reading the virtual IP", err
		}
		if cur.IPAddress == "" && cur.IP6Address == "" {
			return "Reading the virtual IP", nsxtapi.ErrNotFound // cleared behind Terraform's back
		}
		keep := func(prior types.String, now string) types.String {
			if now == "" {
				return types.StringNull()
			}
			if framework.Known(prior) && sameIP(prior.ValueString(), now) {
				return prior // as written (the manager may spell an IPv6 address otherwise)
			}
			return types.StringValue(now)
		}
		m.IPAddress, m.IP6Address = keep(m.IPAddress, cur.IPAddress), keep(m.IP6Address, cur.IP6Address)
		if m.Force.IsNull() {
			m.Force = types.BoolValue(false)
		}
		m.ID = types.StringValue("api_virtual_ip")
		return "", nil
	})
}

func (r *vipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m vipModel
	framework.Do(ctx, req.State, r.Op("delete"), &m, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		for _, v6 := range []bool{false, true} {
			if (v6 && m.IP6Address.IsNull()) || (!v6 && m.IPAddress.IsNull()) {
				continue
			}
			if err := c.ClearVirtualIP(ctx, v6); err != nil {
				r.Managers.Failed(&resp.Diagnostics, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
				return
			}
		}
	})
}

func (r *vipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "api_virtual_ip" {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%s is a singleton; import it with the id %q, not %q.", vipType, "api_virtual_ip", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ipVersion takes an IPv4 (v6 false) or IPv6 address, not the unspecified one.
type ipVersion struct{ v6 bool }

func (v ipVersion) Description(context.Context) string {
	if v.v6 {
		return "must be an IPv6 address"
	}
	return "must be an IPv4 address"
}

func (v ipVersion) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v ipVersion) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !framework.Known(req.ConfigValue) {
		return
	}
	ip := net.ParseIP(req.ConfigValue.ValueString())
	if ip == nil || (ip.To4() != nil) == v.v6 || ip.IsUnspecified() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Address", fmt.Sprintf("%q %s (and not the unspecified address).", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
