package nsxt

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// What runs on every manager node: the NTP, SSH and SNMP services, declared on the settings
// engine (node scope: written on every node through its own session, drift shown per node).

// NewNTPResource is nsx_ntp.
func NewNTPResource() resource.Resource { return ntpService.resource() }

// NewSSHServiceResource is nsx_ssh_service.
func NewSSHServiceResource() resource.Resource { return sshService.resource() }

// NewSNMPResource is nsx_snmp.
func NewSNMPResource() resource.Resource { return snmpService.resource() }

// hostValidator takes a host name or an IP address.
func hostValidator() validator.String {
	return stringvalidator.Any(framework.IPAddress(),
		stringvalidator.RegexMatches(framework.HostnameRE, "must be a host name or an IP address"))
}

// running is a service's running state, started or stopped with the service's actions.
func running(service, stig string) field {
	return boolField("running", fmt.Sprintf("Whether the %s runs on the node (its status's `runtime_state` is `running`): the provider starts or stops it "+
		"with the service's `start` and `stop` actions and waits until the status says so. %s", service, stig)).at(nsxtapi.RunningPath)
}

// props is the path of a service property.
func props(name string) string { return "service_properties." + name }

const nodeServiceNote = "NSX keeps node services per node: the provider writes every node listed in the `nsxt` block through that node's own " +
	"session, and `nodes` holds what each node has; a node that differs from the configuration shows in the plan under its own address, " +
	"and the apply changes that node only."

var ntpService = &settings{
	object:   nsxtapi.NTPService,
	typeName: "nsx_ntp",
	description: "The NTP service of **every NSX Manager node** (`/api/v1/node/services/ntp`): the time servers, whether the service starts " +
		"on boot, and whether it runs. " + nodeServiceNote + "\n\n" +
		"STIG VCFN-9X-000111: at least one authorised server, `start_on_boot = true`.\n\n" +
		"Import with the id `ntp`. **Destroying this resource leaves the service as it is** (with a warning).",
	destroyNote: "nsx_ntp left the state; the NTP service of every NSX Manager node stays as it is.",
	fields: []field{
		stringListField("servers", "The NTP servers, host names or IP addresses, in order of preference (at most 5). STIG: authorised servers only.",
			listvalidator.SizeAtMost(5), listvalidator.ValueStringsAre(hostValidator()), listvalidator.UniqueValues()).at(props("servers")),
		boolField("start_on_boot", "Whether the service starts when the node boots. STIG: `true`.").at(props("start_on_boot")),
		running("NTP service", "STIG: `true`."),
	},
}

var sshService = &settings{
	object:   nsxtapi.SSHService,
	typeName: "nsx_ssh_service",
	description: "The SSH service of **every NSX Manager node** (`/api/v1/node/services/ssh`): whether it runs, whether it starts on boot, and " +
		"whether root may log in. " + nodeServiceNote + "\n\n" +
		"STIG VCFN-9X-000086: `running = false`, `start_on_boot = false` (and `root_login = false`). Stopping SSH ends the SSH sessions " +
		"of the node; the API and the console stay.\n\n" +
		"Import with the id `ssh`. **Destroying this resource leaves the service as it is** (with a warning).",
	destroyNote: "nsx_ssh_service left the state; the SSH service of every NSX Manager node stays as it is.",
	fields: []field{
		running("SSH service", "STIG: `false`."),
		boolField("start_on_boot", "Whether the service starts when the node boots. STIG: `false`.").at(props("start_on_boot")),
		boolField("root_login", "Whether root may log in over SSH. NSX default `false`.").at(props("root_login")),
	},
}

// SNMP: communities and targets are lists of objects; their secrets (community strings, v3
// passwords) are write-only maps by the item's name, which compose puts into the items of a
// write where an item is new on the node or the secrets rotate.

func snmpObjectList(name, desc string, attrs map[string]schema.Attribute, most int) field {
	f := jsonField(name, props(name), schema.ListNestedAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc,
		NestedObject:  schema.NestedAttributeObject{Attributes: attrs},
		Validators:    []validator.List{listvalidator.SizeAtMost(most)},
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	})
	f.same = subsetEqual
	f.encode = nil // compose writes it
	return f
}

