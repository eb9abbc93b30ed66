package nsxt

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Routing is what the routing part of the VCF 9 NSX STIG looks at, for the gateways under
// /infra (projects' and VPCs' gateways are not read), as one hierarchical read gives it. A
// pointer is nil where NSX answered nothing for that field or object: the checks tell "not
// configured" from "configured off", as the vendor's do.
type Routing struct {
	// L3ForwardingMode is the global configuration's IPV4_ONLY or IPV4_AND_IPV6.
	L3ForwardingMode string
	Tier0s, Tier1s   []Gateway
	// NDRAProfiles are the IPv6 neighbour discovery / router advertisement profiles by path.
	NDRAProfiles map[string]NDRAProfile
	// Requests is how many requests the read took.
	Requests int
}

// Gateway is a Tier-0 or Tier-1 gateway.
type Gateway struct {
	ID, Path, Name string
	// DHCPConfigPaths is nil where the gateway has no dhcp_config_paths at all.
	DHCPConfigPaths  *[]string
	IPv6ProfilePaths *[]string
	// VRF: a Tier-0 VRF gateway (vrf_config set), which has no OSPF of its own.
	VRF            bool
	LocaleServices []LocaleService
}

// LocaleService is a gateway's locale service with its routing configuration.
type LocaleService struct {
	ID, Path   string
	Interfaces []Interface
	BGP        *BGP
	OSPF       *OSPF
	Multicast  *Switch
}

// Interface is a gateway interface.
type Interface struct {
	ID, Path, AdminState, URPFMode string
	// Multicast is the interface's PIM configuration (nil: never configured).
	Multicast *Switch
}

// Switch is a configuration whose one field read here is whether it is on.
type Switch struct {
	Path    string
	Enabled *bool
}

// BGP is a Tier-0 locale service's BGP configuration and its neighbours.
type BGP struct {
	Path      string
	Enabled   *bool
	Neighbors []Neighbor
}

// Neighbor is a BGP neighbour: whether a password is set, never the password.
type Neighbor struct {
	ID, Path, Address, RemoteAS string
	// PasswordSet is NSX 9's password_set (nil where NSX does not answer it).
	PasswordSet *bool
	// RouteFiltering is nil where the neighbour has no route_filtering.
	RouteFiltering  *[]RouteFiltering
	SourceAddresses []string
}

// RouteFiltering is one address family's route filtering of a neighbour.
type RouteFiltering struct {
	AddressFamily string
	MaximumRoutes *int64
}

// OSPF is a Tier-0 locale service's OSPF configuration and its areas.
type OSPF struct {
	Path    string
	Enabled *bool
	Areas   []Area
}

// Area is an OSPF area: its authentication mode, never its key.
type Area struct {
	ID, Path, AreaID string
	AuthMode         *string
}

// NDRAProfile is an IPv6 ND/RA profile: its router advertisements' hop limit.
type NDRAProfile struct {
	Path     string
	HopLimit *int64
}

// RoutingTypes are the policy types the read asks for, in one hierarchical GET.
var RoutingTypes = []string{"Tier0", "Tier1", "LocaleServices", "Tier0Interface", "Tier1Interface", "BgpRoutingConfig",
	"BgpNeighborConfig", "OspfRoutingConfig", "OspfAreaConfig", "PolicyMulticastConfig", "Ipv6NdraProfile"}

// RoutingPath is the hierarchical read of RoutingTypes.
var RoutingPath = "/policy/api/v1/infra?" + url.Values{"type_filter": {strings.Join(RoutingTypes, ";")}}.Encode()

