package nsxt

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/routingstig"
)

// nsx_routing_stig: the routing part of the VCF 9 NSX STIG, judged on every Tier-0 and
// Tier-1 gateway under /infra from one hierarchical read. It reads and judges; the gateways
// belong to the network team's configuration.

type routingSTIGDataSource struct{ framework.DataSourceBase }

type routingSTIGModel struct {
	ID                       types.String                   `tfsdk:"id"`
	MulticastTier0Gateways   types.Set                      `tfsdk:"multicast_tier0_gateways"`
	MulticastTier0Interfaces types.Set                      `tfsdk:"multicast_tier0_interfaces"`
	MulticastTier1Gateways   types.Set                      `tfsdk:"multicast_tier1_gateways"`
	DHCPTier0Gateways        types.Set                      `tfsdk:"dhcp_tier0_gateways"`
	DHCPTier1Gateways        types.Set                      `tfsdk:"dhcp_tier1_gateways"`
	L3ForwardingMode         types.String                   `tfsdk:"l3_forwarding_mode"`
	Controls                 map[string]routingControlModel `tfsdk:"controls"`
	AnyOpen                  types.Bool                     `tfsdk:"any_open"`
	Gateways                 []routingGatewayModel          `tfsdk:"gateways"`
	Interfaces               []routingInterfaceModel        `tfsdk:"interfaces"`
	Protocols                []routingProtocolModel         `tfsdk:"protocols"`
	BGPNeighbors             []routingNeighborModel         `tfsdk:"bgp_neighbors"`
	OSPFAreas                []routingAreaModel             `tfsdk:"ospf_areas"`
	Requests                 types.Int64                    `tfsdk:"requests"`
	framework.ReadTimeouts
}

type routingControlModel struct {
	Status   string                `tfsdk:"status"`
	Detail   string                `tfsdk:"detail"`
	Objects  map[string]string     `tfsdk:"objects"`
	Findings []routingFindingModel `tfsdk:"findings"`
}

type routingFindingModel struct {
	Object   string `tfsdk:"object"`
	Status   string `tfsdk:"status"`
	Evidence string `tfsdk:"evidence"`
	Fix      string `tfsdk:"fix"`
}

type routingGatewayModel struct {
	Tier             int64       `tfsdk:"tier"`
	ID               string      `tfsdk:"id"`
	Path             string      `tfsdk:"path"`
	DisplayName      string      `tfsdk:"display_name"`
	DHCPConfigPaths  types.List  `tfsdk:"dhcp_config_paths"`
	IPv6ProfilePaths types.List  `tfsdk:"ipv6_profile_paths"`
	VRF              bool        `tfsdk:"vrf"`
	RAHopLimit       types.Int64 `tfsdk:"ra_hop_limit"`
	Multicast        types.Bool  `tfsdk:"multicast_enabled"`
	LocaleServices   []string    `tfsdk:"locale_services"`
}

type routingInterfaceModel struct {
	Path       string     `tfsdk:"path"`
	ID         string     `tfsdk:"id"`
	AdminState string     `tfsdk:"admin_state"`
	URPFMode   string     `tfsdk:"urpf_mode"`
	PIM        types.Bool `tfsdk:"pim_enabled"`
}

type routingProtocolModel struct {
	Path     string     `tfsdk:"path"`
	Protocol string     `tfsdk:"protocol"`
	Enabled  types.Bool `tfsdk:"enabled"`
}

type routingNeighborModel struct {
	Path            string     `tfsdk:"path"`
	NeighborAddress string     `tfsdk:"neighbor_address"`
	RemoteASNum     string     `tfsdk:"remote_as_num"`
	PasswordSet     types.Bool `tfsdk:"password_set"`
	MaximumRoutes   types.List `tfsdk:"maximum_routes"`
	SourceAddresses []string   `tfsdk:"source_addresses"`
}

type routingAreaModel struct {
	Path               string       `tfsdk:"path"`
	AreaID             string       `tfsdk:"area_id"`
	AuthenticationMode types.String `tfsdk:"authentication_mode"`
}