func required(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: v}
}

func optionalString(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func portAttr(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: []validator.Int64{int64validator.Between(1, 65535)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
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
			"server":         required("The receiver's host name or IP address.", hostValidator()),
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
			"server":         required("The receiver's host name or IP address.", hostValidator()),
			"port":           portAttr("The receiver's port. NSX default `162`."),
			"user_id":        required("The v3 user the traps are sent as; one of `v3_users`."),
			"security_level": optionalString("`AUTH_PRIV`.", stringvalidator.OneOf("AUTH_PRIV")),
		}, 3),
		computedBool("v2_configured", props("v2_configured"), "Whether NSX reports SNMP v2c configured (it has communities). STIG: `false`."),
		computedBool("v3_configured", props("v3_configured"), "Whether NSX reports SNMP v3 configured (it has v3 users)."),
	},
	validate: validateSNMP,
	compose:  composeSNMP,
}

var snmpSecretMaps = map[string]string{ //nolint:gosec // attribute names and their descriptions, no credentials
	"community_strings_wo": "Community strings by community name (1 to 64 characters), for `communities` and `v2_targets`.",
	"v3_auth_passwords_wo": "SNMP v3 authentication passwords by user id (8 characters or more).",
	"v3_priv_passwords_wo": "SNMP v3 privacy passwords by user id (8 characters or more).",
}

func init() {
	// The write-only maps and their version live beside the fields (they are no field of
	// the object: compose puts their values into the lists' items).
	snmpService.locals = map[string]schema.Attribute{}
	for name, desc := range snmpSecretMaps {
		snmpService.locals[name] = schema.MapAttribute{
			Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType,
			MarkdownDescription: desc + " Write-only: never in the plan or the state; NSX never answers it. Sent for an item new on a node, and for every item when `secrets_wo_version` changes.",
		}
	}
	snmpService.locals["secrets_wo_version"] = schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "Any number; change it to send every community string and v3 password again (a rotation).",
	}
	snmpService.rotation = "secrets_wo_version"
}

func computedBool(name, at, desc string) field {
	f := boolField(name, desc).at(at)
	f.attr = schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	f.encode = nil
	return f
}

// validateSNMP checks that every v3 target names a v3 user and that the secrets name items
// that exist.
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
			j, err := toJSON(types.ObjectValueMust(attrTypes(it), it))
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
			for k, v := range old {
				merged[k] = v
			}
			for k, v := range item {
				merged[k] = v
			}
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
		j, err := toJSON(cfg)
		if err != nil {
			diags.AddAttributeError(path.Root("v3_targets"), "Unwritable Value", err.Error())
			return
		}
		ch[props("v3_targets")] = mergeByIndex(in.doc, props("v3_targets"), j)
	}
}

