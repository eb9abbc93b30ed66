package nsxt

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

const maxInt32 = 2147483647

var apiServiceConfig = &settings{
	object:   nsxtapi.APIService,
	typeName: "nsx_api_service_config",
	description: "The NSX Manager reverse-proxy (API service) settings, `/api/v1/cluster/api-service`: a singleton " +
		"(`reverse_proxy_config`) that exists on every manager. Attributes left out of the configuration keep the manager's value, " +
		"and so does every field of the object this resource does not model (`display_name`, fields added by newer NSX releases): " +
		"a write sends back the object as NSX sent it, with only the configured attributes changed. " +
		"`protocol_versions` and `cipher_suites` are managed per name: names you list are enforced, the others are left as the manager has them; " +
		"the full lists are exported as `effective_protocol_versions` and `effective_cipher_suites`.\n\n" +
		"Every write sends the `_revision` read just before it; when someone else changed the settings in between, the provider reads again " +
		"and retries (up to 5 times). Changes made outside Terraform show in the next plan.\n\n" +
		"After a write NSX restarts its API service on every node: sessions end and requests are refused for up to about a minute. " +
		"The provider waits for the service to come back (with backoff, within the `timeouts`), logs in again and reads the settings back, " +
		"so the apply ends with the settings verified. A plan that changes nothing the manager holds sends no write.\n\n" +
		"Import with the id `reverse_proxy_config`. An import records in `protocol_versions` and `cipher_suites` the names whose setting differs from " +
		"a fresh NSX manager's; a configuration that lists only such names, with the manager's values, plans no change after the import.\n\n" +
		"**Destroying this resource changes nothing on the manager**: the settings stay as they are and the resource only leaves the state.",
	destroyNote:  "nsx_api_service_config left the state; the API service settings of the manager stay as they are.",
	revision:     true,
	writeTimeout: 10 * time.Minute,
	fields: []field{
		intField("session_timeout", "Seconds an idle API session lives; `0` means no timeout. NSX default `1800`.", int64validator.Between(0, maxInt32)),
		intField("connection_timeout", "Seconds an idle HTTP connection stays open; `0` means none. NSX default `30`.", int64validator.Between(0, maxInt32)),
		intField("client_api_rate_limit", "Requests per second one client may send before NSX answers 429; `0` turns the limit off. NSX default `100`.",
			int64validator.Between(0, maxInt32)),
		intField("client_api_concurrency_limit", "Requests one client may have in flight; `0` turns the limit off. NSX default `40`.",
			int64validator.Between(0, maxInt32)),
		intField("global_api_concurrency_limit", "Requests all clients together may have in flight before NSX answers 503; `0` turns the limit off. NSX default `199`.",
			int64validator.Between(0, maxInt32)),
		stringField("redirect_host", "Host name NSX uses in HTTP redirects; empty for none.",
			stringvalidator.RegexMatches(framework.HostnameRE, "must be a host name (letters, digits and hyphens in dot-separated labels) or empty")),
		boolField("basic_authentication_enabled", "Whether NSX accepts HTTP Basic authentication. At least one of this and `cookie_based_authentication_enabled` must stay true."),
		boolField("cookie_based_authentication_enabled", "Whether NSX accepts session-cookie logins. **This provider logs in with session cookies**: "+
			"with this false, later runs cannot log in."),
		stringSetField("lockout_immune_addresses", "IP addresses that are never locked out after failed logins.",
			setvalidator.ValueStringsAre(framework.IPAddress())),
		toggleField("protocol_versions", "TLS protocol versions to enable (`true`) or disable (`false`), by name: `"+
			strings.Join(nsxtapi.KnownProtocolVersions, "`, `")+"`. Versions not listed are left as they are.", nsxtapi.KnownProtocolVersions),
		toggleField("cipher_suites", "TLS cipher suites to enable (`true`) or disable (`false`), by name, e.g. `TLS_RSA_WITH_AES_128_CBC_SHA`. "+
			"Suites not listed are left as they are. A name the manager does not list is refused at plan time, with the manager's release "+
			"(the VCF 9 STIG's TLS 1.3 suites, `TLS_AES_…` and `TLS_CHACHA20_…`, need not be in an NSX 4.x manager's list).", nsxtapi.KnownCipherSuites),
		stringField("description", "Description of the configuration object (NSX 4.x and later). Left as the manager has it when not set.",
			stringvalidator.LengthAtMost(1024)),
		tagsField(),
	},
	computed: map[string]schema.Attribute{
		"effective_protocol_versions": schema.MapAttribute{
			Computed: true, ElementType: types.BoolType,
			MarkdownDescription: "Every protocol version the manager offers, with whether it is enabled. " +
				"A plan shows it from state with the configured changes applied; the apply verifies it.",
		},
		"effective_cipher_suites": schema.MapAttribute{
			Computed: true, ElementType: types.BoolType,
			MarkdownDescription: "Every cipher suite the manager offers, with whether it is enabled. " +
				"A plan shows it from state with the configured changes applied; the apply verifies it.",
		},
	},
	validate: validateAPIService,
	check: func(_ context.Context, d *nsxtapi.Document, ch nsxtapi.Changes, diags *diag.Diagnostics) {
		if !boolAfter(d, ch, "basic_authentication_enabled") && !boolAfter(d, ch, "cookie_based_authentication_enabled") {
			diags.Append(everyAuthMethodOff("this write", "; nothing was written"))
		}
	},
	fill: func(_ context.Context, d *nsxtapi.Document, vals values, diags *diag.Diagnostics) {
		for _, name := range []string{"protocol_versions", "cipher_suites"} {
			eff, err := togglesOf(d, name)
			if err != nil {
				// The field's own decoding reports the answer, once.
				vals["effective_"+name] = types.MapNull(types.BoolType)
				continue
			}
			vals["effective_"+name] = boolMapValue(eff)
		}
	},
	plan: planAPIService,
	same: map[string]func(attr.Value, values) bool{
		"protocol_versions": sameToggles("protocol_versions"),
		"cipher_suites":     sameToggles("cipher_suites"),
	},
}

