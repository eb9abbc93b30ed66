package stigcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// The routing part: the 16 controls of the vendor's InSpec profile for the VCF 9.x NSX
// Routing STIG Readiness Guide (same repository and commit,
// vcf/9.x/Y25M06-srg/inspec/vmware-cloud-foundation-stig-baseline/nsx/routing/controls), as
// the profile runs them: one GET per gateway list, per locale service list, per interface
// list, per BGP and OSPF configuration, per neighbour and area list, per multicast
// configuration and per ND/RA profile, the same conditions on the same fields. Each
// `describe` becomes a result on the object it looks at (its policy path): passed, failed,
// or skipped (a manual check); a `describe` that cannot fail (it tests the condition the
// branch was taken on) is left out. The provider's own judgement (internal/routingstig,
// from one hierarchical read) must agree with this, object by object.

// RoutingInputs are the routing profile's inputs (routing/inspec.yml).
type RoutingInputs struct {
	T0MulticastInterfaces, T0Multicast, T0DHCP, T1DHCP, T1Multicast []string
}

// Results of a describe.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
)

// RoutingResult is one control's results: not applicable, or each object's result (a
// failed describe on an object outweighs a skipped one, which outweighs a passed one).
type RoutingResult struct {
	NotApplicable bool
	Objects       map[string]string
}

// RoutingReport is every routing control's result, with the requests the profile sent.
type RoutingReport struct {
	Controls map[string]*RoutingResult
	Requests int
}

func (r *RoutingReport) result(id string) *RoutingResult {
	if r.Controls[id] == nil {
		r.Controls[id] = &RoutingResult{Objects: map[string]string{}}
	}
	return r.Controls[id]
}

func (r *RoutingReport) describe(id, object string, ok bool) {
	res := Failed
	if ok {
		res = Passed
	}
	r.record(id, object, res)
}

func (r *RoutingReport) record(id, object, res string) {
	o := r.result(id).Objects
	weight := map[string]int{"": 0, Passed: 1, Skipped: 2, Failed: 3}
	if weight[res] > weight[o[object]] {
		o[object] = res
	}
}

func (r *RoutingReport) notApplicable(id string) { r.result(id).NotApplicable = true }

type routingRun struct {
	n   *node
	in  RoutingInputs
	rep *RoutingReport
}

// get is the profile's http(...) GET: its status and its body as JSON (nil unless 200).
func (rr *routingRun) get(ctx context.Context, path string) (int, map[string]any, error) {
	rr.rep.Requests++
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rr.n.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	rr.n.headers(req)
	resp, err := rr.n.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return resp.StatusCode, out, nil
}

