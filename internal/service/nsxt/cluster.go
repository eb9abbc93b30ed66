package nsxt

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// The cluster itself: its virtual IP (set and cleared with actions, no settings object)
// and its status.

const vipType = "nsx_cluster_virtual_ip"

// NewClusterVirtualIPResource is nsx_cluster_virtual_ip.
func NewClusterVirtualIPResource() resource.Resource { return &vipResource{} }

type vipResource struct{ managers *framework.Managers }

type vipModel struct {
	ID         types.String `tfsdk:"id"`
	IPAddress  types.String `tfsdk:"ip_address"`
	IP6Address types.String `tfsdk:"ip6_address"`
	Force      types.Bool   `tfsdk:"force"`
	framework.Timeouts
}

var (
	_ resource.ResourceWithImportState      = (*vipResource)(nil)
	_ resource.ResourceWithConfigValidators = (*vipResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*vipResource)(nil)
	_ datasource.DataSourceWithConfigure    = (*clusterStatusDataSource)(nil)
	_ validator.String                      = ipVersion{}
)

func vipOp(name string) framework.Op { return framework.Op{Type: vipType, Name: name} }

func (r *vipResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = vipType
}

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
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `api_virtual_ip`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"ip_address": schema.StringAttribute{Optional: true, MarkdownDescription: "The virtual IPv4 address.",
				Validators: []validator.String{ipVersion{v6: false}}},
			"ip6_address": schema.StringAttribute{Optional: true, MarkdownDescription: "The virtual IPv6 address.",
				Validators: []validator.String{ipVersion{v6: true}}},
			"force": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Skip NSX's duplicate address detection and DNS lookup when setting the address (NSX's `force`). Default `false`."},
			"timeouts": framework.ResourceTimeouts(ctx, timeouts.Opts{Create: true, Update: true, Read: true, Delete: true}),
		},
	}
}

func (r *vipResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.AtLeastOneOf(path.MatchRoot("ip_address"), path.MatchRoot("ip6_address"))}
}

func (r *vipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.managers = framework.From(req.ProviderData, &resp.Diagnostics)
}

func (r *vipResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.managers.RequireAtPlan(Manager.Info, vipType)...)
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
	ctx, c, done, ok := framework.Open(ctx, plan, vipOp(op), &m, r.managers, Manager, diags)
	defer done()
	if !ok {
		return
	}
	cur, err := c.GetVirtualIP(ctx)
	if err != nil {
		r.managers.Failed(diags, "Setting the NSX Cluster Virtual IP Failed", "Reading the virtual IP", err)
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
			r.managers.FailedAt(diags, path.Root("ip_address"), "Setting the NSX Cluster Virtual IP Failed", "Setting the virtual IP", err)
			return
		}
	}
	for _, unset := range []struct {
		v6  bool
		has bool
	}{{false, ip4 == "" && cur.IPAddress != ""}, {true, ip6 == "" && cur.IP6Address != ""}} {
		if unset.has {
			if err := c.ClearVirtualIP(ctx, unset.v6); err != nil {
				r.managers.Failed(diags, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
				return
			}
		}
	}
	m.ID = types.StringValue("api_virtual_ip")
	diags.Append(out.Set(ctx, &m)...)
}

func sameIP(a, b string) bool {
	x, y := net.ParseIP(a), net.ParseIP(b)
	return x != nil && y != nil && x.Equal(y)
}