// ReadRouting reads every Tier-0 and Tier-1 gateway under /infra with what the routing STIG
// checks: two requests whatever the number of gateways (the hierarchical read and the global
// configuration's forwarding mode).
func (c *Client) ReadRouting(ctx context.Context) (*Routing, error) {
	var root policyNode
	if err := c.do(ctx, http.MethodGet, RoutingPath, nil, &root); err != nil {
		return nil, err
	}
	var global struct {
		L3ForwardingMode string `json:"l3_forwarding_mode"`
	}
	if err := c.do(ctx, http.MethodGet, GlobalConfig.Path, nil, &global); err != nil {
		return nil, err
	}
	r := &Routing{L3ForwardingMode: session.Clean(global.L3ForwardingMode), NDRAProfiles: map[string]NDRAProfile{}, Requests: 2}
	objects := 0
	err := root.each(func(typ string, n *policyNode) error {
		objects++
		switch typ {
		case "Tier0", "Tier1":
			g, err := n.gateway()
			if err != nil {
				return err
			}
			if typ == "Tier0" {
				r.Tier0s = append(r.Tier0s, g)
			} else {
				r.Tier1s = append(r.Tier1s, g)
			}
		case "Ipv6NdraProfile":
			var p struct {
				RAConfig *struct {
					HopLimit *int64 `json:"hop_limit"`
				} `json:"ra_config"`
			}
			if err := n.decode(&p); err != nil {
				return err
			}
			prof := NDRAProfile{Path: n.path()}
			if p.RAConfig != nil {
				prof.HopLimit = p.RAConfig.HopLimit
			}
			r.NDRAProfiles[prof.Path] = prof
		}
		return nil
	})
	if err == nil {
		err = c.s.CountItems(ctx, objects)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the gateways (%s): %w", strings.Join(RoutingTypes, ", "), err)
	}
	return r, nil
}

// policyNode is an object of a hierarchical answer: its fields and its wrapped children.
type policyNode struct {
	fields   map[string]json.RawMessage
	children []childNode
}

type childNode struct {
	typ  string
	node *policyNode
}

func (n *policyNode) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &n.fields); err != nil {
		return err
	}
	var wrapped []map[string]json.RawMessage
	if raw, ok := n.fields["children"]; ok {
		if err := json.Unmarshal(raw, &wrapped); err != nil {
			return fmt.Errorf("children: %w", err)
		}
	}
	for i, w := range wrapped {
		var wrapper string
		if err := json.Unmarshal(w["resource_type"], &wrapper); err != nil || !strings.HasPrefix(wrapper, "Child") {
			return fmt.Errorf("child %d has no resource_type Child…", i)
		}
		typ := strings.TrimPrefix(wrapper, "Child")
		raw, ok := w[typ]
		if !ok {
			return fmt.Errorf("child %d (%s) does not hold the object %s", i, session.Quote(wrapper), session.Quote(typ))
		}
		child := &policyNode{}
		if err := json.Unmarshal(raw, child); err != nil {
			return fmt.Errorf("%s %d: %w", session.Quote(typ), i, err)
		}
		n.children = append(n.children, childNode{typ: typ, node: child})
	}
	return nil
}

// each calls fn for every object of the tree under n, parents first.
func (n *policyNode) each(fn func(typ string, n *policyNode) error) error {
	for _, c := range n.children {
		if err := fn(c.typ, c.node); err != nil {
			return err
		}
	}
	return nil
}

func (n *policyNode) decode(v any) error {
	b, err := json.Marshal(n.fields)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", n.path(), err)
	}
	return nil
}

func (n *policyNode) str(field string) string {
	var s string
	_ = json.Unmarshal(n.fields[field], &s)
	return session.Clean(s)
}

func (n *policyNode) path() string { return n.str("path") }

func (n *policyNode) kids(typ string) []*policyNode {
	var out []*policyNode
	for _, c := range n.children {
		if c.typ == typ {
			out = append(out, c.node)
		}
	}
	return out
}

func (n *policyNode) onOff() (*Switch, error) {
	var t struct {
		Enabled *bool `json:"enabled"`
	}
	if err := n.decode(&t); err != nil {
		return nil, err
	}
	return &Switch{Path: n.path(), Enabled: t.Enabled}, nil
}

func (n *policyNode) gateway() (Gateway, error) {
	var g struct {
		DHCP      *[]string       `json:"dhcp_config_paths"`
		IPv6      *[]string       `json:"ipv6_profile_paths"`
		VRFConfig json.RawMessage `json:"vrf_config"`
	}
	if err := n.decode(&g); err != nil {
		return Gateway{}, err
	}
	out := Gateway{ID: n.str("id"), Path: n.path(), Name: n.str("display_name"), DHCPConfigPaths: cleanList(g.DHCP), IPv6ProfilePaths: cleanList(g.IPv6),
		VRF: len(g.VRFConfig) > 0 && string(g.VRFConfig) != "null"}
	for _, ls := range n.kids("LocaleServices") {
		l, err := ls.localeService()
		if err != nil {
			return Gateway{}, err
		}
		out.LocaleServices = append(out.LocaleServices, l)
	}
	return out, nil
}

