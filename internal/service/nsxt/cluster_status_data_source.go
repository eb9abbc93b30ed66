package nsxt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_cluster_status: the cluster's status and virtual IP, for checks.

type clusterStatusDataSource struct{ framework.DataSourceBase }

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

func (d *clusterStatusDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nodes := func(desc string) dschema.ListNestedAttribute {
		return dschema.ListNestedAttribute{Computed: true, MarkdownDescription: desc, NestedObject: dschema.NestedAttributeObject{
			Attributes: map[string]dschema.Attribute{
				"uuid":       framework.ComputedString("The node's UUID."),
				"ip_address": framework.ComputedString("The address the node listens on for the management cluster."),
			}}}
	}
	resp.Schema = framework.DataSourceSchema(ctx, "The status of the NSX Manager cluster (`/api/v1/cluster/status`) and its virtual IP (`/api/v1/cluster/api-virtual-ip`), "+
		"as of the read: for `check` blocks such as STIG VCFN-9X-000115 (management cluster `STABLE` with three nodes online, a virtual IP set).", map[string]dschema.Attribute{
		"id":                     framework.ComputedString("The cluster id."),
		"cluster_id":             framework.ComputedString("The cluster id."),
		"control_cluster_status": framework.ComputedString("The control cluster's status: `STABLE`, `DEGRADED`, `UNSTABLE`, `NO_CONTROLLERS` or `UNKNOWN`."),
		"mgmt_cluster_status":    framework.ComputedString("The management cluster's status: `STABLE`, `DEGRADED`, `UNSTABLE`, `INITIALIZING` or `UNKNOWN`."),
		"online_nodes":           nodes("The management nodes online."),
		"offline_nodes":          nodes("The management nodes offline."),
		"virtual_ip":             framework.ComputedString("The cluster's virtual IPv4 address; empty when none is set."),
		"virtual_ip6":            framework.ComputedString("The cluster's virtual IPv6 address; empty when none is set."),
	})
}

// Read is an ordinary framework read: the status is small.
func (d *clusterStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data := framework.Fetch(ctx, &d.DataSourceBase, Manager, req, &resp.Diagnostics, "the NSX Cluster Status", readClusterStatus); data != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

func readClusterStatus(ctx context.Context, c *nsxtapi.Client, data *clusterStatusModel) (string, error) {
	st, err := c.GetClusterStatus(ctx)
	if err != nil {
		return "Reading /api/v1/cluster/status", err
	}
	vip, err := c.GetVirtualIP(ctx)
	if err != nil {
		return "Reading the virtual IP", err
	}
	data.ID, data.ClusterID = types.StringValue(st.ClusterID), types.StringValue(st.ClusterID)
	data.ControlClusterStatus = types.StringValue(st.ControlClusterStatus.Status)
	data.MgmtClusterStatus = types.StringValue(st.MgmtClusterStatus.Status)
	data.OnlineNodes, data.OfflineNodes = clusterNodes(st.MgmtClusterStatus.OnlineNodes), clusterNodes(st.MgmtClusterStatus.OfflineNodes)
	data.VirtualIP, data.VirtualIP6 = types.StringValue(vip.IPAddress), types.StringValue(vip.IP6Address)
	return "", nil
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