// mergeByIndex sets each item of the list j over the item at the same index the document
// holds at p, so the manager's values of what an item leaves out stay.
func mergeByIndex(doc *nsxtapi.Document, p string, j any) any {
	list, _ := j.([]any)
	var held []map[string]any
	_, _ = doc.Decode(p, &held)
	for i, it := range list {
		item, _ := it.(map[string]any)
		if i >= len(held) || item == nil {
			continue
		}
		merged := map[string]any{}
		for k, v := range held[i] {
			merged[k] = v
		}
		for k, v := range item {
			merged[k] = v
		}
		list[i] = merged
	}
	return list
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

// nsx_service_logging: the logging level of several node services on every manager node.
// Each service is a settings object of its own (/api/v1/node/services/<name>), written
// through the engine on each node, one node after the other; only logging_level changes.

const serviceLoggingType = "nsx_service_logging"

// NewServiceLoggingResource is nsx_service_logging.
func NewServiceLoggingResource() resource.Resource {
	return &serviceLoggingResource{framework.ResourceBase{TypeName: serviceLoggingType}}
}

type serviceLoggingResource struct{ framework.ResourceBase }

type serviceLoggingModel struct {
	ID     types.String `tfsdk:"id"`
	Levels types.Map    `tfsdk:"levels"`
	Nodes  types.Map    `tfsdk:"nodes"`
	framework.Timeouts
}

var (
	levelsType                                  = types.MapType{ElemType: types.StringType}
	_          resource.ResourceWithModifyPlan  = (*serviceLoggingResource)(nil)
	_          resource.ResourceWithImportState = (*serviceLoggingResource)(nil)
)

func (r *serviceLoggingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The logging level of NSX node services on **every NSX Manager node**: `" + strings.Join(nsxtapi.LoggingServices, "`, `") +
			"` (`/api/v1/node/services/<name>`, `service_properties.logging_level`). Each service's properties are written through their own " +
			"object, on every node listed in the `nsxt` block through that node's own session, one node after the other; only `logging_level` " +
			"changes, everything else goes back as NSX answered it. `nodes` holds each node's levels: a node that differs shows in the plan " +
			"under its own address, and the apply changes that node only.\n\n" +
			"STIG VCFN-9X-000007: `INFO` for `async_replicator`, `auth`, `http`, `manager` and `telemetry`.\n\n" +
			"Import with the id `service_logging` (every service is then managed) or `service_logging:async_replicator,auth,...` (those services). **Destroying this resource leaves the levels as they are** (with a warning).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `service_logging`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"levels": schema.MapAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "The logging level by service: `OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`. Services not listed are left as they are.",
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(stringvalidator.OneOf(nsxtapi.LoggingServices...)),
					mapvalidator.ValueStringsAre(stringvalidator.OneOf("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE")),
				},
			},
			"nodes": schema.MapAttribute{
				Computed: true, ElementType: levelsType,
				MarkdownDescription: "The levels of the services in `levels` as read on each manager node, by the node's address as the `nsxt` block lists it.",
			},
			"timeouts": framework.ResourceTimeouts(ctx, timeouts.Opts{Create: true, Update: true, Read: true}),
		},
	}
}

func (r *serviceLoggingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, "create", req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *serviceLoggingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, "update", req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *serviceLoggingResource) apply(ctx context.Context, op string, plan planSource, out stateSink, diags *diag.Diagnostics) {
	var m serviceLoggingModel
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		want := stringMap(m.Levels)
		nodes := map[string]map[string]string{}
		for _, host := range c.Nodes() {
			got := map[string]string{}
			for _, svc := range sortedKeys(want) {
				level := want[svc]
				w, err := c.WriteSettings(ctx, nsxtapi.LoggingService(svc), host, restartWait, func(*nsxtapi.Document) (nsxtapi.Changes, error) {
					return nsxtapi.Changes{"service_properties.logging_level": level}, nil
				})
				if err != nil {
					lead := fmt.Sprintf("Setting the logging level of the %s service on node %s", svc, host)
					if len(nodes) > 0 || len(got) > 0 {
						lead += " (what was written before it is in the state)"
					}
					r.Managers.Failed(diags, "Writing NSX Service Logging Failed", lead, err)
					if len(nodes) == 0 && len(got) == 0 {
						return
					}
					break
				}
				got[svc] = loggingLevel(w.After)
			}
			nodes[host] = got
			if diags.HasError() {
				break
			}
		}
		m.ID = types.StringValue("service_logging")
		m.Nodes = nodesValue(nodes)
		diags.Append(out.Set(ctx, &m)...)
	})
}

type planSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

type stateSink interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

func (r *serviceLoggingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m serviceLoggingModel
	framework.Do(ctx, req.State, r.Op("read"), &m, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		var services []string
		if m.Levels.IsNull() { // imported: every service
			services = nsxtapi.LoggingServices
		} else {
			services = sortedKeys(m.Levels.Elements())
		}
		nodes := map[string]map[string]string{}
		for _, host := range c.Nodes() {
			got := map[string]string{}
			for _, svc := range services {
				doc, err := c.ReadSettings(ctx, nsxtapi.LoggingService(svc), host)
				if err != nil {
					r.Managers.ReadFailed(&resp.Diagnostics, "NSX Service Logging", fmt.Sprintf("Reading the %s service on node %s", svc, host), err)
					return
				}
				got[svc] = loggingLevel(doc)
			}
			nodes[host] = got
		}
		// The top level: what every node agrees on; where they differ, what the state said.
		prior := stringMap(m.Levels)
		levels := map[string]string{}
		for _, svc := range services {
			agreed, first := "", true
			for _, got := range nodes {
				if first {
					agreed, first = got[svc], false
				} else if got[svc] != agreed {
					agreed = ""
					break
				}
			}
			switch {
			case agreed != "":
				levels[svc] = agreed
			case prior[svc] != "":
				levels[svc] = prior[svc]
			}
		}
		m.Levels = mapValue(levels)
		m.Nodes = nodesValue(nodes)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	})
}

