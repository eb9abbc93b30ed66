package provider

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/illumio"
)

// Environment variables of the illumio block beyond the shared ones.
const (
	envIllumioOrg       = "ILLUMIO_PCE_ORG_ID"
	envIllumioKeyUser   = "ILLUMIO_API_KEY_USERNAME"
	envIllumioKeySecret = "ILLUMIO_API_KEY_SECRET" //nolint:gosec // the name of an environment variable, not a secret
)

// illumioModel is the illumio block: a host, an optional org, and either a user's e-mail and
// password or an API key.
type illumioModel struct {
	Host           types.String `tfsdk:"host"`
	OrgID          types.Int64  `tfsdk:"org_id"`
	Username       types.String `tfsdk:"username"`
	Password       types.String `tfsdk:"password"`
	APIKeyUsername types.String `tfsdk:"api_key_username"`
	APIKeySecret   types.String `tfsdk:"api_key_secret"`
	Insecure       types.Bool   `tfsdk:"insecure"`
	CAFile         types.String `tfsdk:"ca_file"`
	CAPEM          types.String `tfsdk:"ca_pem"`
}

func (m *illumioModel) unknown() bool {
	return m != nil && (m.Host.IsUnknown() || m.OrgID.IsUnknown() || m.Username.IsUnknown() || m.Password.IsUnknown() ||
		m.APIKeyUsername.IsUnknown() || m.APIKeySecret.IsUnknown() || m.Insecure.IsUnknown() || m.CAFile.IsUnknown() || m.CAPEM.IsUnknown())
}

// resolveIllumio turns the block and the environment into settings: exactly one of the two
// credential pairs, the org when known.
func resolveIllumio(ctx context.Context, m *illumioModel) (*managerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		if os.Getenv(illumioInfo.envHost) == "" {
			return nil, nil
		}
		m = &illumioModel{Host: types.StringNull(), OrgID: types.Int64Null(), Username: types.StringNull(), Password: types.StringNull(),
			APIKeyUsername: types.StringNull(), APIKeySecret: types.StringNull(), Insecure: types.BoolNull(), CAFile: types.StringNull(), CAPEM: types.StringNull()}
	}
	blk := path.Root(illumioInfo.block)
	user, pass := envOr(m.Username, illumioInfo.envUser), envOr(m.Password, illumioInfo.envPass)
	keyUser, keySecret := envOr(m.APIKeyUsername, envIllumioKeyUser), envOr(m.APIKeySecret, envIllumioKeySecret)
	cfgSession, cfgKey := !m.Username.IsNull() || !m.Password.IsNull(), !m.APIKeyUsername.IsNull() || !m.APIKeySecret.IsNull()
	var key bool
	switch {
	case cfgSession && cfgKey:
		diags.AddAttributeError(blk.AtName("api_key_username"), "Two Kinds of Illumio Credentials",
			"The illumio block sets both username/password (a session login) and api_key_username/api_key_secret (an API key). Set exactly one of the two pairs.")
		return nil, diags
	case cfgSession:
	case cfgKey:
		key = true
	default:
		envSession, envKey := user != "" || pass != "", keyUser != "" || keySecret != ""
		if envSession && envKey {
			diags.AddAttributeError(blk, "Two Kinds of Illumio Credentials",
				fmt.Sprintf("The environment sets both %s/%s and %s/%s. Set exactly one of the two pairs, or choose one in the illumio block.",
					illumioInfo.envUser, illumioInfo.envPass, envIllumioKeyUser, envIllumioKeySecret))
			return nil, diags
		}
		key = envKey
	}
	// Both the login's first step and an API key travel as HTTP Basic.
	if key {
		diags.Append(basicUserName(blk.AtName("api_key_username"), illumioInfo, keyUser, envIllumioKeyUser)...)
	} else {
		diags.Append(basicUserName(blk.AtName("username"), illumioInfo, user, illumioInfo.envUser)...)
	}
	if diags.HasError() {
		return nil, diags
	}
	conn := &connectionModel{Host: m.Host, Hosts: types.ListNull(types.StringType), Username: types.StringValue(user),
		Password: types.StringValue(pass), Insecure: m.Insecure, CAFile: m.CAFile, CAPEM: m.CAPEM}
	if key {
		if keyUser == "" {
			diags.AddAttributeError(blk.AtName("api_key_username"), "Missing Illumio API Key Username",
				fmt.Sprintf("api_key_secret is set but api_key_username is not. Set it in the illumio block or %s.", envIllumioKeyUser))
		}
		if keySecret == "" {
			diags.AddAttributeError(blk.AtName("api_key_secret"), "Missing Illumio API Key Secret",
				fmt.Sprintf("api_key_username is set but api_key_secret is not. Set it in the illumio block or %s.", envIllumioKeySecret))
		}
		conn.Username, conn.Password = types.StringValue(keyUser), types.StringValue(keySecret)
		if diags.HasError() {
			return nil, diags
		}
	} else if user == "" && pass == "" {
		diags.AddAttributeError(blk.AtName("username"), "Missing Illumio Credentials",
			fmt.Sprintf("Set username (the e-mail address) and password for a session login, or api_key_username and api_key_secret for an API key, "+
				"in the illumio block or through %s/%s or %s/%s.", illumioInfo.envUser, illumioInfo.envPass, envIllumioKeyUser, envIllumioKeySecret))
		return nil, diags
	}

	var org int64
	switch {
	case !m.OrgID.IsNull():
		org = m.OrgID.ValueInt64()
	case os.Getenv(envIllumioOrg) != "":
		v, err := strconv.ParseInt(os.Getenv(envIllumioOrg), 10, 64)
		if err != nil || v < 1 {
			diags.AddAttributeError(blk.AtName("org_id"), "Invalid "+envIllumioOrg,
				fmt.Sprintf("%s=%q is not an organization id (a positive number).", envIllumioOrg, os.Getenv(envIllumioOrg)))
			return nil, diags
		}
		org = v
	}
	if key && org == 0 {
		diags.AddAttributeError(blk.AtName("org_id"), "Missing Illumio Organization",
			fmt.Sprintf("With an API key, set org_id (or %s): the PCE names a user's organizations only in the answer to a session login.", envIllumioOrg))
		return nil, diags
	}
	s, d := resolve(ctx, illumioInfo, conn)
	diags.Append(d...)
	if s == nil || diags.HasError() {
		return nil, diags
	}
	s.orgID, s.apiKey = org, key
	return s, diags
}

