// Package routingstig judges the routing part of the VMware Cloud Foundation 9.x NSX STIG
// Readiness Guide (Y25M06, V1R1: the 17 VCFR-9X rules on Tier-0 and Tier-1 gateways, 16 of them checked by the vendor's profile) on a
// routing configuration read in one hierarchical request. Each control is a port of the
// vendor's InSpec control (vmware/dod-compliance-and-automation at 698bae09,
// vcf/9.x/Y25M06-srg/inspec/vmware-cloud-foundation-stig-baseline/nsx/routing/controls/
// VCFR-9X-NNNNNN.rb, cited by file at each one): the same objects, the same fields, the same
// conditions, so that the verdicts are the profile's. Where the profile skips a check as
// manual, the objects are not_reviewed with its reason; where it would stop on an error of
// its own (a gateway without ipv6_profile_paths), the object is not_reviewed and says so.
package routingstig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// The statuses of a control and of each object it judged, as a STIG checklist names them.
const (
	NotAFinding   = "not_a_finding"
	Open          = "open"
	NotApplicable = "not_applicable"
	NotReviewed   = "not_reviewed"
)

// rank orders statuses by how bad they are: a control is its worst object.
var rank = map[string]int{NotApplicable: 0, NotAFinding: 1, NotReviewed: 2, Open: 3}

// Worst is the worse of two statuses.
func Worst(a, b string) string {
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Inputs are the profile's inputs (routing/inspec.yml): the gateways and interfaces that
// need multicast, and the gateways that need a DHCP server, by id.
type Inputs struct {
	Tier0Multicast, Tier0MulticastInterfaces, Tier1Multicast, Tier0DHCP, Tier1DHCP []string
}

// Finding is one object a control judged.
type Finding struct {
	// Object is the object's policy path.
	Object string
	Status string
	// Evidence is what was read, in one sentence.
	Evidence string
	// Fix names, for an open finding, the attribute to change in the words of the vendor's
	// nsxt Terraform provider (and the API field).
	Fix string
}

// Control is one control's verdict.
type Control struct {
	ID, Status, Detail string
	Findings           []Finding
}

// IDs are the routing controls, in the guide's order.
var IDs = []string{"VCFR-9X-000013", "VCFR-9X-000016", "VCFR-9X-000027", "VCFR-9X-000028", "VCFR-9X-000029", "VCFR-9X-000051", "VCFR-9X-000055",
	"VCFR-9X-000067", "VCFR-9X-000091", "VCFR-9X-000102", "VCFR-9X-000109", "VCFR-9X-000110", "VCFR-9X-000111",
	"VCFR-9X-000112", "VCFR-9X-000113", "VCFR-9X-000114", "VCFR-9X-000115"}

// judge is a control's check: its findings, or why it does not apply.
type judge func(r *nsxt.Routing, in Inputs, j *judgement)

type judgement struct {
	findings []Finding
	na       string
	// manual: the control is reviewed by hand, for this reason.
	manual string
}

func (j *judgement) add(object, status, evidence, fix string) {
	if status != Open {
		fix = ""
	}
	j.findings = append(j.findings, Finding{Object: object, Status: status, Evidence: evidence, Fix: fix})
}

func (j *judgement) check(object string, ok bool, evidence, fix string) {
	status := Open
	if ok {
		status = NotAFinding
	}
	j.add(object, status, evidence, fix)
}

var judges = map[string]judge{
	"VCFR-9X-000013": c013, "VCFR-9X-000016": manualInterfaces(0), "VCFR-9X-000027": dhcp(0), "VCFR-9X-000028": c028, "VCFR-9X-000029": c029,
	"VCFR-9X-000051": c051, "VCFR-9X-000055": bgpManual("unique keys are used per AS with neighbors"), "VCFR-9X-000067": c067,
	"VCFR-9X-000091": bgpManual("the source address for each neighbor is a loopback address for iBGP sessions"),
	"VCFR-9X-000102": hopLimit(0), "VCFR-9X-000109": c109, "VCFR-9X-000110": gatewayMulticast(0), "VCFR-9X-000111": c111,
	"VCFR-9X-000112": manualInterfaces(1), "VCFR-9X-000113": dhcp(1), "VCFR-9X-000114": hopLimit(1), "VCFR-9X-000115": gatewayMulticast(1),
}

// Evaluate judges every routing control on r.
func Evaluate(r *nsxt.Routing, in Inputs) []Control {
	out := make([]Control, 0, len(IDs))
	for _, id := range IDs {
		var j judgement
		judges[id](r, in, &j)
		c := Control{ID: id, Findings: j.findings}
		switch {
		case j.na != "":
			c.Status, c.Detail = NotApplicable, j.na
		case j.manual != "":
			c.Status, c.Detail = NotReviewed, j.manual
		case len(j.findings) == 0:
			c.Status, c.Detail = NotReviewed, "Nothing to judge: no gateway has the locale services, interfaces or configuration this control reads."
		default:
			c.Status = NotApplicable
			counts := map[string]int{}
			for _, f := range j.findings {
				c.Status = Worst(c.Status, f.Status)
				counts[f.Status]++
			}
			c.Detail = summary(counts)
		}
		out = append(out, c)
	}
	return out
}

func summary(counts map[string]int) string {
	var parts []string
	for _, s := range []string{Open, NotReviewed, NotAFinding} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(s, "_", " ")))
		}
	}
	return "Objects judged: " + strings.Join(parts, ", ") + "."
}

