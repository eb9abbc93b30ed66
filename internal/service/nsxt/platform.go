package nsxt

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// The cluster's platform settings, declared on the settings engine: the load balancers'
// FIPS mode, the backup configuration and the telemetry (CEIP) configuration.

// NewFIPSConfigResource is nsx_fips_config.
func NewFIPSConfigResource() resource.Resource { return fipsConfig.resource() }

// NewBackupConfigResource is nsx_backup_config.
func NewBackupConfigResource() resource.Resource { return backupConfig.resource() }

// NewTelemetryConfigResource is nsx_telemetry_config.
func NewTelemetryConfigResource() resource.Resource { return telemetryConfig.resource() }

var fipsConfig = &settings{
	object:   nsxtapi.GlobalConfig,
	typeName: "nsx_fips_config",
	description: "The FIPS mode of the NSX load balancers, `fips.lb_fips_enabled` of the policy API's global configuration " +
		"(`/policy/api/v1/infra/global-config`), one for the manager. The rest of the global configuration (MTU, forwarding mode, " +
		"the router MAC) goes back as NSX answered it.\n\n" +
		"STIG VCFN-9X-000114: `lb_fips_enabled = true`. NSX documents that a load balancer applies a change of this setting only when it " +
		"restarts (or its edge node reboots): the apply warns when it changed the setting.\n\n" +
		"The vendor's STIG automation sends `resource_type = \"FipsGlobalConfig\"`, the type of the `fips` field rather than of the object, " +
		"in a template that is not valid JSON; this resource sends the object's own type back.\n\n" +
		"Import with the id `fips_config`. **Destroying this resource leaves the setting as it is** (with a warning).",
	revision:    true,
	destroyNote: "nsx_fips_config left the state; the load balancers' FIPS mode stays as it is.",
	fields: []field{
		boolField("lb_fips_enabled", "Whether NSX load balancers run in FIPS mode. NSX default `false`; STIG: `true`.").at("fips.lb_fips_enabled"),
	},
	after: func(_ context.Context, _ *settingsResource, _ *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics) {
		for _, c := range w.Changed {
			if c == "fips.lb_fips_enabled" {
				diags.AddWarning("Load Balancers Apply the FIPS Mode When They Restart",
					"fips.lb_fips_enabled changed. NSX documents that an existing load balancer applies the new mode only after it restarts "+
						"(or its edge node reboots); plan that maintenance for every load balancer.")
			}
		}
	},
}

// fingerprintRE is an SSH host key's SHA256 fingerprint as ssh-keygen -l -E sha256 prints it.
var fingerprintRE = regexp.MustCompile(`^SHA256:[A-Za-z0-9+/]{43}=?$`)