// defaultToggles are what a fresh NSX manager holds enabled, where it is known: an import
// records only the names whose setting differs from it.
var defaultToggles = map[string]map[string]bool{
	"protocol_versions": {"TLSv1.1": true, "TLSv1.2": true, "TLSv1.3": false},
}

// toggleField is a list of named switches (protocol versions, cipher suites) managed per
// name: the attribute is a map of the names the configuration manages; a write changes
// "enabled" of those names only, in the manager's own entries (keeping any other field of an
// entry), and the manager's full list is the computed effective_<name>.
func toggleField(name, desc string, known []string) field {
	return field{
		name: name,
		attr: schema.MapAttribute{
			Optional: true, ElementType: types.BoolType, MarkdownDescription: desc,
			Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.OneOf(known...))},
		},
		decode: func(ctx context.Context, raw json.RawMessage, present bool, prior attr.Value) (attr.Value, error) {
			eff, err := decodeToggles(raw, present)
			if err != nil {
				return types.MapNull(types.BoolType), err
			}
			pm, ok := prior.(types.Map)
			if !ok || pm.IsNull() || pm.IsUnknown() {
				if !importing(ctx) {
					return types.MapNull(types.BoolType), nil
				}
				// Just imported: the names a configuration most likely manages are the ones
				// whose setting is not a fresh manager's.
				managed := map[string]attr.Value{}
				for n, on := range eff {
					if def, known := defaultToggles[name][n]; (known && def != on) || (!known && !on) {
						managed[n] = types.BoolValue(on)
					}
				}
				if len(managed) == 0 {
					return types.MapNull(types.BoolType), nil
				}
				return types.MapValueMust(types.BoolType, managed), nil
			}
			// The names the state manages stay managed whatever one answer says: a name the
			// manager does not report now is null (the plan shows the configured value to
			// set), and the next answer that reports it sets it again.
			managed := map[string]attr.Value{}
			for n := range pm.Elements() {
				managed[n] = types.BoolNull()
				if on, offered := eff[n]; offered {
					managed[n] = types.BoolValue(on)
				}
			}
			return types.MapValueMust(types.BoolType, managed), nil
		},
		encode: func(ctx context.Context, v attr.Value, d *nsxtapi.Document) (any, diag.Diagnostics) {
			var diags diag.Diagnostics
			m, _ := v.(types.Map)
			want, ok := framework.BoolMap(ctx, m)
			if !ok {
				return nil, diags
			}
			raw, present := d.Raw(name)
			eff, err := decodeToggles(raw, present)
			if err != nil {
				diags.AddError("Unexpected NSX Answer", fmt.Sprintf("%s: %v", name, err))
				return nil, diags
			}
			diags.Append(overlay(name, eff, want, "this write", "; nothing was written")...)
			if diags.HasError() {
				return nil, diags
			}
			patched, err := patchToggles(raw, want)
			if err != nil {
				diags.AddError("Unexpected NSX Answer", fmt.Sprintf("%s: %v", name, err))
			}
			return patched, diags
		},
	}
}