func tier(r *nsxt.Routing, t int) ([]nsxt.Gateway, string) {
	if t == 0 {
		return r.Tier0s, "No T0 Gateways are deployed. This is Not Applicable."
	}
	return r.Tier1s, "No T1 Gateways are deployed. This is Not Applicable."
}

// eachGateway is the frame of the gateway-level checks: not applicable without gateways of
// tier t, else fn on each.
func eachGateway(r *nsxt.Routing, t int, j *judgement, fn func(g nsxt.Gateway)) {
	gws, na := tier(r, t)
	if len(gws) == 0 {
		j.na = na
		return
	}
	for _, g := range gws {
		fn(g)
	}
}

// eachLocale is the frame of most checks: not applicable without gateways of tier t, else
// fn on each locale service of each gateway.
func eachLocale(r *nsxt.Routing, t int, j *judgement, fn func(g nsxt.Gateway, ls nsxt.LocaleService)) {
	eachGateway(r, t, j, func(g nsxt.Gateway) {
		for _, ls := range g.LocaleServices {
			fn(g, ls)
		}
	})
}

func on(b *bool) bool { return b != nil && *b }

// off is the profile's `cmp 'false'` on a boolean field: true only for a field that is false.
func off(b *bool) bool { return b != nil && !*b }

func word(b *bool) string {
	if b == nil {
		return "not set"
	}
	return fmt.Sprint(*b)
}

func name(g nsxt.Gateway) string { return fmt.Sprintf("gateway %q (%s)", g.Name, g.Path) }

// c013: VCFR-9X-000013.rb — PIM (multicast) on a Tier-0 interface only where multicast is
// needed: on a gateway whose multicast is on, the gateway must be in nsx_t0multicastlist and
// every interface with multicast on in nsx_t0mcinterfacelist; elsewhere no interface has it on.
func c013(r *nsxt.Routing, in Inputs, j *judgement) {
	eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
		mcOn := ls.Multicast != nil && on(ls.Multicast.Enabled)
		if ls.Multicast != nil {
			if mcOn {
				j.check(g.Path, slices.Contains(in.Tier0Multicast, g.ID), fmt.Sprintf("Multicast is on for %s; the gateways that need it are %s.", name(g), list(in.Tier0Multicast)),
					"add "+g.ID+" to the module's multicast Tier-0 list, or turn multicast off: "+ls.Path+"/multicast, enabled = false")
			} else {
				j.check(ls.Multicast.Path, off(ls.Multicast.Enabled), fmt.Sprintf("Multicast on %s is %s.", name(g), word(ls.Multicast.Enabled)),
					ls.Multicast.Path+": enabled = false")
			}
		}
		for _, i := range ls.Interfaces {
			switch {
			case i.Multicast == nil:
				if !mcOn {
					j.add(i.Path, NotAFinding, "The interface has no PIM configuration.", "")
				}
			case mcOn && on(i.Multicast.Enabled):
				j.check(i.Path, slices.Contains(in.Tier0MulticastInterfaces, i.ID), fmt.Sprintf("PIM is on for interface %s; the interfaces that need it are %s.", i.ID, list(in.Tier0MulticastInterfaces)),
					"nsxt_policy_tier0_gateway_interface.enable_pim = false (multicast.enabled), or add "+i.ID+" to the module's multicast interface list")
			default:
				j.check(i.Path, off(i.Multicast.Enabled), fmt.Sprintf("PIM on interface %s is %s.", i.ID, word(i.Multicast.Enabled)),
					"nsxt_policy_tier0_gateway_interface.enable_pim = false (multicast.enabled)")
			}
		}
	})
}