func (r *vipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m vipModel
	ctx, c, done, ok := framework.Open(ctx, req.State, vipOp("read"), &m, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	cur, err := c.GetVirtualIP(ctx)
	if err != nil {
		r.managers.ReadFailed(&resp.Diagnostics, "the NSX Cluster Virtual IP", "Reading the virtual IP", err)
		return
	}
	if cur.IPAddress == "" && cur.IP6Address == "" {
		resp.State.RemoveResource(ctx) // cleared behind Terraform's back
		return
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
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *vipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m vipModel
	ctx, c, done, ok := framework.Open(ctx, req.State, vipOp("delete"), &m, r.managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	for _, v6 := range []bool{false, true} {
		if (v6 && m.IP6Address.IsNull()) || (!v6 && m.IPAddress.IsNull()) {
			continue
		}
		if err := c.ClearVirtualIP(ctx, v6); err != nil {
			r.managers.Failed(&resp.Diagnostics, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
			return
		}
	}
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

// nsx_cluster_status: the cluster's status and virtual IP, for checks.

// NewClusterStatusDataSource is nsx_cluster_status.
func NewClusterStatusDataSource() datasource.DataSource { return &clusterStatusDataSource{} }

type clusterStatusDataSource struct{ managers *framework.Managers }

type clusterNodeModel struct {
	UUID      types.String `tfsdk:"uuid"`
	IPAddress types.String `tfsdk:"ip_address"`
}

type clusterStatusModel struct {
	ID                   types.String       `tfsdk:"id"`
	ClusterID            types.String       `tfsdk:"cluster_id"`
	ControlClusterStatus types.String       `tfsdk:"control_cluster_status"`
	MgmtClusterStatus    types.String       `tfsdk:"mgmt_cluster_status"`
	OnlineNodes          []clusterNodeModel `tfsdk:"online_nodes"`
	OfflineNodes         []clusterNodeModel `tfsdk:"offline_nodes"`
	VirtualIP            types.String       `tfsdk:"virtual_ip"`
	VirtualIP6           types.String       `tfsdk:"virtual_ip6"`
	framework.ReadTimeouts
}

func (d *clusterStatusDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "nsx_cluster_status"
}

func (d *clusterStatusDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nodes := func(desc string) dschema.ListNestedAttribute {
		return dschema.ListNestedAttribute{Computed: true, MarkdownDescription: desc, NestedObject: dschema.NestedAttributeObject{
			Attributes: map[string]dschema.Attribute{
				"uuid":       framework.ComputedString("The node's UUID."),
				"ip_address": framework.ComputedString("The address the node listens on for the management cluster."),
			}}}
	}
	resp.Schema = dschema.Schema{
		MarkdownDescription: "The status of the NSX Manager cluster (`/api/v1/cluster/status`) and its virtual IP (`/api/v1/cluster/api-virtual-ip`), " +
			"as of the read: for `check` blocks such as STIG VCFN-9X-000115 (management cluster `STABLE` with three nodes online, a virtual IP set).",
		Attributes: map[string]dschema.Attribute{
			"id":                     framework.ComputedString("The cluster id."),
			"cluster_id":             framework.ComputedString("The cluster id."),
			"control_cluster_status": framework.ComputedString("The control cluster's status: `STABLE`, `DEGRADED`, `UNSTABLE`, `NO_CONTROLLERS` or `UNKNOWN`."),
			"mgmt_cluster_status":    framework.ComputedString("The management cluster's status: `STABLE`, `DEGRADED`, `UNSTABLE`, `INITIALIZING` or `UNKNOWN`."),
			"online_nodes":           nodes("The management nodes online."),
			"offline_nodes":          nodes("The management nodes offline."),
			"virtual_ip":             framework.ComputedString("The cluster's virtual IPv4 address; empty when none is set."),
			"virtual_ip6":            framework.ComputedString("The cluster's virtual IPv6 address; empty when none is set."),
			"timeouts":               framework.DataSourceTimeouts(ctx),
		},
	}
}

func (d *clusterStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.managers = framework.From(req.ProviderData, &resp.Diagnostics)
}

// Read is an ordinary framework read: the status is small.
func (d *clusterStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data := d.read(ctx, req, &resp.Diagnostics); data != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

func (d *clusterStatusDataSource) read(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) *clusterStatusModel {
	var data clusterStatusModel
	ctx, done, ok := framework.BeginRead(ctx, req.Config, "nsx_cluster_status", &data, diags)
	defer done()
	if !ok {
		return nil
	}
	c, dd := framework.Use(ctx, d.managers, Manager, "nsx_cluster_status")
	diags.Append(dd...)
	if diags.HasError() {
		return nil
	}
	st, err := c.GetClusterStatus(ctx)
	if err != nil {
		d.managers.ReadFailed(diags, "the NSX Cluster Status", "Reading /api/v1/cluster/status", err)
		return nil
	}
	vip, err := c.GetVirtualIP(ctx)
	if err != nil {
		d.managers.ReadFailed(diags, "the NSX Cluster Status", "Reading the virtual IP", err)
		return nil
	}
	data.ID, data.ClusterID = types.StringValue(st.ClusterID), types.StringValue(st.ClusterID)
	data.ControlClusterStatus = types.StringValue(st.ControlClusterStatus.Status)
	data.MgmtClusterStatus = types.StringValue(st.MgmtClusterStatus.Status)
	data.OnlineNodes, data.OfflineNodes = clusterNodes(st.MgmtClusterStatus.OnlineNodes), clusterNodes(st.MgmtClusterStatus.OfflineNodes)
	data.VirtualIP, data.VirtualIP6 = types.StringValue(vip.IPAddress), types.StringValue(vip.IP6Address)
	return &data
}

func clusterNodes(list []nsxtapi.ClusterNode) []clusterNodeModel {
	out := make([]clusterNodeModel, 0, len(list))
	for _, n := range list {
		ip := n.IPAddress
		if ip == "" {
			ip = n.IP6
		}
		out = append(out, clusterNodeModel{UUID: types.StringValue(n.UUID), IPAddress: types.StringValue(ip)})
	}
	return out
}
