package nsxt

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_snmp. SNMP: communities and targets are lists of objects; their secrets (community strings, v3
// passwords) are write-only maps by the item's name, which compose puts into the items of a
// write where an item is new on the node or the secrets rotate.

func snmpObjectList(name, desc string, attrs map[string]schema.Attribute, most int) field {
	f := jsonField(name, props(name), schema.ListNestedAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc,
		NestedObject:  schema.NestedAttributeObject{Attributes: attrs},
		Validators:    []validator.List{listvalidator.SizeAtMost(most)},
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	})
	f.same = framework.SubsetEqual
	f.encode = nil // compose writes it
	return f
}

// noSpace is a name without white space.
var noSpace = regexp.MustCompile(`^\S+$`)

var snmpName = stringvalidator.All(stringvalidator.LengthBetween(1, 64), stringvalidator.RegexMatches(noSpace, "must not contain spaces"))

// snmpList is how a list of compose fills: the list attribute, the item's name field, the
// secrets by item field → the write-only map attribute holding them by name.
type snmpList struct {
	attr, key string
	secrets   map[string]string
}

var snmpLists = []snmpList{
	{attr: "communities", key: "community_name", secrets: map[string]string{"community_string": "community_strings_wo"}},
	{attr: "v2_targets", key: "community_name", secrets: map[string]string{"community_string": "community_strings_wo"}},
	{attr: "v3_users", key: "user_id", secrets: map[string]string{"auth_password": "v3_auth_passwords_wo", "priv_password": "v3_priv_passwords_wo"}},
}

var snmpService = &settings{
	object:   nsxtapi.SNMPService,
	typeName: "nsx_snmp",
	description: "The SNMP agent of **every NSX Manager node** (`/api/v1/node/services/snmp`): v2c communities and trap targets, v3 users " +
		"with their authentication and privacy protocols, v3 trap targets, and whether the agent runs. " + nodeServiceNote + "\n\n" +
		"STIG VCFN-9X-000113: SNMP v2c off, that is `communities = []` (NSX reports `v2_configured` from them) and `v2_targets = []`.\n\n" +
		"Community strings and v3 passwords are secrets NSX never answers: they are write-only maps here, by community name or user id, " +
		"sent when an item is new on a node or when `secrets_wo_version` changes; an item that exists keeps its secret.\n\n" +
		"Why the vendor's STIG automation found its SNMP PUT not working: its request template is not valid JSON (a trailing comma after " +
		"the last property), it sends the read-only `v2_configured = false` expecting it to turn v2 off (NSX ignores read-only fields: v2 is " +
		"off when there are no communities), and its check compares `v2_configured` to the string `'true'`, so it never fires. This resource " +
		"sends the object as NSX answered it, with the configured lists replaced.\n\n" +
		"Import with the id `snmp`. **Destroying this resource leaves the agent as it is** (with a warning).",
	destroyNote: "nsx_snmp left the state; the SNMP agent of every NSX Manager node stays as it is.",
	fields: []field{
		running("SNMP agent", "NSX default `false`."),
		boolField("start_on_boot", "Whether the agent starts when the node boots. NSX default `false`.").at(props("start_on_boot")),
		snmpObjectList("communities", "SNMP v1/v2c communities that may poll the node (at most 10). STIG: none.", map[string]schema.Attribute{
			"community_name": required("The community's name, which identifies it (its string is in `community_strings_wo`).", snmpName),
			"access":         optionalString("`READ_ONLY`, the only access NSX grants.", stringvalidator.OneOf("READ_ONLY")),
		}, 10),
		snmpObjectList("v2_targets", "SNMP v2c trap receivers (at most 3). STIG: none.", map[string]schema.Attribute{
			"server":         required("The receiver's host name or IP address.", framework.HostOrAddress()),
			"port":           portAttr("The receiver's port. NSX default `162`."),
			"community_name": required("The community the traps carry (its string is in `community_strings_wo`).", snmpName),
		}, 3),
		stringField("v3_auth_protocol", "The SNMP v3 authentication protocol: `SHA1` (NSX default), `SHA256`, `SHA384` or `SHA512`.",
			stringvalidator.OneOf("SHA1", "SHA256", "SHA384", "SHA512")).at(props("v3_auth_protocol")),
		stringField("v3_priv_protocol", "The SNMP v3 privacy protocol: `AES128` (NSX default), `AES192` or `AES256`.",
			stringvalidator.OneOf("AES128", "AES192", "AES256")).at(props("v3_priv_protocol")),
		snmpObjectList("v3_users", "SNMP v3 users that may poll the node (at most 5); their passwords are in `v3_auth_passwords_wo` and `v3_priv_passwords_wo`.",
			map[string]schema.Attribute{
				"user_id":        required("The user's id (1 to 32 characters, no spaces).", stringvalidator.LengthBetween(1, 32), stringvalidator.RegexMatches(noSpace, "must not contain spaces")),
				"access":         optionalString("`READ_ONLY`, the only access NSX grants.", stringvalidator.OneOf("READ_ONLY")),
				"security_level": optionalString("`AUTH_PRIV` (authentication and privacy), the only level NSX offers.", stringvalidator.OneOf("AUTH_PRIV")),
			}, 5),
		snmpObjectList("v3_targets", "SNMP v3 trap receivers (at most 3), each naming one of `v3_users`.", map[string]schema.Attribute{
			"server":         required("The receiver's host name or IP address.", framework.HostOrAddress()),
			"port":           portAttr("The receiver's port. NSX default `162`."),
			"user_id":        required("The v3 user the traps are sent as; one of `v3_users`."),
			"security_level": optionalString("`AUTH_PRIV`.", stringvalidator.OneOf("AUTH_PRIV")),
		}, 3),
		computedBool("v2_configured", props("v2_configured"), "Whether NSX reports SNMP v2c configured (it has communities). STIG: `false`."),
		computedBool("v3_configured", props("v3_configured"), "Whether NSX reports SNMP v3 configured (it has v3 users)."),
	},
	locals:   snmpLocals(),
	rotation: "secrets_wo_version",
	validate: validateSNMP,
	compose:  composeSNMP,
}