// manualInterfaces: VCFR-9X-000016.rb and -000112.rb — inactive interfaces: a manual review
// wherever there are gateways.
func manualInterfaces(t int) judge {
	return func(r *nsxt.Routing, _ Inputs, j *judgement) {
		eachGateway(r, t, j, func(g nsxt.Gateway) {
			j.add(g.Path, NotReviewed, fmt.Sprintf("Manual: review the interfaces of %s and remove any that are orphaned (the profile checks this by hand).", name(g)), "")
		})
	}
}

// dhcp: VCFR-9X-000027.rb and -000113.rb — a gateway with dhcp_config_paths must be in the
// list of those that need DHCP.
func dhcp(t int) judge {
	return func(r *nsxt.Routing, in Inputs, j *judgement) {
		need, attr := in.Tier0DHCP, "nsxt_policy_tier0_gateway.dhcp_config_path"
		if t == 1 {
			need, attr = in.Tier1DHCP, "nsxt_policy_tier1_gateway.dhcp_config_path"
		}
		eachGateway(r, t, j, func(g nsxt.Gateway) {
			if g.DHCPConfigPaths == nil {
				j.add(g.Path, NotAFinding, fmt.Sprintf("%s has no DHCP configuration.", capital(name(g))), "")
				return
			}
			j.check(g.Path, slices.Contains(need, g.ID), fmt.Sprintf("%s has DHCP configuration %s; the gateways that need DHCP are %s.", capital(name(g)), list(*g.DHCPConfigPaths), list(need)),
				"remove "+attr+" (dhcp_config_paths), or add "+g.ID+" to the module's DHCP list")
		})
	}
}

// c028: VCFR-9X-000028 (no features that call home to the vendor) is in the guide's XCCDF
// but has no InSpec control in the vendor's profile: it is reviewed by hand.
func c028(_ *nsxt.Routing, _ Inputs, j *judgement) {
	j.manual = "Manual: the vendor's profile has no check for this rule. NSX's call-home feature is the Customer Experience Improvement " +
		"Program (CEIP, nsx_telemetry_config.ceip_acceptance, which the STIG module turns off); verify no other feature of the gateways calls home."
}

// c029: VCFR-9X-000029.rb — OSPF areas authenticate with MD5 on a Tier-0 (not a VRF) whose
// OSPF is on; OSPF off otherwise.
func c029(r *nsxt.Routing, _ Inputs, j *judgement) {
	eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
		if g.VRF {
			return
		}
		if ls.OSPF == nil {
			j.add(ls.Path+"/ospf", Open, "NSX answered no OSPF configuration for "+name(g)+" (the profile requires it to be read).", "the OSPF configuration of "+ls.Path)
			return
		}
		if !on(ls.OSPF.Enabled) {
			j.check(ls.OSPF.Path, off(ls.OSPF.Enabled), fmt.Sprintf("OSPF on %s is %s.", name(g), word(ls.OSPF.Enabled)), "nsxt_policy_ospf_config.enabled = false")
			return
		}
		for _, a := range ls.OSPF.Areas {
			mode := "not set"
			if a.AuthMode != nil {
				mode = *a.AuthMode
			}
			j.check(a.Path, a.AuthMode != nil && *a.AuthMode == "MD5", fmt.Sprintf("OSPF area %s authenticates with %s.", a.AreaID, mode),
				`nsxt_policy_ospf_area.auth_mode = "MD5" (authentication.mode)`)
		}
	})
}

// c051: VCFR-9X-000051.rb — every Tier-0 interface's uRPF mode is STRICT.
func c051(r *nsxt.Routing, _ Inputs, j *judgement) {
	eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
		for _, i := range ls.Interfaces {
			j.check(i.Path, strings.EqualFold(i.URPFMode, "STRICT"), fmt.Sprintf("Interface %s of %s has uRPF mode %s.", i.ID, name(g), orNone(i.URPFMode)),
				`nsxt_policy_tier0_gateway_interface.urpf_mode = "STRICT"`)
		}
	})
}