// sameToggles: the configured names already have their values in the state's effective map.
func sameToggles(name string) func(attr.Value, values) bool {
	return func(cfg attr.Value, state values) bool {
		want, ok := framework.BoolMap(context.Background(), cfg.(types.Map)) //nolint:forcetypeassert // the attribute is a map
		if !ok {
			return false
		}
		eff, _ := state["effective_"+name].(types.Map)
		have, ok := framework.BoolMap(context.Background(), eff)
		if !ok {
			return false
		}
		for n, on := range want {
			if cur, offered := have[n]; !offered || cur != on {
				return false
			}
		}
		managed, _ := state[name].(types.Map)
		return managed.Equal(cfg)
	}
}

func decodeToggles(raw json.RawMessage, present bool) (map[string]bool, error) {
	out := map[string]bool{}
	if !present {
		return out, nil
	}
	var list []nsxtapi.Toggle
	if err := session.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	for _, t := range list {
		out[t.Name] = t.Enabled
	}
	return out, nil
}

func togglesOf(d *nsxtapi.Document, name string) (map[string]bool, error) {
	raw, present := d.Raw(name)
	return decodeToggles(raw, present)
}

// patchToggles sets "enabled" of each wanted name in raw, the manager's list of entries,
// keeping every other field of an entry.
func patchToggles(raw json.RawMessage, want map[string]bool) ([]map[string]json.RawMessage, error) {
	var entries []map[string]json.RawMessage
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, err
		}
	}
	for _, e := range entries {
		var name string
		if err := json.Unmarshal(e["name"], &name); err != nil {
			return nil, fmt.Errorf("an entry without a name: %w", err)
		}
		if on, ok := want[name]; ok {
			e["enabled"] = json.RawMessage(fmt.Sprint(on))
		}
	}
	return entries, nil
}

func boolMapValue(m map[string]bool) attr.Value {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.BoolValue(v)
	}
	return types.MapValueMust(types.BoolType, elems)
}

// overlay sets the managed names' values in effective, the manager's full list, and reports
// on attr the names the manager does not offer and a result with no entry enabled. when and
// outcome say at which step the check ran and what followed from it.
func overlay(attr string, effective, managed map[string]bool, when, outcome string) diag.Diagnostics {
	return overlayOn("", attr, effective, managed, when, outcome)
}