var snmpSecretMaps = map[string]string{ //nolint:gosec // attribute names and their descriptions, no credentials
	"community_strings_wo": "Community strings by community name (1 to 64 characters), for `communities` and `v2_targets`.",
	"v3_auth_passwords_wo": "SNMP v3 authentication passwords by user id (8 characters or more).",
	"v3_priv_passwords_wo": "SNMP v3 privacy passwords by user id (8 characters or more).",
}

// snmpLocals are the write-only maps and their version: beside the fields, as they are no
// field of the object (compose puts their values into the lists' items).
func snmpLocals() map[string]schema.Attribute {
	locals := map[string]schema.Attribute{
		"secrets_wo_version": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Any number; change it to send every community string and v3 password again (a rotation).",
		},
	}
	for name, desc := range snmpSecretMaps {
		locals[name] = schema.MapAttribute{
			Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType,
			MarkdownDescription: desc + " Write-only: never in the plan or the state; NSX never answers it. Sent for an item new on a node, and for every item when `secrets_wo_version` changes.",
		}
	}
	return locals
}

func computedBool(name, at, desc string) field {
	f := boolField(name, desc).at(at)
	f.attr = schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	f.encode = nil
	return f
}

// portText is a target's port as configured, or NSX's default where it is left out.
func portText(p types.Int64) string {
	if p.IsNull() {
		return "162 (NSX's default)"
	}
	return strconv.FormatInt(p.ValueInt64(), 10)
}

// validateSNMP checks that every v3 target names a v3 user, that no receiver is listed twice,
// and that the secrets name items that exist.
func validateSNMP(ctx context.Context, cfg values, diags *diag.Diagnostics) {
	users := map[string]bool{}
	for _, u := range objects(cfg["v3_users"]) {
		if id, ok := u["user_id"].(types.String); ok && framework.Known(id) {
			users[id.ValueString()] = true
		}
	}
	usersKnown := framework.Known(cfg["v3_users"])
	for i, t := range objects(cfg["v3_targets"]) {
		id, ok := t["user_id"].(types.String)
		if ok && framework.Known(id) && usersKnown && !users[id.ValueString()] {
			diags.AddAttributeError(path.Root("v3_targets").AtListIndex(i).AtName("user_id"), "SNMP v3 Target Without Its User",
				fmt.Sprintf("v3_targets[%d] sends traps as %q, which is not one of v3_users; NSX refuses a target whose user does not exist.", i, id.ValueString()))
		}
	}
	// A receiver listed twice would get every trap twice (server and port are what NSX sends to).
	for _, list := range []string{"v2_targets", "v3_targets"} {
		seen := map[string]int{}
		for i, t := range objects(cfg[list]) {
			server, ok := t["server"].(types.String)
			port, _ := t["port"].(types.Int64)
			if !ok || !framework.Known(server) || port.IsUnknown() {
				continue
			}
			n := int64(162) // NSX's default where the port is left out
			if !port.IsNull() {
				n = port.ValueInt64()
			}
			key := strings.ToLower(server.ValueString()) + ":" + strconv.FormatInt(n, 10)
			if first, dup := seen[key]; dup {
				diags.AddAttributeError(path.Root(list).AtListIndex(i).AtName("server"), "Duplicate SNMP Trap Receiver",
					fmt.Sprintf("%s[%d] sends to %s, port %s, as %s[%d] does: list each receiver once.", list, i, server.ValueString(), portText(port), list, first))
				continue
			}
			seen[key] = i
		}
	}
	for _, l := range snmpLists {
		for _, m := range l.secrets {
			secrets, ok := cfg[m].(types.Map)
			if !ok || !framework.Known(secrets) {
				continue
			}
			for name, v := range secrets.Elements() {
				s, _ := v.(types.String)
				if framework.Known(s) && (len(s.ValueString()) < 1 || len(s.ValueString()) > 128) {
					diags.AddAttributeError(path.Root(m).AtMapKey(name), "Invalid SNMP Secret", "The secret must be 1 to 128 characters long.")
				}
			}
		}
	}
	_ = ctx
}