func results(doc map[string]any) []map[string]any {
	items, _ := doc["results"].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// cmpFalse and cmpTrue are InSpec's `cmp 'false'` / `cmp 'true'` on a JSON boolean.
func cmpFalse(v any) bool { b, ok := v.(bool); return ok && !b }
func cmpTrue(v any) bool  { b, ok := v.(bool); return ok && b }

// truthy is Ruby's truth of a JSON value: anything but nil and false.
func truthy(v any) bool { b, isBool := v.(bool); return v != nil && (!isBool || b) }

func count(doc map[string]any) float64 { n, _ := doc["result_count"].(float64); return n }

// RunRouting logs in to the node at base and runs the 16 routing controls as the profile
// does.
func RunRouting(ctx context.Context, c *http.Client, base, user, password string, in RoutingInputs) (*RoutingReport, error) {
	rep := &RoutingReport{Controls: map[string]*RoutingResult{}}
	err := loggedIn(ctx, c, base, user, password, func(n *node) error {
		rr := &routingRun{n: n, in: in, rep: rep}
		for _, tier := range []string{"tier-0s", "tier-1s"} {
			if err := rr.gateways(ctx, tier); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// gateways runs, for one tier, every control in the order of its GETs; each control sends its
// own GETs, the gateway list first, as in the profile (which repeats them for every control:
// the request count is the profile's).
func (rr *routingRun) gateways(ctx context.Context, tier string) error {
	l := func(fn func(context.Context, []map[string]any) error) func(context.Context, []map[string]any) error {
		return rr.listed(tier, fn)
	}
	controls := map[string][]func(context.Context, []map[string]any) error{
		"tier-0s": {l(rr.c013), l(rr.manual("VCFR-9X-000016")), l(rr.dhcp("VCFR-9X-000027", rr.in.T0DHCP)), l(rr.c029), l(rr.c051),
			l(rr.bgpManual("VCFR-9X-000055")), l(rr.c067), l(rr.bgpManual("VCFR-9X-000091")), rr.hop("VCFR-9X-000102", tier), l(rr.c109),
			l(rr.multicast("VCFR-9X-000110", rr.in.T0Multicast)), l(rr.c111)},
		"tier-1s": {l(rr.manual("VCFR-9X-000112")), l(rr.dhcp("VCFR-9X-000113", rr.in.T1DHCP)), rr.hop("VCFR-9X-000114", tier),
			l(rr.multicast("VCFR-9X-000115", rr.in.T1Multicast))},
	}
	for _, control := range controls[tier] {
		if err := control(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// list is the profile's GET of a tier's gateways, which every control starts with.
func (rr *routingRun) list(ctx context.Context, tier string) ([]map[string]any, error) {
	status, doc, err := rr.get(ctx, "/policy/api/v1/infra/"+tier)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s answered %d", tier, status)
	}
	return results(doc), err
}

// listed runs fn on the tier's gateways, listed first.
func (rr *routingRun) listed(tier string, fn func(context.Context, []map[string]any) error) func(context.Context, []map[string]any) error {
	return func(ctx context.Context, _ []map[string]any) error {
		gws, err := rr.list(ctx, tier)
		if err != nil {
			return err
		}
		return fn(ctx, gws)
	}
}

func gwPath(g map[string]any) string { return str(g, "path") }

// perLocale is the frame of most checks: not applicable without gateways, else fn on each
// locale service of each gateway, in the profile's order.
func (rr *routingRun) perLocale(ctx context.Context, id string, gws []map[string]any, fn func(g map[string]any, ls string) error) error {
	if len(gws) == 0 {
		rr.rep.notApplicable(id)
		return nil
	}
	for _, g := range gws {
		if err := rr.localeServices(ctx, g, func(ls string) error { return fn(g, ls) }); err != nil {
			return err
		}
	}
	return nil
}

// localeServices is the profile's loop over a gateway's locale services.
func (rr *routingRun) localeServices(ctx context.Context, g map[string]any, fn func(ls string) error) error {
	_, doc, err := rr.get(ctx, "/policy/api/v1"+gwPath(g)+"/locale-services")
	if err != nil || count(doc) == 0 {
		return err
	}
	for _, ls := range results(doc) {
		if err := fn(gwPath(g) + "/locale-services/" + str(ls, "id")); err != nil {
			return err
		}
	}
	return nil
}

// VCFR-9X-000013.rb: the profile's check.
func (rr *routingRun) c013(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000013"
	return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
		mcStatus, mc, err := rr.get(ctx, "/policy/api/v1"+ls+"/multicast")
		if err != nil {
			return err
		}
		intStatus, ints, err := rr.get(ctx, "/policy/api/v1"+ls+"/interfaces")
		if err != nil {
			return err
		}
		if intStatus != http.StatusOK {
			rr.rep.describe(id, ls+"/interfaces", false)
			return nil
		}
		enabled := mcStatus == http.StatusOK && truthy(mc["enabled"])
		if mcStatus == http.StatusOK && enabled {
			rr.rep.describe(id, gwPath(t0), slices.Contains(rr.in.T0Multicast, str(t0, "id")))
		} else if mcStatus == http.StatusOK {
			rr.rep.describe(id, ls+"/multicast", cmpFalse(mc["enabled"]))
		}
		for _, in := range results(ints) {
			pim, has := in["multicast"].(map[string]any)
			path := ls + "/interfaces/" + str(in, "id")
			switch {
			case enabled && in["multicast"] == nil:
			case enabled && has && pim["enabled"] == true:
				rr.rep.describe(id, path, slices.Contains(rr.in.T0MulticastInterfaces, str(in, "id")))
			case in["multicast"] == nil:
				rr.rep.describe(id, path, true) // its('multicast') { should be nil }
			default:
				rr.rep.describe(id, path, has && cmpFalse(pim["enabled"]))
			}
		}
		return nil
	})
}

// VCFR-9X-000016.rb, -000112.rb: a manual check where there are gateways.
func (rr *routingRun) manual(id string) func(context.Context, []map[string]any) error {
	return func(_ context.Context, gws []map[string]any) error {
		if len(gws) == 0 {
			rr.rep.notApplicable(id)
		}
		for _, g := range gws {
			rr.rep.record(id, gwPath(g), Skipped)
		}
		return nil
	}
}

// VCFR-9X-000027.rb, -000113.rb: the profile's check.
func (rr *routingRun) dhcp(id string, need []string) func(context.Context, []map[string]any) error {
	return func(_ context.Context, gws []map[string]any) error {
		if len(gws) == 0 {
			rr.rep.notApplicable(id)
		}
		for _, g := range gws {
			if g["dhcp_config_paths"] == nil {
				rr.rep.describe(id, gwPath(g), true)
			} else {
				rr.rep.describe(id, gwPath(g), slices.Contains(need, str(g, "id")))
			}
		}
		return nil
	}
}

// VCFR-9X-000029.rb: the profile's check.
func (rr *routingRun) c029(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000029"
	return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
		if t0["vrf_config"] != nil {
			return nil
		}
		status, ospf, err := rr.get(ctx, "/policy/api/v1"+ls+"/ospf")
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			rr.rep.describe(id, ls+"/ospf", false)
			return nil
		}
		if !truthy(ospf["enabled"]) {
			rr.rep.describe(id, ls+"/ospf", cmpFalse(ospf["enabled"]))
			return nil
		}
		status, areas, err := rr.get(ctx, "/policy/api/v1"+ls+"/ospf/areas")
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			rr.rep.describe(id, ls+"/ospf/areas", false)
			return nil
		}
		for _, a := range results(areas) {
			auth, _ := a["authentication"].(map[string]any)
			rr.rep.describe(id, ls+"/ospf/areas/"+str(a, "id"), auth != nil && auth["mode"] == "MD5")
		}
		return nil
	})
}

// VCFR-9X-000051.rb: the profile's check.
func (rr *routingRun) c051(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000051"
	return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
		status, ints, err := rr.get(ctx, "/policy/api/v1"+ls+"/interfaces")
		if err != nil || status != http.StatusOK {
			rr.rep.describe(id, ls+"/interfaces", false)
			return err
		}
		for _, in := range results(ints) {
			rr.rep.describe(id, ls+"/interfaces/"+str(in, "id"), strings.EqualFold(str(in, "urpf_mode"), "STRICT"))
		}
		return nil
	})
}