// bgpManual: VCFR-9X-000055.rb and -000091.rb — where BGP is on, a manual review; BGP off
// passes. A locale service without a BGP configuration is skipped, as the profile does.
func bgpManual(what string) judge {
	return func(r *nsxt.Routing, _ Inputs, j *judgement) {
		eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
			switch {
			case ls.BGP == nil:
			case on(ls.BGP.Enabled):
				j.add(ls.BGP.Path, NotReviewed, fmt.Sprintf("Manual: BGP is on for %s; verify %s.", name(g), what), "")
			default:
				j.check(ls.BGP.Path, off(ls.BGP.Enabled), fmt.Sprintf("BGP on %s is %s.", name(g), word(ls.BGP.Enabled)), "nsxt_policy_bgp_config.enabled = false")
			}
		})
	}
}

// c067: VCFR-9X-000067.rb — with BGP on, every neighbour's route filtering sets
// maximum_routes for each address family.
func c067(r *nsxt.Routing, _ Inputs, j *judgement) {
	eachBGP(r, j, "NSX answered no BGP configuration for %s (the profile requires it to be read).", func(g nsxt.Gateway, bgp *nsxt.BGP) {
		if len(bgp.Neighbors) == 0 {
			j.add(bgp.Path, NotAFinding, "BGP is on for "+name(g)+" with no neighbours.", "")
		}
		for _, n := range bgp.Neighbors {
			if n.RouteFiltering == nil {
				j.add(n.Path, Open, fmt.Sprintf("Neighbour %s has no route filtering, so no maximum prefixes.", n.Address), "nsxt_policy_bgp_neighbor.route_filtering.maximum_routes")
				continue
			}
			for _, rf := range *n.RouteFiltering {
				evidence := fmt.Sprintf("Neighbour %s, address family %s: maximum routes not set.", n.Address, orNone(rf.AddressFamily))
				if rf.MaximumRoutes != nil {
					evidence = fmt.Sprintf("Neighbour %s, address family %s: at most %d routes.", n.Address, orNone(rf.AddressFamily), *rf.MaximumRoutes)
				}
				j.check(n.Path, rf.MaximumRoutes != nil, evidence, "nsxt_policy_bgp_neighbor.route_filtering.maximum_routes")
			}
		}
	})
}

// eachBGP calls fn for every Tier-0 locale service's BGP configuration that is on; BGP off
// passes; a missing one is open with missing (the profile's `its('status') { should cmp 200 }`).
func eachBGP(r *nsxt.Routing, j *judgement, missing string, fn func(nsxt.Gateway, *nsxt.BGP)) {
	eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
		switch {
		case ls.BGP == nil:
			if missing != "" {
				j.add(ls.Path+"/bgp", Open, fmt.Sprintf(missing, name(g)), "the BGP configuration of "+ls.Path)
			}
		case on(ls.BGP.Enabled):
			fn(g, ls.BGP)
		default:
			j.check(ls.BGP.Path, off(ls.BGP.Enabled), fmt.Sprintf("BGP on %s is %s.", name(g), word(ls.BGP.Enabled)), "nsxt_policy_bgp_config.enabled = false")
		}
	})
}

// hopLimit: VCFR-9X-000102.rb and -000114.rb — with IPv6 forwarding on, each gateway's ND/RA
// profile advertises a hop limit of at least 32. A profile NSX does not answer is skipped,
// as the profile does; a gateway without ipv6_profile_paths stops the profile with an error
// of its own, and is not_reviewed here.
func hopLimit(t int) judge {
	return func(r *nsxt.Routing, _ Inputs, j *judgement) {
		if r.L3ForwardingMode != "IPV4_AND_IPV6" {
			j.na = "IPv6 Forwarding is not enabled. This is Not Applicable."
			return
		}
		eachGateway(r, t, j, func(g nsxt.Gateway) {
			if g.IPv6ProfilePaths == nil {
				j.add(g.Path, NotReviewed, fmt.Sprintf("%s has no ipv6_profile_paths; the vendor's check stops with an error there, so its hop limit is not judged.", capital(name(g))), "")
				return
			}
			var profile string
			for _, p := range *g.IPv6ProfilePaths {
				if strings.Contains(p, "ipv6-ndra-profiles") {
					profile = p
					break
				}
			}
			prof, ok := r.NDRAProfiles[profile]
			if profile == "" || !ok {
				return
			}
			evidence := fmt.Sprintf("%s uses ND/RA profile %s, whose hop limit is not set.", capital(name(g)), profile)
			if prof.HopLimit != nil {
				evidence = fmt.Sprintf("%s uses ND/RA profile %s, hop limit %d.", capital(name(g)), profile, *prof.HopLimit)
			}
			j.check(g.Path, prof.HopLimit != nil && *prof.HopLimit >= 32, evidence, "nsxt_policy_ipv6_ndra_profile.ra_config.hop_limit >= 32 ("+profile+")")
		})
	}
}