func (r *serviceLoggingResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("NSX Service Logging Left As It Is",
		"nsx_service_logging left the state; the logging levels of every NSX Manager node's services stay as they are.")
}

// ImportState takes `service_logging` (every service) or `service_logging:auth,http,...`
// (those services: the ones the configuration lists, so that it plans nothing).
func (r *serviceLoggingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, list, hasList := strings.Cut(req.ID, ":")
	if id != "service_logging" {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%s is a singleton; import it with the id %q, or %q with the services to manage, not %q.",
				serviceLoggingType, "service_logging", "service_logging:auth,http", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), "service_logging")...)
	if !hasList {
		return
	}
	levels := map[string]string{}
	for _, svc := range strings.Split(list, ",") {
		svc = strings.TrimSpace(svc)
		if !slices.Contains(nsxtapi.LoggingServices, svc) {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q is not one of the services: %s.", svc, strings.Join(nsxtapi.LoggingServices, ", ")))
			return
		}
		levels[svc] = ""
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("levels"), mapValue(levels))...)
}

// ModifyPlan plans each configured node at the configured levels, so that a node that
// differs shows under its own address.
func (r *serviceLoggingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, serviceLoggingType)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan serviceLoggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := r.Managers.Settings(Manager.Block)
	if s == nil || !framework.Known(plan.Levels) || !whollyKnown(plan.Levels) {
		plan.Nodes = types.MapUnknown(levelsType)
	} else {
		want := stringMap(plan.Levels)
		nodes := map[string]map[string]string{}
		for _, n := range s.Nodes {
			nodes[n.Host] = want
		}
		plan.Nodes = nodesValue(nodes)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func loggingLevel(d *nsxtapi.Document) string {
	var level string
	_, _ = d.Decode("service_properties.logging_level", &level)
	return level
}

func stringMap(m types.Map) map[string]string {
	out := map[string]string{}
	if !framework.Known(m) {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && framework.Known(s) {
			out[k] = s.ValueString()
		}
	}
	return out
}

func mapValue(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func nodesValue(nodes map[string]map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(nodes))
	for host, levels := range nodes {
		elems[host] = mapValue(levels)
	}
	return types.MapValueMust(levelsType, elems)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// nsx_syslog_exporter: one syslog exporter, on every manager node. NSX creates and deletes
// exporters by name and has no update: an exporter that differs on a node is deleted and
// created again there. The node's syslog service is started where it is not running.

const exporterType = "nsx_syslog_exporter"

// NewSyslogExporterResource is nsx_syslog_exporter.
func NewSyslogExporterResource() resource.Resource {
	return &syslogExporterResource{framework.ResourceBase{TypeName: exporterType}}
}

type syslogExporterResource struct{ framework.ResourceBase }

type syslogExporterModel struct {
	ID             types.String `tfsdk:"id"`
	ExporterName   types.String `tfsdk:"exporter_name"`
	Server         types.String `tfsdk:"server"`
	Port           types.Int64  `tfsdk:"port"`
	Protocol       types.String `tfsdk:"protocol"`
	Level          types.String `tfsdk:"level"`
	Facilities     types.Set    `tfsdk:"facilities"`
	Msgids         types.Set    `tfsdk:"msgids"`
	StructuredData types.Set    `tfsdk:"structured_data"`
	TLSCAPEM       types.String `tfsdk:"tls_ca_pem"`
	TLSCertPEM     types.String `tfsdk:"tls_cert_pem"`
	TLSClientCAPEM types.String `tfsdk:"tls_client_ca_pem"`
	TLSKeyPEM      types.String `tfsdk:"tls_key_pem_wo"`
	TLSKeyVersion  types.Int64  `tfsdk:"tls_key_pem_wo_version"`
	Nodes          types.Map    `tfsdk:"nodes"`
	framework.Timeouts
}

// exporterNode is what one node holds.
type exporterNode struct {
	Present       bool `tfsdk:"present"`
	Matches       bool `tfsdk:"matches"`
	SyslogRunning bool `tfsdk:"syslog_running"`
}

var exporterNodeType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"present": types.BoolType, "matches": types.BoolType, "syslog_running": types.BoolType,
}}