// bgp is the profile's GET of a locale service's BGP configuration.
func (rr *routingRun) bgp(ctx context.Context, ls string) (int, map[string]any, error) {
	return rr.get(ctx, "/policy/api/v1"+ls+"/bgp")
}

// VCFR-9X-000055.rb, -000091.rb: the profile's check.
func (rr *routingRun) bgpManual(id string) func(context.Context, []map[string]any) error {
	return func(ctx context.Context, t0s []map[string]any) error {
		return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
			status, bgp, err := rr.bgp(ctx, ls)
			switch {
			case err != nil || status != http.StatusOK:
			case truthy(bgp["enabled"]):
				rr.rep.record(id, ls+"/bgp", Skipped)
			default:
				rr.rep.describe(id, ls+"/bgp", cmpFalse(bgp["enabled"]))
			}
			return err
		})
	}
}

// VCFR-9X-000067.rb: the profile's check.
func (rr *routingRun) c067(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000067"
	return rr.neighbors(ctx, id, t0s, true, func(ls string, nbrs map[string]any) {
		if count(nbrs) == 0 {
			rr.rep.describe(id, ls+"/bgp", true)
			return
		}
		for _, nb := range results(nbrs) {
			path := ls + "/bgp/neighbors/" + str(nb, "id")
			rfs, ok := nb["route_filtering"].([]any)
			if !ok {
				rr.rep.describe(id, path, false) // its(['route_filtering']) { should_not be nil }
				continue
			}
			for _, rf := range rfs {
				m, _ := rf.(map[string]any)
				rr.rep.describe(id, path, m != nil && m["maximum_routes"] != nil)
			}
		}
	})
}

// VCFR-9X-000111.rb: the profile's check.
func (rr *routingRun) c111(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000111"
	return rr.neighbors(ctx, id, t0s, false, func(ls string, nbrs map[string]any) {
		if count(nbrs) == 0 {
			rr.rep.describe(id, ls+"/bgp", true)
			return
		}
		for _, nb := range results(nbrs) {
			rr.rep.describe(id, ls+"/bgp/neighbors/"+str(nb, "id"), cmpTrue(nb["password_set"]))
		}
	})
}