// overlayOn is overlay where the manager's release is known: a name it does not offer is
// reported with the release, and a TLS 1.3 suite on NSX 4.x with the STIG that names it.
func overlayOn(release, attr string, effective, managed map[string]bool, when, outcome string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range framework.SortedKeys(managed) {
		if _, offered := effective[name]; !offered {
			diags.AddAttributeError(path.Root(attr).AtMapKey(name), "Name Not Offered by the Manager",
				fmt.Sprintf("The manager%s does not offer %s%s. It offers: %s.%s", releaseOf(release), name, outcome,
					strings.Join(framework.SortedKeys(effective), ", "), releaseHint(release, name, effective)))
			continue
		}
		effective[name] = managed[name]
	}
	if !framework.AnyTrue(effective) {
		diags.AddAttributeError(path.Root(attr), "Every Entry Disabled",
			fmt.Sprintf("After %s, no entry of %s would be enabled on the manager, which would then accept no TLS connection%s. Enable at least one.",
				when, attr, outcome))
	}
	return diags
}

func releaseOf(release string) string {
	if release == "" {
		return ""
	}
	return " (NSX " + release + ")"
}

// releaseHint says why a name is missing where the release explains it: the TLS 1.3 suites
// (TLS_AES_…, TLS_CHACHA20_…: no _WITH_) are what the VCF 9 STIG configures; said only when
// the NSX 4.x manager's own list holds no TLS 1.3 suite at all.
func releaseHint(release, name string, effective map[string]bool) string {
	if !strings.HasPrefix(release, "4.") || !isTLS13Suite(name) || slices.ContainsFunc(slices.Collect(maps.Keys(effective)), isTLS13Suite) {
		return ""
	}
	return " " + name + " is a TLS 1.3 suite, which the VCF 9 (NSX 9.x) STIG configures; this NSX " + release +
		" manager lists no TLS 1.3 suite. On NSX 4.x leave it out (the NSX 4.x STIG names no cipher suite; the nsx-stig module " +
		"applies that STIG on 4.x by itself)."
}

func isTLS13Suite(name string) bool {
	return strings.HasPrefix(name, "TLS_") && !strings.Contains(name, "_WITH_")
}

// tagModel is one NSX tag.
type tagModel struct {
	Scope types.String `tfsdk:"scope"`
	Tag   types.String `tfsdk:"tag"`
}

var tagType = types.ObjectType{AttrTypes: map[string]attr.Type{"scope": types.StringType, "tag": types.StringType}}

// tagsField is the object's NSX tags: replaced as a whole where configured.
func tagsField() field {
	return field{
		name: "tags",
		attr: schema.SetNestedAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "NSX tags of the configuration object (NSX 4.x and later), at most 30. Left as the manager has them when not set; " +
				"when set, the set replaces the object's tags.",
			Validators:    []validator.Set{setvalidator.SizeAtMost(30)},
			PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"scope": schema.StringAttribute{
					Optional: true, Computed: true, MarkdownDescription: "Tag scope, 1 to 128 characters; leave it out for a tag without scope.",
					Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
				},
				// Optional+Computed with a presence check rather than Required: Terraform
				// keeps an unconfigured set's prior value in the plan only when no nested
				// attribute is Required (terraform-plugin-framework issue 898).
				"tag": schema.StringAttribute{
					Optional: true, Computed: true, MarkdownDescription: "Tag value, 1 to 256 characters. Required in each tag.",
					Validators: []validator.String{
						framework.RequiredInObject("Missing Tag Value", "Each tag needs a tag value; scope is optional."),
						stringvalidator.LengthBetween(1, 256),
					},
				},
			}},
		},
		decode: func(_ context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, error) {
			var tags []nsxtapi.Tag
			if present {
				if err := session.Unmarshal(raw, &tags); err != nil {
					return types.SetNull(tagType), err
				}
			}
			set, diags := tagsToSet(tags)
			if diags.HasError() {
				return types.SetNull(tagType), &session.DecodeError{Want: "a list of tags", Got: session.Excerpt(raw)}
			}
			return set, nil
		},
		encode: func(ctx context.Context, v attr.Value, _ *nsxtapi.Document) (any, diag.Diagnostics) {
			s, _ := v.(types.Set)
			return tagsFromSet(ctx, s)
		},
	}
}

