package nsxt

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_syslog_exporter: one syslog exporter, on every manager node. NSX creates and deletes
// exporters by name and has no update: an exporter that differs on a node is deleted and
// created again there. The node's syslog service is started where it is not running.

const exporterType = "nsx_syslog_exporter"

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
			takeOverDoc + " (On each node: the ones that hold an equal exporter keep it, the others get it.)\n\n" +
			"Import with the exporter's name. Destroy deletes the exporter from every node.",
		Attributes: map[string]schema.Attribute{
			"id": framework.Assigned("The exporter's name."),
			"exporter_name": schema.StringAttribute{Required: true, MarkdownDescription: "The exporter's name, unique on a node. Changing it replaces the exporter.",
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255), stringvalidator.RegexMatches(exporterNameRE, "must not contain spaces, /, ?, # or %")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"server": schema.StringAttribute{Required: true, MarkdownDescription: "The syslog server's IP address or fully qualified host name.",
				Validators: []validator.String{framework.HostOrAddress()}},
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
			"timeouts": framework.CRUDTimeouts(ctx),
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

// differs names the attributes in which got is not the exporter want asks for (a port want
// leaves to NSX matches any; the key, never answered, cannot be compared).
func differs(want, got nsxtapi.SyslogExporter) []string {
	if want.Port == 0 {
		want.Port = got.Port
	}
	var f found
	f.check("server", want.Server == got.Server)
	f.check("port", want.Port == got.Port)
	f.check("protocol", want.Protocol == got.Protocol)
	f.check("level", want.Level == got.Level)
	f.check("facilities", sameSet(want.Facilities, got.Facilities))
	f.check("msgids", sameSet(want.Msgids, got.Msgids))
	f.check("structured_data", sameSet(want.StructuredData, got.StructuredData))
	f.check("tls_ca_pem", want.TLSCAPEM == got.TLSCAPEM)
	f.check("tls_cert_pem", want.TLSCertPEM == got.TLSCertPEM)
	f.check("tls_client_ca_pem", want.TLSClientCAPEM == got.TLSClientCAPEM)
	return f.Differs
}

// matches reports whether got is the exporter want asks for (see differs).
func matches(want, got nsxtapi.SyslogExporter) bool { return len(differs(want, got)) == 0 }

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func (r *syslogExporterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg syslogExporterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	r.apply(ctx, "create", req.Plan, cfg.TLSKeyPEM, false, &resp.State, &resp.Diagnostics)
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
		if diags.HasError() || op == "create" && r.existing(ctx, c, want, diags) {
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

// existing looks on every node, before a create writes anything, for exporters of want's name
// that a stopped apply left: where one differs from want, nothing is written and the error
// names its import; ones equal to want are taken over (and kept as they are, not created
// again) with a warning. It reports whether the create must stop.
func (r *syslogExporterResource) existing(ctx context.Context, c *nsxtapi.Client, want nsxtapi.SyslogExporter, diags *diag.Diagnostics) bool {
	var equal []string
	for _, host := range c.Nodes() {
		held, err := c.SyslogExporters(ctx, host)
		if err != nil {
			r.Managers.ReadFailed(diags, "the NSX Syslog Exporters", "Looking on node "+host+" for an exporter "+want.ExporterName+" before creating it", err)
			return true
		}
		for _, e := range held {
			if e.ExporterName != want.ExporterName {
				continue
			}
			f := found{TypeName: exporterType, Kind: "NSX Syslog Exporter", ImportID: want.ExporterName,
				What: fmt.Sprintf("a syslog exporter %s on node %s", want.ExporterName, host), Differs: differs(want, e)}
			if len(f.Differs) > 0 {
				f.refuse(diags, path.Root("exporter_name"))
				return true
			}
			equal = append(equal, host)
		}
	}
	if len(equal) > 0 {
		note := ""
		if want.TLSKeyPEM != "" {
			note = " NSX never answers an exporter's TLS client key, so it was not compared: raise tls_key_pem_wo_version to send yours again."
		}
		found{Kind: "NSX Syslog Exporter", ImportID: want.ExporterName,
			What: fmt.Sprintf("the syslog exporter %s on %s", want.ExporterName, strings.Join(equal, ", "))}.adopted(diags, note)
	}
	return false
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