// c109: VCFR-9X-000109.rb — a routing protocol that is on is in use: BGP on has neighbours,
// OSPF on (not on a VRF) has areas. A locale service without a BGP configuration is skipped
// whole, as the profile does.
func c109(r *nsxt.Routing, _ Inputs, j *judgement) {
	eachLocale(r, 0, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
		b := ls.BGP
		if b == nil {
			return // the profile's `next unless bgp.status == 200` skips the OSPF check too
		}
		if on(b.Enabled) {
			j.check(b.Path, len(b.Neighbors) > 0, fmt.Sprintf("BGP is on for %s with %d neighbours.", name(g), len(b.Neighbors)), "nsxt_policy_bgp_config.enabled = false, or configure its neighbours")
		} else {
			j.check(b.Path, off(b.Enabled), fmt.Sprintf("BGP on %s is %s.", name(g), word(b.Enabled)), "nsxt_policy_bgp_config.enabled = false")
		}
		if o := ls.OSPF; o != nil && !g.VRF {
			if on(o.Enabled) {
				j.check(o.Path, len(o.Areas) > 0, fmt.Sprintf("OSPF is on for %s with %d areas.", name(g), len(o.Areas)), "nsxt_policy_ospf_config.enabled = false, or configure its areas")
			} else {
				j.check(o.Path, off(o.Enabled), fmt.Sprintf("OSPF on %s is %s.", name(g), word(o.Enabled)), "nsxt_policy_ospf_config.enabled = false")
			}
		}
	})
}

// gatewayMulticast: VCFR-9X-000110.rb and -000115.rb — multicast on a gateway only where it
// is needed; a gateway whose multicast was never configured (404) passes.
func gatewayMulticast(t int) judge {
	return func(r *nsxt.Routing, in Inputs, j *judgement) {
		need := in.Tier0Multicast
		if t == 1 {
			need = in.Tier1Multicast
		}
		eachLocale(r, t, j, func(g nsxt.Gateway, ls nsxt.LocaleService) {
			switch mc := ls.Multicast; {
			case mc == nil:
				j.add(ls.Path+"/multicast", NotAFinding, "Multicast was never configured on "+name(g)+".", "")
			case on(mc.Enabled):
				j.check(mc.Path, slices.Contains(need, g.ID), fmt.Sprintf("Multicast is on for %s; the gateways that need it are %s.", name(g), list(need)),
					mc.Path+": enabled = false, or add "+g.ID+" to the module's multicast list")
			default:
				j.check(mc.Path, off(mc.Enabled), fmt.Sprintf("Multicast on %s is %s.", name(g), word(mc.Enabled)), mc.Path+": enabled = false")
			}
		})
	}
}

// c111: VCFR-9X-000111.rb — with BGP on, every neighbour has a password (NSX 9's
// password_set; a manager that does not answer it leaves the neighbour open, as the profile
// does). A configuration NSX does not answer is skipped.
func c111(r *nsxt.Routing, _ Inputs, j *judgement) {
	eachBGP(r, j, "", func(g nsxt.Gateway, bgp *nsxt.BGP) {
		if len(bgp.Neighbors) == 0 {
			j.add(bgp.Path, NotAFinding, "BGP is on for "+name(g)+" with no neighbours.", "")
		}
		for _, n := range bgp.Neighbors {
			evidence := fmt.Sprintf("Neighbour %s (AS %s): password set %s.", n.Address, orNone(n.RemoteAS), word(n.PasswordSet))
			if n.PasswordSet == nil {
				evidence = fmt.Sprintf("Neighbour %s (AS %s): NSX did not say whether a password is set (password_set, NSX 9).", n.Address, orNone(n.RemoteAS))
			}
			j.check(n.Path, on(n.PasswordSet), evidence, "nsxt_policy_bgp_neighbor.password")
		}
	})
}

func list(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