func (n *policyNode) localeService() (LocaleService, error) {
	out := LocaleService{ID: n.str("id"), Path: n.path()}
	for _, typ := range []string{"Tier0Interface", "Tier1Interface"} {
		for _, in := range n.kids(typ) {
			var i struct {
				AdminState string `json:"admin_state"`
				URPFMode   string `json:"urpf_mode"`
				Multicast  *struct {
					Enabled *bool `json:"enabled"`
				} `json:"multicast"`
			}
			if err := in.decode(&i); err != nil {
				return out, err
			}
			iface := Interface{ID: in.str("id"), Path: in.path(), AdminState: session.Clean(i.AdminState), URPFMode: session.Clean(i.URPFMode)}
			if i.Multicast != nil {
				iface.Multicast = &Switch{Path: iface.Path, Enabled: i.Multicast.Enabled}
			}
			out.Interfaces = append(out.Interfaces, iface)
		}
	}
	for _, b := range n.kids("BgpRoutingConfig") {
		t, err := b.onOff()
		if err != nil {
			return out, err
		}
		bgp := &BGP{Path: t.Path, Enabled: t.Enabled}
		for _, nb := range b.kids("BgpNeighborConfig") {
			var v struct {
				Address     string   `json:"neighbor_address"`
				RemoteAS    string   `json:"remote_as_num"`
				PasswordSet *bool    `json:"password_set"`
				Sources     []string `json:"source_addresses"`
				Filtering   *[]struct {
					AddressFamily string `json:"address_family"`
					MaximumRoutes *int64 `json:"maximum_routes"`
				} `json:"route_filtering"`
			}
			if err := nb.decode(&v); err != nil {
				return out, err
			}
			neighbor := Neighbor{ID: nb.str("id"), Path: nb.path(), Address: session.Clean(v.Address), RemoteAS: session.Clean(v.RemoteAS), PasswordSet: v.PasswordSet}
			for _, s := range v.Sources {
				neighbor.SourceAddresses = append(neighbor.SourceAddresses, session.Clean(s))
			}
			if v.Filtering != nil {
				rf := make([]RouteFiltering, 0, len(*v.Filtering))
				for _, f := range *v.Filtering {
					rf = append(rf, RouteFiltering{AddressFamily: session.Clean(f.AddressFamily), MaximumRoutes: f.MaximumRoutes})
				}
				neighbor.RouteFiltering = &rf
			}
			bgp.Neighbors = append(bgp.Neighbors, neighbor)
		}
		out.BGP = bgp
	}
	for _, o := range n.kids("OspfRoutingConfig") {
		t, err := o.onOff()
		if err != nil {
			return out, err
		}
		ospf := &OSPF{Path: t.Path, Enabled: t.Enabled}
		for _, a := range o.kids("OspfAreaConfig") {
			var v struct {
				AreaID string `json:"area_id"`
				Auth   *struct {
					Mode *string `json:"mode"`
				} `json:"authentication"`
			}
			if err := a.decode(&v); err != nil {
				return out, err
			}
			area := Area{ID: a.str("id"), Path: a.path(), AreaID: session.Clean(v.AreaID)}
			if v.Auth != nil && v.Auth.Mode != nil {
				m := session.Clean(*v.Auth.Mode)
				area.AuthMode = &m
			}
			ospf.Areas = append(ospf.Areas, area)
		}
		out.OSPF = ospf
	}
	for _, m := range n.kids("PolicyMulticastConfig") {
		t, err := m.onOff()
		if err != nil {
			return out, err
		}
		out.Multicast = t
	}
	return out, nil
}

func cleanList(l *[]string) *[]string {
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(*l))
	for _, s := range *l {
		out = append(out, session.Clean(s))
	}
	return &out
}