// pemRE is a PEM block's start; exporterNameRE a name NSX takes in a path.
var (
	pemRE          = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]+-----`)
	exporterNameRE = regexp.MustCompile(`^[^/?#%\s]+$`)
)

var syslogFacilities = []string{"KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "AUTHPRIV", "FTP", "LOGALERT", "CRON",
	"LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"}

func (r *syslogExporterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	set := func(desc string, v ...validator.String) schema.SetAttribute {
		return schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.Set{setvalidator.ValueStringsAre(v...)}, PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}}
	}
	pem := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc,
			Validators: []validator.String{stringvalidator.LengthAtMost(65536), stringvalidator.RegexMatches(pemRE, "must be PEM (-----BEGIN ...)")}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A syslog exporter of **every NSX Manager node** (`/api/v1/node/services/syslog/exporters`): where the node sends its " +
			"logs. NSX keeps exporters per node; the provider creates this one on every node listed in the `nsxt` block through that node's own " +
			"session, starts the node's syslog service where it is not running, and reads both back from each node: `nodes` says, per node, whether " +
			"the exporter is there, matches the configuration and the syslog service runs. A node that differs shows in the plan under its own " +
			"address; NSX has no update of an exporter, so the apply deletes and creates it again on that node only.\n\n" +
			"STIG VCFN-9X-000085: every node exports to the authorised servers at level `INFO`, with the syslog service running.\n\n" +
			"Import with the exporter's name. Destroy deletes the exporter from every node.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The exporter's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"exporter_name": schema.StringAttribute{Required: true, MarkdownDescription: "The exporter's name, unique on a node. Changing it replaces the exporter.",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255), stringvalidator.RegexMatches(exporterNameRE, "must not contain spaces, /, ?, # or %")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"server": schema.StringAttribute{Required: true, MarkdownDescription: "The syslog server's IP address or fully qualified host name.",
				Validators: []validator.String{hostValidator()}},
			"port": schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "The server's port; NSX default `514` (TCP, TLS, UDP) or `9000` (LI, LI-TLS).",
				Validators: portAttr("").Validators, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"protocol": schema.StringAttribute{Required: true, MarkdownDescription: "`TCP`, `UDP`, `TLS`, `LI` or `LI-TLS` (LI: VMware Aria Operations for Logs).",
				Validators: []validator.String{stringvalidator.OneOf("TCP", "UDP", "TLS", "LI", "LI-TLS")}},
			"level": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("INFO"),
				MarkdownDescription: "The least severe level exported: `EMERG`, `ALERT`, `CRIT`, `ERR`, `WARNING`, `NOTICE`, `INFO` or `DEBUG`. Default `INFO`; STIG: `INFO`.",
				Validators:          []validator.String{stringvalidator.OneOf("EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG")}},
			"facilities":        set("Facilities to export (`KERN`, `AUTH`, `LOCAL0`, ...); none: all.", stringvalidator.OneOf(syslogFacilities...)),
			"msgids":            set("Message ids to export; none: all.", stringvalidator.LengthBetween(1, 64)),
			"structured_data":   set("Structured data to export, e.g. `audit=\"true\"`; none: all.", stringvalidator.LengthBetween(1, 255)),
			"tls_ca_pem":        pem("For `TLS` and `LI-TLS`: the CA certificate of the server, PEM."),
			"tls_cert_pem":      pem("For `TLS` and `LI-TLS` with a client certificate: the node's certificate, PEM (with `tls_key_pem_wo`)."),
			"tls_client_ca_pem": pem("For `TLS` and `LI-TLS` with a client certificate: the CA of the node's certificate, PEM."),
			"tls_key_pem_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "For a client certificate: its private key, PEM. Write-only: never in the plan or the state; NSX never answers it. " +
					"Change `tls_key_pem_wo_version` to send a new one (the exporter is then created again on every node).",
				Validators: []validator.String{stringvalidator.RegexMatches(pemRE, "must be PEM (-----BEGIN ...)")}},
			"tls_key_pem_wo_version": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "Any number; change it to send `tls_key_pem_wo` again."},
			"nodes": schema.MapAttribute{Computed: true, ElementType: exporterNodeType,
				MarkdownDescription: "Per manager node, by its address as the `nsxt` block lists it: whether the exporter is `present`, whether it " +
					"`matches` the configuration, and whether the node's syslog service runs (`syslog_running`)."},
			"timeouts": framework.ResourceTimeouts(ctx, timeouts.Opts{Create: true, Update: true, Read: true, Delete: true}),
		},
	}
}