// neighbors is the BGP part -000067 and -000111 share: BGP off passes; BGP on reads its
// neighbours. strict: a BGP or neighbour GET that is not 200 fails (-000067's
// `its('status') { should cmp 200 }`), where -000111 skips it.
func (rr *routingRun) neighbors(ctx context.Context, id string, t0s []map[string]any, strict bool, fn func(ls string, nbrs map[string]any)) error {
	return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
		status, bgp, err := rr.bgp(ctx, ls)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			if strict {
				rr.rep.describe(id, ls+"/bgp", false)
			}
			return nil
		}
		if !truthy(bgp["enabled"]) {
			rr.rep.describe(id, ls+"/bgp", cmpFalse(bgp["enabled"]))
			return nil
		}
		status, nbrs, err := rr.get(ctx, "/policy/api/v1"+ls+"/bgp/neighbors")
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			if strict {
				rr.rep.describe(id, ls+"/bgp/neighbors", false)
			}
			return nil
		}
		fn(ls, nbrs)
		return nil
	})
}

// VCFR-9X-000102.rb, -000114.rb. Where a gateway has no ipv6_profile_paths the profile
// stops with a Ruby error (NoMethodError on nil); this port records it as skipped.
func (rr *routingRun) hop(id, tier string) func(context.Context, []map[string]any) error {
	return func(ctx context.Context, _ []map[string]any) error {
		status, global, err := rr.get(ctx, "/policy/api/v1/infra/global-config")
		if err != nil || status != http.StatusOK {
			return err
		}
		if str(global, "l3_forwarding_mode") != "IPV4_AND_IPV6" {
			rr.rep.notApplicable(id)
			return nil
		}
		gws, err := rr.list(ctx, tier)
		if err != nil {
			return err
		}
		if len(gws) == 0 {
			rr.rep.notApplicable(id)
			return nil
		}
		for _, g := range gws {
			paths, ok := g["ipv6_profile_paths"].([]any)
			if !ok {
				rr.rep.record(id, gwPath(g), Skipped)
				continue
			}
			profile := ""
			for _, p := range paths {
				if s, _ := p.(string); strings.Contains(s, "ipv6-ndra-profiles") {
					profile = s
					break
				}
			}
			status, nd, err := rr.get(ctx, "/policy/api/v1"+profile)
			if err != nil {
				return err
			}
			if status != http.StatusOK {
				continue
			}
			ra, _ := nd["ra_config"].(map[string]any)
			hop, isNum := ra["hop_limit"].(float64)
			rr.rep.describe(id, gwPath(g), isNum && hop >= 32)
		}
		return nil
	}
}

// VCFR-9X-000109.rb: the profile's check.
func (rr *routingRun) c109(ctx context.Context, t0s []map[string]any) error {
	const id = "VCFR-9X-000109"
	return rr.perLocale(ctx, id, t0s, func(t0 map[string]any, ls string) error {
		status, bgp, err := rr.bgp(ctx, ls)
		if err != nil || status != http.StatusOK {
			return err
		}
		if truthy(bgp["enabled"]) {
			status, nbrs, err := rr.get(ctx, "/policy/api/v1"+ls+"/bgp/neighbors")
			if err != nil || status != http.StatusOK {
				return err
			}
			rr.rep.describe(id, ls+"/bgp", count(nbrs) > 0)
		} else {
			rr.rep.describe(id, ls+"/bgp", cmpFalse(bgp["enabled"]))
		}
		if t0["vrf_config"] != nil {
			return nil
		}
		status, ospf, err := rr.get(ctx, "/policy/api/v1"+ls+"/ospf")
		if err != nil || status != http.StatusOK {
			return err
		}
		if truthy(ospf["enabled"]) {
			status, areas, err := rr.get(ctx, "/policy/api/v1"+ls+"/ospf/areas")
			if err != nil || status != http.StatusOK {
				return err
			}
			rr.rep.describe(id, ls+"/ospf", count(areas) > 0)
		} else {
			rr.rep.describe(id, ls+"/ospf", cmpFalse(ospf["enabled"]))
		}
		return nil
	})
}

// VCFR-9X-000110.rb, -000115.rb: the profile's check.
func (rr *routingRun) multicast(id string, need []string) func(context.Context, []map[string]any) error {
	return func(ctx context.Context, gws []map[string]any) error {
		return rr.perLocale(ctx, id, gws, func(g map[string]any, ls string) error {
			status, mc, err := rr.get(ctx, "/policy/api/v1"+ls+"/multicast")
			switch {
			case err != nil:
			case status != http.StatusOK:
				rr.rep.describe(id, ls+"/multicast", status == http.StatusNotFound)
			case truthy(mc["enabled"]):
				rr.rep.describe(id, ls+"/multicast", slices.Contains(need, str(g, "id")))
			default:
				rr.rep.describe(id, ls+"/multicast", cmpFalse(mc["enabled"]))
			}
			return err
		})
	}
}