// illumioSettings reads the illumio block (nil when absent) for the spec's settings hook.
func illumioSettings(ctx context.Context, cfg tfsdk.Config) (*managerSettings, bool, diag.Diagnostics) {
	var m *illumioModel
	diags := cfg.GetAttribute(ctx, path.Root(illumioInfo.block), &m)
	if diags.HasError() {
		return nil, false, diags
	}
	if m.unknown() {
		return nil, true, diags
	}
	s, d := resolveIllumio(ctx, m)
	diags.Append(d...)
	return s, false, diags
}

// illumioInOrg is the PCE client and the organization to work in. Without org_id the
// organization comes from the login answer: the only one the user has, or an error listing
// them.
func illumioInOrg(ctx context.Context, m *Managers, who string) (*illumio.Client, int64, diag.Diagnostics) {
	c, diags := use(ctx, m, illumioSpec, who)
	if diags.HasError() {
		return nil, 0, diags
	}
	if org := m.settings[illumioSpec.block].orgID; org > 0 {
		return c, org, diags
	}
	orgs, err := c.Orgs(ctx)
	if err != nil {
		diags.AddError("Illumio Login Failed", err.Error())
		return nil, 0, diags
	}
	switch len(orgs) {
	case 1:
		return c, orgs[0].ID, diags
	case 0:
		diags.AddAttributeError(path.Root("illumio").AtName("org_id"), "No Illumio Organization",
			"The PCE's login answer names no organization for this user. Set org_id in the illumio block.")
	default:
		sort.Slice(orgs, func(i, j int) bool { return orgs[i].ID < orgs[j].ID })
		var list []string
		for _, o := range orgs {
			list = append(list, fmt.Sprintf("%d (%s)", o.ID, o.DisplayName))
		}
		diags.AddAttributeError(path.Root("illumio").AtName("org_id"), "Several Illumio Organizations",
			fmt.Sprintf("%s needs to know which organization to use: the user belongs to %d. Set org_id in the illumio block (or %s) to one of: %s.",
				who, len(orgs), envIllumioOrg, strings.Join(list, ", ")))
	}
	return nil, 0, diags
}
