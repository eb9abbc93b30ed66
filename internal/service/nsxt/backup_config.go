package nsxt

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// nsx_backup_config: the cluster's backup schedule and server, declared on the settings engine.

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
		"server":          schema.StringAttribute{Required: true, MarkdownDescription: "The SFTP server's host name or IP address.", Validators: []validator.String{framework.HostOrAddress()}},
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
	return field{name: "remote_file_server", attr: a, same: framework.SubsetEqual,
		decode: func(_ context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, error) {
			if !present || string(raw) == "null" {
				return types.ObjectNull(t.AttrTypes), nil
			}
			var s server
			if err := session.Unmarshal(raw, &s); err != nil {
				return types.ObjectNull(t.AttrTypes), err
			}
			port := types.Int64Null()
			if s.Port != nil {
				port = types.Int64Value(*s.Port)
			}
			return types.ObjectValueMust(t.AttrTypes, map[string]attr.Value{
				"server": types.StringValue(s.Server), "port": port, "directory_path": types.StringValue(s.DirectoryPath),
				"ssh_fingerprint": types.StringValue(s.Protocol.SSHFingerprint), "username": types.StringValue(s.Protocol.Auth.Username),
			}), nil
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