func optInt(desc string, v ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

var backupConfig = &settings{
	object:   nsxtapi.BackupConfig,
	typeName: "nsx_backup_config",
	description: "The automated backups of the NSX Manager cluster (`/api/v1/cluster/backups/config`): whether they run, their schedule " +
		"(an interval or days of the week), the SFTP server they go to, and the passphrase that encrypts them. One for the cluster.\n\n" +
		"STIG VCFN-9X-000091: `backup_enabled = true` with a schedule.\n\n" +
		"NSX never answers the SFTP password and the passphrase: they are write-only here (`password_wo`, `passphrase_wo`), sent with every " +
		"write of the configuration (NSX needs them when backups are on) and on their own when `secrets_wo_version` changes.\n\n" +
		"Import with the id `backup_config`; give the write-only secrets in the configuration, since the next write sends them. " +
		"**Destroying this resource leaves the configuration as it is** (with a warning).",
	destroyNote: "nsx_backup_config left the state; the backup configuration stays as it is.",
	fields: []field{
		boolField("backup_enabled", "Whether automated backups run. NSX default `false`; STIG: `true`."),
		objectField("backup_schedule", "backup_schedule", "resource_type",
			"When backups run: `resource_type = \"IntervalBackupSchedule\"` with `seconds_between_backups` (300 to 86400; NSX default 3600), "+
				"or `\"WeeklyBackupSchedule\"` with `days_of_week` (0 Sunday to 6 Saturday), `hour_of_day` and `minute_of_day`.",
			map[string]schema.Attribute{
				"resource_type": schema.StringAttribute{Required: true, MarkdownDescription: "`IntervalBackupSchedule` or `WeeklyBackupSchedule`.",
					Validators: []validator.String{stringvalidator.OneOf("IntervalBackupSchedule", "WeeklyBackupSchedule")}},
				"seconds_between_backups": optInt("Seconds between two backups (interval schedules), 300 to 86400.", int64validator.Between(300, 86400)),
				"days_of_week": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.Int64Type,
					MarkdownDescription: "Days the backup runs on (weekly schedules): 0 Sunday to 6 Saturday.",
					Validators:          []validator.Set{setvalidator.SizeBetween(1, 7), setvalidator.ValueInt64sAre(int64validator.Between(0, 6))},
					PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()}},
				"hour_of_day":   optInt("Hour of the backup (weekly schedules), 0 to 23.", int64validator.Between(0, 23)),
				"minute_of_day": optInt("Minute of the backup (weekly schedules), 0 to 59.", int64validator.Between(0, 59)),
			}),
		remoteFileServer(),
		intField("inventory_summary_interval", "Least seconds between two uploads of the inventory summary to the backup server, 30 to 3600. NSX default `240`.",
			int64validator.Between(30, 3600)),
		intField("after_inventory_update_interval", "Seconds after a backup that a topology change triggers a new one, 300 to 86400; unset: never.",
			int64validator.Between(300, 86400)),
	},
	secrets: []secret{
		{name: "password_wo", path: "remote_file_server.protocol.authentication_scheme.password", version: "secrets_wo_version",
			description: "The SFTP user's password.", validators: []validator.String{stringvalidator.LengthBetween(1, 255)}},
		{name: "passphrase_wo", path: "passphrase", version: "secrets_wo_version",
			description: "The passphrase that encrypts the backups: at least 8 characters with a lower and an upper case letter, a digit and a special character. " +
				"Keep it: a restore needs it.", validators: []validator.String{passphraseValidator{}}},
	},
	validate: validateBackup,
}