func tagsToSet(tags []nsxtapi.Tag) (types.Set, diag.Diagnostics) {
	elems := make([]tagModel, 0, len(tags))
	for _, t := range tags {
		scope := types.StringNull() // NSX's empty scope is an absent one
		if t.Scope != "" {
			scope = types.StringValue(t.Scope)
		}
		elems = append(elems, tagModel{Scope: scope, Tag: types.StringValue(t.Tag)})
	}
	return types.SetValueFrom(context.Background(), tagType, elems)
}

func tagsFromSet(ctx context.Context, s types.Set) ([]nsxtapi.Tag, diag.Diagnostics) {
	var elems []tagModel
	diags := s.ElementsAs(ctx, &elems, false)
	out := make([]nsxtapi.Tag, 0, len(elems))
	for _, e := range elems {
		out = append(out, nsxtapi.Tag{Scope: e.Scope.ValueString(), Tag: e.Tag.ValueString()})
	}
	return out, diags
}

// knownTags reports whether every tag value of a configured set is known.
func knownTags(s types.Set) bool {
	for _, e := range s.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsUnknown() {
			return false
		}
		if v, ok := obj.Attributes()["tag"]; !ok || v.IsUnknown() || v.IsNull() {
			return false
		}
		if v := obj.Attributes()["scope"]; v == nil || v.IsUnknown() {
			return false
		}
	}
	return true
}

// boolAfter is a boolean field as a write would leave it: changed, or as read.
func boolAfter(d *nsxtapi.Document, ch nsxtapi.Changes, name string) bool {
	if v, ok := ch[name].(bool); ok {
		return v
	}
	var b bool
	present, err := d.Decode(name, &b)
	return !present || err != nil || b
}

// everyAuthMethodOff is the one diagnostic for settings that would leave neither basic nor
// cookie-based authentication on; when says at which step it was found, outcome what followed.
func everyAuthMethodOff(when, outcome string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("cookie_based_authentication_enabled"), "Every Authentication Method Disabled",
		fmt.Sprintf("With %s both basic_authentication_enabled and cookie_based_authentication_enabled would be false on the manager%s: "+
			"no client, this provider included, could authenticate to the API again. Leave at least one true.", when, outcome))
}

// validateAPIService catches what single-attribute validators cannot: settings that together
// would lock every client out.
func validateAPIService(ctx context.Context, cfg values, diags *diag.Diagnostics) {
	basic, _ := cfg["basic_authentication_enabled"].(types.Bool)
	cookie, _ := cfg["cookie_based_authentication_enabled"].(types.Bool)
	if framework.IsFalse(basic) && framework.IsFalse(cookie) {
		diags.Append(everyAuthMethodOff("this configuration", ""))
	} else if framework.IsFalse(cookie) {
		diags.AddAttributeWarning(path.Root("cookie_based_authentication_enabled"), "Session Logins Will Be Refused",
			"This provider logs in to NSX with session cookies. Once cookie-based authentication is disabled, later Terraform runs cannot log in to this manager.")
	}
	for _, x := range []struct {
		name  string
		known []string
	}{{"protocol_versions", nsxtapi.KnownProtocolVersions}, {"cipher_suites", nsxtapi.KnownCipherSuites}} {
		m, _ := cfg[x.name].(types.Map)
		vals, ok := framework.BoolMap(ctx, m)
		if !ok || len(vals) < len(x.known) {
			continue
		}
		if !framework.AnyTrue(vals) {
			diags.AddAttributeError(path.Root(x.name), "Every Entry Disabled",
				fmt.Sprintf("%s disables every name NSX knows; the API would accept no TLS connection. Enable at least one.", x.name))
		}
	}
}

// missing says whether managed names an entry the manager does not offer.
func missing(effective, managed map[string]bool) bool {
	for name := range managed {
		if _, ok := effective[name]; !ok {
			return true
		}
	}
	return false
}