// ValidateConfig: the TLS fields belong to the TLS protocols, a certificate with its key.
func (r *syslogExporterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m syslogExporterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !framework.Known(m.Protocol) {
		return
	}
	tls := m.Protocol.ValueString() == "TLS" || m.Protocol.ValueString() == "LI-TLS"
	for name, v := range map[string]types.String{"tls_ca_pem": m.TLSCAPEM, "tls_cert_pem": m.TLSCertPEM, "tls_client_ca_pem": m.TLSClientCAPEM, "tls_key_pem_wo": m.TLSKeyPEM} {
		if !tls && !v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "TLS Setting Without TLS", name+" is only for the TLS and LI-TLS protocols.")
		}
	}
	if tls && m.TLSCAPEM.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("tls_ca_pem"), "TLS Needs the Server's CA", "Protocol "+m.Protocol.ValueString()+" needs tls_ca_pem.")
	}
	if !m.TLSCertPEM.IsUnknown() && !m.TLSKeyPEM.IsUnknown() && m.TLSCertPEM.IsNull() != m.TLSKeyPEM.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("tls_cert_pem"), "Client Certificate Without Its Key", "tls_cert_pem and tls_key_pem_wo go together.")
	}
}

// want is the exporter the configuration asks for.
func (m *syslogExporterModel) want(ctx context.Context, diags *diag.Diagnostics) nsxtapi.SyslogExporter {
	e := nsxtapi.SyslogExporter{
		ExporterName: m.ExporterName.ValueString(), Server: m.Server.ValueString(), Protocol: m.Protocol.ValueString(), Level: m.Level.ValueString(),
		TLSCAPEM: m.TLSCAPEM.ValueString(), TLSCertPEM: m.TLSCertPEM.ValueString(), TLSClientCAPEM: m.TLSClientCAPEM.ValueString(),
		TLSKeyPEM: m.TLSKeyPEM.ValueString(),
	}
	if framework.Known(m.Port) {
		e.Port = m.Port.ValueInt64()
	}
	e.Facilities, e.Msgids, e.StructuredData = sortedStrings(ctx, m.Facilities, diags), sortedStrings(ctx, m.Msgids, diags), sortedStrings(ctx, m.StructuredData, diags)
	return e
}

func sortedStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	out := []string{}
	if framework.Known(s) {
		diags.Append(s.ElementsAs(ctx, &out, false)...)
	}
	sort.Strings(out)
	return out
}

// matches reports whether got is the exporter want asks for (a port want leaves to NSX
// matches any; the key, never answered, always does).
func matches(want, got nsxtapi.SyslogExporter) bool {
	if want.Port == 0 {
		want.Port = got.Port
	}
	norm := func(e nsxtapi.SyslogExporter) nsxtapi.SyslogExporter {
		e.TLSKeyPEM = ""
		for _, l := range []*[]string{&e.Facilities, &e.Msgids, &e.StructuredData} {
			c := append([]string{}, *l...)
			sort.Strings(c)
			*l = c
		}
		return e
	}
	return fmt.Sprint(norm(want)) == fmt.Sprint(norm(got))
}