// remoteFileServer is the SFTP server, flat as a user writes it, at its nested place in
// the object (protocol.ssh_fingerprint, protocol.authentication_scheme.username).
func remoteFileServer() field {
	attrs := map[string]schema.Attribute{
		"server":          schema.StringAttribute{Required: true, MarkdownDescription: "The SFTP server's host name or IP address.", Validators: []validator.String{hostValidator()}},
		"port":            portAttr("The SFTP server's port. NSX default `22`."),
		"directory_path":  schema.StringAttribute{Required: true, MarkdownDescription: "The absolute directory the backups go to.", Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^/`), "must be an absolute path")}},
		"ssh_fingerprint": schema.StringAttribute{Required: true, MarkdownDescription: "The server's ECDSA host key fingerprint, `SHA256:` and 43 base64 characters (`ssh-keygen -l -E sha256 -f ssh_host_ecdsa_key.pub`).", Validators: []validator.String{stringvalidator.RegexMatches(fingerprintRE, "must be SHA256: and 43 base64 characters, as ssh-keygen -l -E sha256 prints it")}},
		"username":        schema.StringAttribute{Required: true, MarkdownDescription: "The SFTP user (its password is `password_wo`).", Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}},
	}
	a := schema.SingleNestedAttribute{Optional: true, Computed: true, MarkdownDescription: "The SFTP server the backups go to; unset: as the manager has it.",
		Attributes: attrs, PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}}
	t := a.GetType().(types.ObjectType) //nolint:forcetypeassert // a nested attribute is an object
	type server struct {
		Server        string `json:"server"`
		Port          *int64 `json:"port"`
		DirectoryPath string `json:"directory_path"`
		Protocol      struct {
			SSHFingerprint string `json:"ssh_fingerprint"`
			Auth           struct {
				Username string `json:"username"`
			} `json:"authentication_scheme"`
		} `json:"protocol"`
	}
	return field{name: "remote_file_server", attr: a, same: subsetEqual,
		decode: func(_ context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, diag.Diagnostics) {
			var diags diag.Diagnostics
			if !present || string(raw) == "null" {
				return types.ObjectNull(t.AttrTypes), diags
			}
			var s server
			if err := json.Unmarshal(raw, &s); err != nil {
				diags.AddError("Unexpected NSX Answer", "The backup configuration's remote_file_server is not readable: "+err.Error())
				return types.ObjectNull(t.AttrTypes), diags
			}
			port := types.Int64Null()
			if s.Port != nil {
				port = types.Int64Value(*s.Port)
			}
			return types.ObjectValueMust(t.AttrTypes, map[string]attr.Value{
				"server": types.StringValue(s.Server), "port": port, "directory_path": types.StringValue(s.DirectoryPath),
				"ssh_fingerprint": types.StringValue(s.Protocol.SSHFingerprint), "username": types.StringValue(s.Protocol.Auth.Username),
			}), diags
		},
		// The configured server over the one read: what NSX adds (identity_file) stays.
		encode: func(_ context.Context, v attr.Value, doc *nsxtapi.Document) (any, diag.Diagnostics) {
			var diags diag.Diagnostics
			o, _ := v.(types.Object)
			at := o.Attributes()
			str := func(k string) string { s, _ := at[k].(types.String); return s.ValueString() }
			var read map[string]any
			if raw, ok := doc.Raw("remote_file_server"); ok {
				_ = json.Unmarshal(raw, &read)
			}
			if read == nil {
				read = map[string]any{}
			}
			read["server"], read["directory_path"] = str("server"), str("directory_path")
			if p, ok := at["port"].(types.Int64); ok && framework.Known(p) {
				read["port"] = p.ValueInt64()
			}
			proto, _ := read["protocol"].(map[string]any)
			if proto == nil {
				proto = map[string]any{}
			}
			proto["protocol_name"], proto["ssh_fingerprint"] = "sftp", str("ssh_fingerprint")
			auth, _ := proto["authentication_scheme"].(map[string]any)
			if auth == nil {
				auth = map[string]any{}
			}
			auth["scheme_name"], auth["username"] = "PASSWORD", str("username")
			delete(auth, "password") // never read; sent as password_wo
			proto["authentication_scheme"] = auth
			read["protocol"] = proto
			return read, diags
		},
	}
}

// validateBackup: a schedule holds the fields of its type only; backups enabled need a
// server, a passphrase and a password.
func validateBackup(_ context.Context, cfg values, diags *diag.Diagnostics) {
	if s, ok := cfg["backup_schedule"].(types.Object); ok && framework.Known(s) {
		at := s.Attributes()
		kind, _ := at["resource_type"].(types.String)
		if framework.Known(kind) {
			interval := kind.ValueString() == "IntervalBackupSchedule"
			for _, k := range []string{"days_of_week", "hour_of_day", "minute_of_day"} {
				set := at[k] != nil && !at[k].IsNull()
				if interval && set {
					diags.AddAttributeError(path.Root("backup_schedule").AtName(k), "Field of Another Schedule",
						k+" belongs to a WeeklyBackupSchedule; an IntervalBackupSchedule takes seconds_between_backups only.")
				}
				if !interval && !set && at[k] != nil && !at[k].IsUnknown() {
					diags.AddAttributeError(path.Root("backup_schedule").AtName(k), "Missing Schedule Field", "A WeeklyBackupSchedule needs "+k+".")
				}
			}
			if sb := at["seconds_between_backups"]; !interval && sb != nil && !sb.IsNull() {
				diags.AddAttributeError(path.Root("backup_schedule").AtName("seconds_between_backups"), "Field of Another Schedule",
					"seconds_between_backups belongs to an IntervalBackupSchedule.")
			}
		}
	}
	enabled, _ := cfg["backup_enabled"].(types.Bool)
	if !framework.Known(enabled) || !enabled.ValueBool() {
		return
	}
	if cfg["remote_file_server"] == nil || cfg["remote_file_server"].IsNull() {
		diags.AddAttributeError(path.Root("remote_file_server"), "Backups Need a Server", "backup_enabled = true needs remote_file_server: NSX refuses backups without one.")
	}
	for _, k := range []string{"passphrase_wo", "password_wo"} {
		if cfg[k] == nil || cfg[k].IsNull() {
			diags.AddAttributeError(path.Root(k), "Backups Need Their Secrets",
				fmt.Sprintf("backup_enabled = true needs %s: NSX never answers it, and takes no enabled backup configuration without it.", k))
		}
	}
}

// passphraseValidator is NSX's rule for a backup passphrase.
type passphraseValidator struct{}

func (passphraseValidator) Description(context.Context) string {
	return "at least 8 characters with a lower and an upper case letter, a digit and a special character, and no spaces"
}

func (v passphraseValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v passphraseValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !framework.Known(req.ConfigValue) {
		return
	}
	var lower, upper, digit, special, space bool
	p := req.ConfigValue.ValueString()
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case r == ' ' || r == '\t' || r == '\n':
			space = true
		default:
			special = true
		}
	}
	if len(p) < 8 || !lower || !upper || !digit || !special || space {
		resp.Diagnostics.AddAttributeError(req.Path, "Passphrase Too Weak for NSX", "The passphrase must be "+v.Description(ctx)+".")
	}
}

var telemetryConfig = &settings{
	object:   nsxtapi.TelemetryConfig,
	typeName: "nsx_telemetry_config",
	description: "The NSX Customer Experience Improvement Program (CEIP) settings of the cluster (`/api/v1/telemetry/config`): whether the " +
		"manager takes part, and when it collects and uploads its data.\n\n" +
		"The NSX 4.x STIG requires `ceip_acceptance = false`; a fresh manager takes part on a weekly schedule.\n\n" +
		"Import with the id `telemetry_config`. **Destroying this resource leaves the settings as they are** (with a warning).",
	revision:    true,
	destroyNote: "nsx_telemetry_config left the state; the CEIP settings stay as they are.",
	fields: []field{
		boolField("ceip_acceptance", "Whether the manager takes part in CEIP. STIG (NSX 4.x): `false`."),
		boolField("schedule_enabled", "Whether data is collected and uploaded on `telemetry_schedule`."),
		objectField("telemetry_schedule", "telemetry_schedule", "frequency_type",
			"When data is collected: `frequency_type` `DailyTelemetrySchedule` (with `hour_of_day`, `minutes`), `WeeklyTelemetrySchedule` "+
				"(with `day_of_week`) or `MonthlyTelemetrySchedule` (with `day_of_month`).",
			map[string]schema.Attribute{
				"frequency_type": schema.StringAttribute{Required: true, MarkdownDescription: "`DailyTelemetrySchedule`, `WeeklyTelemetrySchedule` or `MonthlyTelemetrySchedule`.",
					Validators: []validator.String{stringvalidator.OneOf("DailyTelemetrySchedule", "WeeklyTelemetrySchedule", "MonthlyTelemetrySchedule")}},
				"day_of_week": optionalString("`SUNDAY` to `SATURDAY` (weekly schedules).",
					stringvalidator.OneOf("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")),
				"day_of_month": optInt("1 to 31 (monthly schedules).", int64validator.Between(1, 31)),
				"hour_of_day":  optInt("0 to 23.", int64validator.Between(0, 23)),
				"minutes":      optInt("0 to 59.", int64validator.Between(0, 59)),
			}),
	},
	validate: func(_ context.Context, cfg values, diags *diag.Diagnostics) {
		s, ok := cfg["telemetry_schedule"].(types.Object)
		if !ok || !framework.Known(s) {
			return
		}
		at := s.Attributes()
		ft, _ := at["frequency_type"].(types.String)
		if !framework.Known(ft) {
			return
		}
		set := func(k string) bool { return at[k] != nil && !at[k].IsNull() }
		if set("day_of_week") && ft.ValueString() != "WeeklyTelemetrySchedule" {
			diags.AddAttributeError(path.Root("telemetry_schedule").AtName("day_of_week"), "Field of Another Schedule", "day_of_week belongs to a WeeklyTelemetrySchedule.")
		}
		if set("day_of_month") && ft.ValueString() != "MonthlyTelemetrySchedule" {
			diags.AddAttributeError(path.Root("telemetry_schedule").AtName("day_of_month"), "Field of Another Schedule", "day_of_month belongs to a MonthlyTelemetrySchedule.")
		}
	},
}

// The cluster itself: its virtual IP (set and cleared with actions, no settings object)
// and its status.

const vipType = "nsx_cluster_virtual_ip"

// NewClusterVirtualIPResource is nsx_cluster_virtual_ip.
func NewClusterVirtualIPResource() resource.Resource {
	return &vipResource{framework.ResourceBase{TypeName: vipType}}
}

type vipResource struct{ framework.ResourceBase }

type vipModel struct {
	ID         types.String `tfsdk:"id"`
	IPAddress  types.String `tfsdk:"ip_address"`
	IP6Address types.String `tfsdk:"ip6_address"`
	Force      types.Bool   `tfsdk:"force"`
	framework.Timeouts
}

var _ validator.String = ipVersion{}

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

func (r *vipResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, vipType)...)
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
	framework.Do(ctx, plan, r.Op(op), &m, r.Managers, Manager, diags, func(ctx context.Context, c *nsxtapi.Client) {
		cur, err := c.GetVirtualIP(ctx)
		if err != nil {
			r.Managers.Failed(diags, "Setting the NSX Cluster Virtual IP Failed", "Reading the virtual IP", err)
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
				r.Managers.FailedAt(diags, path.Root("ip_address"), "Setting the NSX Cluster Virtual IP Failed", "Setting the virtual IP", err)
				return
			}
		}
		for _, unset := range []struct {
			v6  bool
			has bool
		}{{false, ip4 == "" && cur.IPAddress != ""}, {true, ip6 == "" && cur.IP6Address != ""}} {
			if unset.has {
				if err := c.ClearVirtualIP(ctx, unset.v6); err != nil {
					r.Managers.Failed(diags, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
					return
				}
			}
		}
		m.ID = types.StringValue("api_virtual_ip")
		diags.Append(out.Set(ctx, &m)...)
	})
}

func sameIP(a, b string) bool {
	x, y := net.ParseIP(a), net.ParseIP(b)
	return x != nil && y != nil && x.Equal(y)
}

func (r *vipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m vipModel
	framework.Refresh(ctx, &r.ResourceBase, Manager, req, resp, &m, "the NSX Cluster Virtual IP", func(ctx context.Context, c *nsxtapi.Client) (string, error) {
		cur, err := c.GetVirtualIP(ctx)
		if err != nil {
			return "Reading the virtual IP", err
		}
		if cur.IPAddress == "" && cur.IP6Address == "" {
			return "Reading the virtual IP", nsxtapi.ErrNotFound // cleared behind Terraform's back
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
		return "", nil
	})
}

func (r *vipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m vipModel
	framework.Do(ctx, req.State, r.Op("delete"), &m, r.Managers, Manager, &resp.Diagnostics, func(ctx context.Context, c *nsxtapi.Client) {
		for _, v6 := range []bool{false, true} {
			if (v6 && m.IP6Address.IsNull()) || (!v6 && m.IPAddress.IsNull()) {
				continue
			}
			if err := c.ClearVirtualIP(ctx, v6); err != nil {
				r.Managers.Failed(&resp.Diagnostics, "Clearing the NSX Cluster Virtual IP Failed", "Clearing the virtual IP", err)
				return
			}
		}
	})
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
func NewClusterStatusDataSource() datasource.DataSource {
	return &clusterStatusDataSource{framework.DataSourceBase{TypeName: "nsx_cluster_status"}}
}

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

// Read is an ordinary framework read: the status is small.
func (d *clusterStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data := d.read(ctx, req, &resp.Diagnostics); data != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

func (d *clusterStatusDataSource) read(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) *clusterStatusModel {
	var data clusterStatusModel
	ctx, c, done, ok := framework.Open(ctx, req.Config, d.ReadOp(), &data, d.Managers, Manager, diags)
	defer done()
	if !ok {
		return nil
	}
	st, err := c.GetClusterStatus(ctx)
	if err != nil {
		d.Managers.ReadFailed(diags, "the NSX Cluster Status", "Reading /api/v1/cluster/status", err)
		return nil
	}
	vip, err := c.GetVirtualIP(ctx)
	if err != nil {
		d.Managers.ReadFailed(diags, "the NSX Cluster Status", "Reading the virtual IP", err)
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