// releaseIfMissing is the manager's release when managed names an entry it does not offer
// (one GET of /api/v1/node/version, only then), so that the error says which release lacks
// it; "" when nothing is missing or the version cannot be read (the error then names no
// release rather than fail on a second question).
func releaseIfMissing(ctx context.Context, c *nsxtapi.Client, effective, managed map[string]bool) string {
	if !missing(effective, managed) {
		return ""
	}
	v, err := c.NodeVersion(ctx)
	if err != nil || v == nil || len(v.ProductVersion) > 64 {
		return ""
	}
	return session.Quote(v.ProductVersion) // a manager's text: masked and cleaned as every quote
}

// planAPIService tells at plan time what the apply would refuse: a plan that would leave no
// protocol, no cipher suite or no authentication method enabled, and names the manager does
// not offer (checked against state, or, for a create, against the manager's own lists). It
// plans the effective maps from state with the configured names applied, so that changing
// another attribute does not turn them into "(known after apply)", and configured tags as
// they will be.
func planAPIService(ctx context.Context, r *settingsResource, _ resource.ModifyPlanRequest, plan, state, cfg values, diags *diag.Diagnostics) {
	basic, _ := plan["basic_authentication_enabled"].(types.Bool)
	cookie, _ := plan["cookie_based_authentication_enabled"].(types.Bool)
	if framework.IsFalse(basic) && framework.IsFalse(cookie) {
		diags.Append(everyAuthMethodOff("this plan", ""))
	}
	// A configured tag without scope has none: plan it so rather than "known after apply"
	// (scope is Computed only so that an unconfigured set keeps its prior value).
	if cfgTags, ok := cfg["tags"].(types.Set); ok && framework.Known(cfgTags) && !plan["tags"].Equal(cfgTags) && knownTags(cfgTags) {
		if tags, d := tagsFromSet(ctx, cfgTags); !d.HasError() {
			planned, d := tagsToSet(tags)
			diags.Append(d...)
			plan["tags"] = planned
		}
	}
	if state == nil {
		// A create: the names can only be checked against the manager itself, and only when
		// the provider can reach it at plan time.
		pv, _ := plan["protocol_versions"].(types.Map)
		cs, _ := plan["cipher_suites"].(types.Map)
		if !r.Managers.Known(Manager.Info) || (pv.IsNull() && cs.IsNull()) {
			return
		}
		c, d := framework.Use(ctx, r.Managers, Manager, r.decl.typeName)
		diags.Append(d...)
		if d.HasError() {
			return
		}
		doc, err := c.ReadSettings(ctx, r.decl.object, "")
		if err != nil {
			r.Managers.ReadFailed(diags, "the NSX API Service Configuration",
				"The plan reads the manager's protocol versions and cipher suites to check the names configured", err)
			return
		}
		for _, name := range []string{"protocol_versions", "cipher_suites"} {
			m, _ := plan[name].(types.Map)
			managed, known := framework.BoolMap(ctx, m)
			eff, err := togglesOf(doc, name)
			if known && err == nil {
				diags.Append(overlayOn(releaseIfMissing(ctx, c, eff, managed), name, eff, managed, "this plan", "")...)
			}
		}
		return
	}
	for _, name := range []string{"protocol_versions", "cipher_suites"} {
		effState, _ := state["effective_"+name].(types.Map)
		eff, ok := framework.BoolMap(ctx, effState)
		if !ok {
			continue
		}
		m, _ := plan[name].(types.Map)
		managed, known := framework.BoolMap(ctx, m)
		switch {
		case known:
			release := ""
			if missing(eff, managed) && r.Managers.Known(Manager.Info) {
				if c, d := framework.Use(ctx, r.Managers, Manager, r.decl.typeName); !d.HasError() {
					release = releaseIfMissing(ctx, c, eff, managed)
				}
			}
			diags.Append(overlayOn(release, name, eff, managed, "this plan", "")...)
		case !m.IsNull():
			// Names or values known only after apply: so is the effective map.
			continue
		}
		if planned, ok := plan["effective_"+name]; ok && !planned.IsUnknown() {
			continue
		}
		plan["effective_"+name] = boolMapValue(eff)
	}
}