func (d *routingSTIGDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	ids := func(desc string) dschema.SetAttribute {
		return dschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}}
	}
	str := framework.ComputedString
	boolean := func(desc string) dschema.BoolAttribute {
		return dschema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	strings := func(desc string) dschema.ListAttribute {
		return dschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	nested := func(desc string, attrs map[string]dschema.Attribute) dschema.ListNestedAttribute {
		return dschema.ListNestedAttribute{Computed: true, MarkdownDescription: desc, NestedObject: dschema.NestedAttributeObject{Attributes: attrs}}
	}
	resp.Schema = framework.DataSourceSchema(ctx, "The routing part of the VMware Cloud Foundation 9.x NSX STIG Readiness Guide (Y25M06, V1R1: the 17 VCFR-9X rules; VCFR-9X-000028, which the vendor's profile does not check, is `not_reviewed`), "+
		"judged on every Tier-0 and Tier-1 gateway under `/infra` — what the vendor's InSpec profile reads, read with NSX's hierarchical policy "+
		"API in two requests whatever the number of gateways (`GET /policy/api/v1/infra?type_filter=…` and the global configuration). "+
		"It reads and judges; it changes nothing (the gateways usually belong to the network team's `nsxt` provider configuration). "+
		"Gateways of VCF 9 projects and VPCs (`/orgs/default/projects/…`) are not read, as the vendor's profile does not read them. "+
		"Each control is ported from the vendor's InSpec control (vmware/dod-compliance-and-automation, "+
		"`vcf/9.x/Y25M06-srg/inspec/vmware-cloud-foundation-stig-baseline/nsx/routing/controls/VCFR-9X-*.rb`): the same objects, fields and "+
		"conditions, so the verdicts are the profile's; where the profile reviews by hand (inactive interfaces, unique passwords per AS, "+
		"loopback sources), the objects are `not_reviewed`. The arguments are the profile's inputs.", map[string]dschema.Attribute{
		"id":                         str("Always `routing`."),
		"multicast_tier0_gateways":   ids("Ids of the Tier-0 gateways that need multicast (the profile's `nsx_t0multicastlist`)."),
		"multicast_tier0_interfaces": ids("Ids of the Tier-0 interfaces that need PIM (the profile's `nsx_t0mcinterfacelist`)."),
		"multicast_tier1_gateways":   ids("Ids of the Tier-1 gateways that need multicast (`nsx_t1multicastlist`)."),
		"dhcp_tier0_gateways":        ids("Ids of the Tier-0 gateways that need a DHCP server (`nsx_t0dhcplist`)."),
		"dhcp_tier1_gateways":        ids("Ids of the Tier-1 gateways that need a DHCP server (`nsx_t1dhcplist`)."),
		"l3_forwarding_mode":         str("The global configuration's `l3_forwarding_mode` (`IPV4_ONLY` or `IPV4_AND_IPV6`): the IPv6 controls apply with IPv6 only."),
		"controls": dschema.MapNestedAttribute{Computed: true, MarkdownDescription: "Every routing control by id (`VCFR-9X-000013` …): " +
			"`status` is `not_a_finding`, `open`, `not_applicable` or `not_reviewed`, the worst over the objects it judged; `objects` maps each " +
			"object's policy path to its status; `findings` say, per object, what was read and, for an open one, the attribute to change in the " +
			"words of the vendor's `nsxt` provider.",
			NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
				"status":  str("`not_a_finding`, `open`, `not_applicable` or `not_reviewed`."),
				"detail":  str("Why not applicable, or how many objects were judged each way."),
				"objects": dschema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Policy path → status."},
				"findings": nested("One per object and check.", map[string]dschema.Attribute{
					"object":   str("The object's policy path."),
					"status":   str("`not_a_finding`, `open` or `not_reviewed`."),
					"evidence": str("What was read, in one sentence."),
					"fix":      str("For an open finding: what to change (the `nsxt` provider's resource and attribute, and the API field); empty otherwise."),
				}),
			}}},
		"any_open": boolean("Whether any routing control is `open`."),
		"gateways": nested("Every Tier-0 and Tier-1 gateway under `/infra`.", map[string]dschema.Attribute{
			"tier":               dschema.Int64Attribute{Computed: true, MarkdownDescription: "0 or 1."},
			"id":                 str("The gateway's id."),
			"path":               str("Its policy path."),
			"display_name":       str("Its display name."),
			"dhcp_config_paths":  strings("Its `dhcp_config_paths`; null where it has none."),
			"ipv6_profile_paths": strings("Its `ipv6_profile_paths`; null where it has none."),
			"vrf":                boolean("Whether it is a Tier-0 VRF gateway."),
			"ra_hop_limit":       dschema.Int64Attribute{Computed: true, MarkdownDescription: "The hop limit its IPv6 ND/RA profile advertises; null where NSX answered none."},
			"multicast_enabled":  boolean("Whether multicast is on in its locale services; null where it was never configured."),
			"locale_services":    strings("The paths of its locale services."),
		}),
		"interfaces": nested("Every gateway interface.", map[string]dschema.Attribute{
			"path":        str("Its policy path."),
			"id":          str("Its id."),
			"admin_state": str("`UP` or `DOWN` (empty where NSX answered none)."),
			"urpf_mode":   str("Its uRPF mode: `STRICT` or `NONE`."),
			"pim_enabled": boolean("Whether PIM (multicast) is on; null where it was never configured."),
		}),
		"protocols": nested("Every Tier-0 locale service's BGP and OSPF configuration.", map[string]dschema.Attribute{
			"path":     str("Its policy path."),
			"protocol": str("`bgp` or `ospf`."),
			"enabled":  boolean("Whether it is on."),
		}),
		"bgp_neighbors": nested("Every BGP neighbour: whether a password is set, never the password.", map[string]dschema.Attribute{
			"path":             str("Its policy path."),
			"neighbor_address": str("Its address."),
			"remote_as_num":    str("Its AS."),
			"password_set":     boolean("Whether a password is set (NSX 9's `password_set`); null where NSX does not say."),
			"maximum_routes": dschema.ListAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "The `maximum_routes` of each address family it filters (null for one without); null without route filtering."},
			"source_addresses": strings("Its source addresses."),
		}),
		"ospf_areas": nested("Every OSPF area: its authentication mode, never its key.", map[string]dschema.Attribute{
			"path":                str("Its policy path."),
			"area_id":             str("Its area id."),
			"authentication_mode": str("`NONE`, `PASSWORD` or `MD5`; null where none is configured."),
		}),
		"requests": dschema.Int64Attribute{Computed: true, MarkdownDescription: "How many requests the read took (2 whatever the number of gateways)."},
	})
}