func (r *syslogExporterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg syslogExporterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	r.apply(ctx, "create", req.Plan, cfg.TLSKeyPEM, true, &resp.State, &resp.Diagnostics)
}

func (r *syslogExporterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, state syslogExporterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, "update", req.Plan, cfg.TLSKeyPEM, !cfg.TLSKeyVersion.Equal(state.TLSKeyVersion), &resp.State, &resp.Diagnostics)
}

// apply puts the exporter on every node: where a node holds one of the name that differs (or
// the key rotates), deleted and created again; the syslog service started where stopped.
func (r *syslogExporterResource) apply(ctx context.Context, op string, plan planSource, key types.String, rekey bool, out stateSink, diags *diag.Diagnostics) {
	var m syslogExporterModel
	if diags.HasError() {
		return
	}
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		m.TLSKeyPEM = key
		if framework.Known(key) {
			c.Secrets(key.ValueString())
		}
		want := m.want(ctx, diags)
		if diags.HasError() {
			return
		}
		nodes := map[string]exporterNode{}
		var got *nsxtapi.SyslogExporter
		for _, host := range c.Nodes() {
			e, err := r.putOn(ctx, c, host, want, rekey)
			if err != nil {
				lead := fmt.Sprintf("Putting the syslog exporter %s on node %s", want.ExporterName, host)
				if len(nodes) > 0 {
					lead += " (the nodes before it hold it, and the state records them)"
				}
				r.Managers.Failed(diags, "Writing the NSX Syslog Exporter Failed", lead, err)
				if len(nodes) == 0 {
					return
				}
				break
			}
			if got == nil {
				got = e
			}
			nodes[host] = exporterNode{Present: true, Matches: true, SyslogRunning: true}
		}
		m.ID = m.ExporterName
		if got != nil {
			if !framework.Known(m.Port) {
				m.Port = types.Int64Value(got.Port)
			}
			for _, s := range []struct {
				v   *types.Set
				got []string
			}{{&m.Facilities, got.Facilities}, {&m.Msgids, got.Msgids}, {&m.StructuredData, got.StructuredData}} {
				if !framework.Known(*s.v) {
					*s.v = setOf(s.got)
				}
			}
		}
		m.TLSKeyPEM = types.StringNull()
		m.Nodes = exporterNodes(ctx, nodes, diags)
		diags.Append(out.Set(ctx, &m)...)
	})
}

// putOn makes host hold want and run syslog; it answers the exporter as the node holds it.
func (r *syslogExporterResource) putOn(ctx context.Context, c *nsxtapi.Client, host string, want nsxtapi.SyslogExporter, rekey bool) (*nsxtapi.SyslogExporter, error) {
	held, err := c.SyslogExporters(ctx, host)
	if err != nil {
		return nil, err
	}
	var cur *nsxtapi.SyslogExporter
	for i := range held {
		if held[i].ExporterName == want.ExporterName {
			cur = &held[i]
		}
	}
	if cur == nil || rekey || !matches(want, *cur) {
		if cur != nil {
			if err := c.DeleteSyslogExporter(ctx, host, want.ExporterName); err != nil {
				return nil, fmt.Errorf("deleting the exporter that differs: %w", err)
			}
		}
		if err := c.CreateSyslogExporter(ctx, host, want); err != nil {
			return nil, err
		}
		held, err = c.SyslogExporters(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("the exporter was created; reading it back failed: %w", err)
		}
		cur = nil
		for i := range held {
			if held[i].ExporterName == want.ExporterName {
				cur = &held[i]
			}
		}
		if cur == nil {
			return nil, fmt.Errorf("the exporter was created, but the node does not list it")
		}
	}
	if _, err := c.WriteSettings(ctx, nsxtapi.SyslogService, host, restartWait, func(*nsxtapi.Document) (nsxtapi.Changes, error) {
		return nsxtapi.Changes{nsxtapi.RunningPath: true}, nil
	}); err != nil {
		return nil, fmt.Errorf("starting the syslog service: %w", err)
	}
	return cur, nil
}