// objects are the items of a list of objects, by attribute (nil for null or unknown).
func objects(v attr.Value) []map[string]attr.Value {
	l, ok := v.(types.List)
	if !ok || !framework.Known(l) {
		return nil
	}
	out := make([]map[string]attr.Value, 0, len(l.Elements()))
	for _, e := range l.Elements() {
		if o, ok := e.(types.Object); ok && framework.Known(o) {
			out = append(out, o.Attributes())
		}
	}
	return out
}

// composeSNMP writes each configured list: every item as configured, over the item of the
// same name the node holds (so the manager's values of what the item leaves out stay); the
// item's secrets where the item is new on the node or the secrets rotate, else none (the
// node keeps its own).
func composeSNMP(_ context.Context, in composeInput, ch nsxtapi.Changes, diags *diag.Diagnostics) {
	rotate := rotating("secrets_wo_version", in.cfg, in.prior)
	for _, l := range snmpLists {
		cfg := in.cfg[l.attr]
		if cfg == nil || !framework.Known(cfg) {
			continue
		}
		var held []map[string]any
		if present, err := in.doc.Decode(props(l.attr), &held); present && err != nil {
			diags.AddError("Unexpected NSX Answer", err.Error())
			return
		}
		items := []any{}
		for i, it := range objects(cfg) {
			j, err := framework.ToJSON(types.ObjectValueMust(attrTypes(it), it))
			if err != nil {
				diags.AddAttributeError(path.Root(l.attr).AtListIndex(i), "Unwritable Value", err.Error())
				return
			}
			item, _ := j.(map[string]any)
			key := item[l.key]
			var old map[string]any
			for _, h := range held {
				if h[l.key] == key {
					old = h
				}
			}
			merged := map[string]any{}
			maps.Copy(merged, old)
			maps.Copy(merged, item)
			if old == nil || rotate {
				for field, m := range l.secrets {
					secret, ok := secretOf(in.cfg[m], fmt.Sprint(key))
					if !ok {
						if old == nil {
							diags.AddAttributeError(path.Root(m), "SNMP Secret Missing",
								fmt.Sprintf("%s[%d] (%v) is new on node %s and needs its %s: give it in %s under the key %q. NSX requires it when an item is added.",
									l.attr, i, key, in.doc.Node, field, m, fmt.Sprint(key)))
							return
						}
						continue
					}
					merged[field] = secret
				}
			}
			items = append(items, merged)
		}
		ch[props(l.attr)] = items
	}
	if cfg := in.cfg["v3_targets"]; cfg != nil && framework.Known(cfg) {
		j, err := framework.ToJSON(cfg)
		if err != nil {
			diags.AddAttributeError(path.Root("v3_targets"), "Unwritable Value", err.Error())
			return
		}
		merged, err := mergeByIndex(in.doc, props("v3_targets"), j)
		if err != nil {
			diags.AddAttributeError(path.Root("v3_targets"), "Unexpected NSX Answer", err.Error()+". Nothing was written.")
			return
		}
		ch[props("v3_targets")] = merged
	}
}

// mergeByIndex sets each item of the list j over the item at the same index the document
// holds at p, so the manager's values of what an item leaves out stay.
func mergeByIndex(doc *nsxtapi.Document, p string, j any) (any, error) {
	list, _ := j.([]any)
	var held []map[string]any
	if _, err := doc.Decode(p, &held); err != nil {
		return nil, err
	}
	for i, it := range list {
		item, _ := it.(map[string]any)
		if i >= len(held) || item == nil {
			continue
		}
		merged := map[string]any{}
		maps.Copy(merged, held[i])
		maps.Copy(merged, item)
		list[i] = merged
	}
	return list, nil
}

func secretOf(v attr.Value, key string) (string, bool) {
	m, ok := v.(types.Map)
	if !ok || !framework.Known(m) {
		return "", false
	}
	s, ok := m.Elements()[key].(types.String)
	if !ok || !framework.Known(s) {
		return "", false
	}
	return s.ValueString(), true
}

func attrTypes(vals map[string]attr.Value) map[string]attr.Type {
	out := make(map[string]attr.Type, len(vals))
	for k, v := range vals {
		out[k] = v.Type(context.Background())
	}
	return out
}