func (d *routingSTIGDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data := framework.Fetch(ctx, &d.DataSourceBase, Manager, req, &resp.Diagnostics, "the NSX Gateways", func(ctx context.Context, c *nsxtapi.Client, data *routingSTIGModel) (string, error) {
		return readRouting(ctx, c, data, &resp.Diagnostics)
	}); data != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

func readRouting(ctx context.Context, c *nsxtapi.Client, data *routingSTIGModel, diags *diag.Diagnostics) (string, error) {
	var in routingstig.Inputs
	for _, s := range []struct {
		set types.Set
		to  *[]string
	}{{data.MulticastTier0Gateways, &in.Tier0Multicast}, {data.MulticastTier0Interfaces, &in.Tier0MulticastInterfaces},
		{data.MulticastTier1Gateways, &in.Tier1Multicast}, {data.DHCPTier0Gateways, &in.Tier0DHCP}, {data.DHCPTier1Gateways, &in.Tier1DHCP}} {
		if !s.set.IsNull() {
			diags.Append(s.set.ElementsAs(ctx, s.to, false)...)
		}
	}
	if diags.HasError() {
		return "", nil
	}
	r, err := c.ReadRouting(ctx)
	if err != nil {
		return "Reading the gateways' routing configuration", err
	}
	data.ID, data.L3ForwardingMode, data.Requests = types.StringValue("routing"), types.StringValue(r.L3ForwardingMode), types.Int64Value(int64(r.Requests))
	data.Controls, data.AnyOpen = map[string]routingControlModel{}, types.BoolValue(false)
	for _, ctl := range routingstig.Evaluate(r, in) {
		m := routingControlModel{Status: ctl.Status, Detail: ctl.Detail, Objects: map[string]string{}, Findings: []routingFindingModel{}}
		for _, f := range ctl.Findings {
			m.Objects[f.Object] = routingstig.Worst(m.Objects[f.Object], f.Status)
			m.Findings = append(m.Findings, routingFindingModel{Object: f.Object, Status: f.Status, Evidence: f.Evidence, Fix: f.Fix})
		}
		data.Controls[ctl.ID] = m
		if ctl.Status == routingstig.Open {
			data.AnyOpen = types.BoolValue(true)
		}
	}
	routingEvidence(r, data)
	return "", nil
}

// routingEvidence is what was read, flattened: the gateways, their interfaces, protocols,
// neighbours and areas.
func routingEvidence(r *nsxtapi.Routing, data *routingSTIGModel) {
	data.Gateways, data.Interfaces, data.Protocols = []routingGatewayModel{}, []routingInterfaceModel{}, []routingProtocolModel{}
	data.BGPNeighbors, data.OSPFAreas = []routingNeighborModel{}, []routingAreaModel{}
	for tier, gws := range [][]nsxtapi.Gateway{r.Tier0s, r.Tier1s} {
		for _, g := range gws {
			gm := routingGatewayModel{Tier: int64(tier), ID: g.ID, Path: g.Path, DisplayName: g.Name, DHCPConfigPaths: stringList(g.DHCPConfigPaths),
				IPv6ProfilePaths: stringList(g.IPv6ProfilePaths), VRF: g.VRF, RAHopLimit: types.Int64Null(), Multicast: types.BoolNull(), LocaleServices: []string{}}
			if g.IPv6ProfilePaths != nil {
				for _, p := range *g.IPv6ProfilePaths {
					if prof, ok := r.NDRAProfiles[p]; ok && prof.HopLimit != nil {
						gm.RAHopLimit = types.Int64Value(*prof.HopLimit)
					}
				}
			}
			for _, ls := range g.LocaleServices {
				gm.LocaleServices = append(gm.LocaleServices, ls.Path)
				if ls.Multicast != nil {
					gm.Multicast = types.BoolPointerValue(ls.Multicast.Enabled)
				}
				for _, i := range ls.Interfaces {
					im := routingInterfaceModel{Path: i.Path, ID: i.ID, AdminState: i.AdminState, URPFMode: i.URPFMode, PIM: types.BoolNull()}
					if i.Multicast != nil {
						im.PIM = types.BoolPointerValue(i.Multicast.Enabled)
					}
					data.Interfaces = append(data.Interfaces, im)
				}
				if b := ls.BGP; b != nil {
					data.Protocols = append(data.Protocols, routingProtocolModel{Path: b.Path, Protocol: "bgp", Enabled: types.BoolPointerValue(b.Enabled)})
					for _, n := range b.Neighbors {
						data.BGPNeighbors = append(data.BGPNeighbors, neighborModel(n))
					}
				}
				if o := ls.OSPF; o != nil {
					data.Protocols = append(data.Protocols, routingProtocolModel{Path: o.Path, Protocol: "ospf", Enabled: types.BoolPointerValue(o.Enabled)})
					for _, a := range o.Areas {
						data.OSPFAreas = append(data.OSPFAreas, routingAreaModel{Path: a.Path, AreaID: a.AreaID, AuthenticationMode: types.StringPointerValue(a.AuthMode)})
					}
				}
			}
			data.Gateways = append(data.Gateways, gm)
		}
	}
}

func neighborModel(n nsxtapi.Neighbor) routingNeighborModel {
	m := routingNeighborModel{Path: n.Path, NeighborAddress: n.Address, RemoteASNum: n.RemoteAS, PasswordSet: types.BoolPointerValue(n.PasswordSet),
		MaximumRoutes: types.ListNull(types.Int64Type), SourceAddresses: slices.Clip(append([]string{}, n.SourceAddresses...))}
	if n.RouteFiltering != nil {
		vals := make([]attr.Value, 0, len(*n.RouteFiltering))
		for _, rf := range *n.RouteFiltering {
			vals = append(vals, types.Int64PointerValue(rf.MaximumRoutes))
		}
		m.MaximumRoutes = types.ListValueMust(types.Int64Type, vals)
	}
	return m
}

func stringList(l *[]string) types.List {
	if l == nil {
		return types.ListNull(types.StringType)
	}
	vals := make([]attr.Value, 0, len(*l))
	for _, s := range *l {
		vals = append(vals, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, vals)
}