func exporterNodes(ctx context.Context, nodes map[string]exporterNode, diags *diag.Diagnostics) types.Map {
	v, d := types.MapValueFrom(ctx, exporterNodeType, nodes)
	diags.Append(d...)
	return v
}

func (r *syslogExporterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m syslogExporterModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &m, "the NSX Syslog Exporter", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		name := m.ID.ValueString()
		held := map[string]*nsxtapi.SyslogExporter{}
		running := map[string]bool{}
		var first *nsxtapi.SyslogExporter
		for _, host := range c.Nodes() {
			list, err := c.SyslogExporters(ctx, host)
			if err != nil {
				return "Listing the syslog exporters of node " + host, err
			}
			st, err := c.ServiceStatus(ctx, nsxtapi.SyslogService, host)
			if err != nil {
				return "Reading the syslog service's status on node " + host, err
			}
			running[host] = st.RuntimeState == "running"
			held[host] = nil
			for i := range list {
				if list[i].ExporterName == name {
					held[host] = &list[i]
					if first == nil {
						first = &list[i]
					}
				}
			}
		}
		if first == nil {
			return "Listing the syslog exporters", nsxtapi.ErrNotFound // gone from every node
		}
		if m.ExporterName.IsNull() { // imported: the first node's exporter
			m.fill(first)
		}
		want := m.want(ctx, &resp.Diagnostics)
		nodes := map[string]exporterNode{}
		for host, e := range held {
			nodes[host] = exporterNode{Present: e != nil, Matches: e != nil && matches(want, *e), SyslogRunning: running[host]}
		}
		m.ID = types.StringValue(name)
		m.Nodes = exporterNodes(ctx, nodes, &resp.Diagnostics)
		return "", nil
	})
}

// fill sets the model from the exporter e (an import).
func (m *syslogExporterModel) fill(e *nsxtapi.SyslogExporter) {
	m.ExporterName, m.Server, m.Port = types.StringValue(e.ExporterName), types.StringValue(e.Server), types.Int64Value(e.Port)
	m.Protocol, m.Level = types.StringValue(e.Protocol), types.StringValue(e.Level)
	m.Facilities, m.Msgids, m.StructuredData = setOf(e.Facilities), setOf(e.Msgids), setOf(e.StructuredData)
	opt := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	m.TLSCAPEM, m.TLSCertPEM, m.TLSClientCAPEM = opt(e.TLSCAPEM), opt(e.TLSCertPEM), opt(e.TLSClientCAPEM)
}

func setOf(l []string) types.Set {
	elems := make([]attr.Value, 0, len(l))
	for _, s := range l {
		elems = append(elems, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, elems)
}

func (r *syslogExporterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m syslogExporterModel
	framework.Do(ctx, req.State, r.Op("delete"), &m, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		for _, host := range c.Nodes() {
			if err := c.DeleteSyslogExporter(ctx, host, m.ID.ValueString()); err != nil {
				r.Managers.Failed(&resp.Diagnostics, "Deleting the NSX Syslog Exporter Failed", "Deleting the syslog exporter "+m.ID.ValueString()+" from node "+host, err)
				return
			}
		}
	})
}

func (r *syslogExporterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" || !exporterNameRE.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Import a syslog exporter with its name, not %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ModifyPlan plans every configured node with the exporter present, matching and syslog
// running, so that a node that differs shows under its own address.
func (r *syslogExporterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, exporterType)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan syslogExporterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := r.Managers.Settings(Manager.Block)
	if s == nil {
		plan.Nodes = types.MapUnknown(exporterNodeType)
	} else {
		nodes := map[string]exporterNode{}
		for _, n := range s.Nodes {
			nodes[n.Host] = exporterNode{Present: true, Matches: true, SyslogRunning: true}
		}
		plan.Nodes = exporterNodes(ctx, nodes, &resp.Diagnostics)
	}
	plan.ID = plan.ExporterName
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}
