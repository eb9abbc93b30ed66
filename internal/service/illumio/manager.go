// Package illumio holds the Illumio PCE types of the provider and its manager spec, whose
// block takes an organization and either a user's session login or an API key.
package illumio

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	illumio "github.com/netsession/terraform-provider-nsx/internal/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// settings are what the illumio block adds to the shared settings.
type settings struct {
	// orgID is the organization (0: from the login answer); apiKey, whether the
	// credentials are an API key.
	orgID  int64
	apiKey bool
}

func extra(s *framework.Settings) settings {
	e, _ := s.Extra.(settings)
	return e
}

var info = framework.Info{ //nolint:gosec // environment variable names, not secrets
	Block: "illumio", Product: "Illumio PCE", Article: "an",
	EnvHost: "ILLUMIO_PCE_HOST", EnvUser: "ILLUMIO_PCE_USERNAME", EnvPass: "ILLUMIO_PCE_PASSWORD", EnvCACert: "ILLUMIO_PCE_CA_FILE",
}

// Manager is the illumio block: a PCE, with a user's two-step session login or an API key.
var Manager = &framework.Spec[*illumio.Client]{
	Info: info,
	Description: "Connection to an Illumio PCE, with either a user's e-mail and password (a session login: " +
		"two steps, renewed before it idles out after 10 minutes, logged out when Terraform is done) or a persistent API key (HTTP Basic on every call). " +
		"Set exactly one of the two pairs. Unset attributes come from `ILLUMIO_PCE_HOST`, `ILLUMIO_PCE_ORG_ID`, `ILLUMIO_PCE_USERNAME`, " +
		"`ILLUMIO_PCE_PASSWORD`, `ILLUMIO_API_KEY_USERNAME`, `ILLUMIO_API_KEY_SECRET` and `ILLUMIO_PCE_CA_FILE`; with those set, the block may be left out.",
	ExtendBlock:     block,
	ResolveSettings: resolveSettings,
	Rate:            illumio.DefaultRateLimit,
	Idle: func(s *framework.Settings) time.Duration {
		if extra(s).apiKey {
			return 0 // an API key does not idle out
		}
		return illumio.IdleTimeout
	},
	Auth: func(s *framework.Settings) session.Authenticator {
		return &illumio.Auth{Username: s.Username, Password: s.Password, Key: extra(s).apiKey}
	},
	NoCache:  func(s *framework.Settings) bool { return extra(s).apiKey }, // an API key has no session
	Client:   func(sc *session.Client) (*illumio.Client, error) { return illumio.NewClient(sc), nil },
	NotFound: illumio.ErrNotFound,
	Version: func(ctx context.Context, c *illumio.Client) (framework.VersionFacts, error) {
		v, err := c.ProductVersion(ctx)
		if err != nil {
			return framework.VersionFacts{}, err
		}
		f := framework.VersionFacts{Version: v.Version}
		if v.Build != 0 {
			f.Build = strconv.FormatInt(v.Build, 10)
		}
		return f, nil
	},
	Hint: func(err error, s *framework.Settings) string {
		if session.KindOf(err) == session.KindLoginRefused && s != nil && extra(s).apiKey {
			return fmt.Sprintf("check api_key_username and api_key_secret in the illumio block%s; the provider does not retry a refused login",
				framework.EnvLine(EnvAPIKeyUsername, EnvAPIKeySecret))
		}
		return ""
	},
}

// Resources are the Illumio PCE resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{framework.Resource[labelResource]("illumio_label")}
}

// DataSources are the Illumio PCE data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{framework.ModelDataSource[labelsDataSource]("illumio_labels")}
}

// block is the shared connection block plus the organization and the API key pair.
func block(b schema.SingleNestedBlock) schema.SingleNestedBlock {
	b.Attributes["host"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Address of the PCE with its port, e.g. `pce.corp:8443` (`name:port` or `https://name:port`). " +
			"Without a port the provider uses 443, where SaaS PCEs serve the API; on-premises PCEs usually serve it on 8443. Defaults to `ILLUMIO_PCE_HOST`.",
	}
	b.Attributes["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "E-mail address of the user, for a session login. Defaults to `ILLUMIO_PCE_USERNAME`.",
	}
	b.Attributes["org_id"] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Organization to work in. Defaults to `ILLUMIO_PCE_ORG_ID`, else the user's only organization from the login answer " +
			"(an error lists them when there are several). Required with an API key.",
		Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
	b.Attributes["api_key_username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Username of a persistent API key (e.g. `api_1a2b3c4d5e6f7`). Defaults to `ILLUMIO_API_KEY_USERNAME`.",
	}
	b.Attributes["api_key_secret"] = schema.StringAttribute{
		Optional: true, Sensitive: true,
		MarkdownDescription: "Secret of the API key. Defaults to `ILLUMIO_API_KEY_SECRET`. Never logged.",
	}
	return b
}

// Environment variables of the illumio block beyond the shared ones.
const (
	EnvOrgID          = "ILLUMIO_PCE_ORG_ID"
	EnvAPIKeyUsername = "ILLUMIO_API_KEY_USERNAME" //nolint:gosec // the name of an environment variable
	EnvAPIKeySecret   = "ILLUMIO_API_KEY_SECRET"   //nolint:gosec // the name of an environment variable, not a secret
)

// blockModel is the illumio block: a host, an optional org, and either a user's e-mail and
// password or an API key.
type blockModel struct {
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

func (m *blockModel) unknown() bool {
	return m != nil && (m.Host.IsUnknown() || m.OrgID.IsUnknown() || m.Username.IsUnknown() || m.Password.IsUnknown() ||
		m.APIKeyUsername.IsUnknown() || m.APIKeySecret.IsUnknown() || m.Insecure.IsUnknown() || m.CAFile.IsUnknown() || m.CAPEM.IsUnknown())
}

// resolve turns the block and the environment into settings: exactly one of the two
// credential pairs, the org when known.
func resolve(ctx context.Context, m *blockModel) (*framework.Settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		if os.Getenv(info.EnvHost) == "" {
			return nil, nil
		}
		m = &blockModel{Host: types.StringNull(), OrgID: types.Int64Null(), Username: types.StringNull(), Password: types.StringNull(),
			APIKeyUsername: types.StringNull(), APIKeySecret: types.StringNull(), Insecure: types.BoolNull(), CAFile: types.StringNull(), CAPEM: types.StringNull()}
	}
	blk := path.Root(info.Block)
	user, pass := framework.EnvOr(m.Username, info.EnvUser), framework.EnvOr(m.Password, info.EnvPass)
	keyUser, keySecret := framework.EnvOr(m.APIKeyUsername, EnvAPIKeyUsername), framework.EnvOr(m.APIKeySecret, EnvAPIKeySecret)
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
					info.EnvUser, info.EnvPass, EnvAPIKeyUsername, EnvAPIKeySecret))
			return nil, diags
		}
		key = envKey
	}
	// Both the login's first step and an API key travel as HTTP Basic.
	if key {
		diags.Append(framework.BasicUserName(blk.AtName("api_key_username"), info, keyUser, EnvAPIKeyUsername)...)
	} else {
		diags.Append(framework.BasicUserName(blk.AtName("username"), info, user, info.EnvUser)...)
	}
	if diags.HasError() {
		return nil, diags
	}
	conn := framework.NullConnection()
	conn.Host, conn.Username, conn.Password = m.Host, types.StringValue(user), types.StringValue(pass)
	conn.Insecure, conn.CAFile, conn.CAPEM = m.Insecure, m.CAFile, m.CAPEM
	if key {
		if keyUser == "" {
			diags.AddAttributeError(blk.AtName("api_key_username"), "Missing Illumio API Key Username",
				fmt.Sprintf("api_key_secret is set but api_key_username is not. Set it in the illumio block or %s.", EnvAPIKeyUsername))
		}
		if keySecret == "" {
			diags.AddAttributeError(blk.AtName("api_key_secret"), "Missing Illumio API Key Secret",
				fmt.Sprintf("api_key_username is set but api_key_secret is not. Set it in the illumio block or %s.", EnvAPIKeySecret))
		}
		conn.Username, conn.Password = types.StringValue(keyUser), types.StringValue(keySecret)
		if diags.HasError() {
			return nil, diags
		}
	} else if user == "" && pass == "" {
		diags.AddAttributeError(blk.AtName("username"), "Missing Illumio Credentials",
			fmt.Sprintf("Set username (the e-mail address) and password for a session login, or api_key_username and api_key_secret for an API key, "+
				"in the illumio block or through %s/%s or %s/%s.", info.EnvUser, info.EnvPass, EnvAPIKeyUsername, EnvAPIKeySecret))
		return nil, diags
	}

	var org int64
	switch {
	case !m.OrgID.IsNull():
		org = m.OrgID.ValueInt64()
	case os.Getenv(EnvOrgID) != "":
		v, err := strconv.ParseInt(os.Getenv(EnvOrgID), 10, 64)
		if err != nil || v < 1 {
			diags.AddAttributeError(blk.AtName("org_id"), "Invalid "+EnvOrgID,
				fmt.Sprintf("%s=%q is not an organization id (a positive number).", EnvOrgID, os.Getenv(EnvOrgID)))
			return nil, diags
		}
		org = v
	}
	if key && org == 0 {
		diags.AddAttributeError(blk.AtName("org_id"), "Missing Illumio Organization",
			fmt.Sprintf("With an API key, set org_id (or %s): the PCE names a user's organizations only in the answer to a session login.", EnvOrgID))
		return nil, diags
	}
	s, d := framework.Resolve(ctx, info, conn)
	diags.Append(d...)
	if s == nil || diags.HasError() {
		return nil, diags
	}
	s.Extra = settings{orgID: org, apiKey: key}
	return s, diags
}

// resolveSettings reads the illumio block (nil when absent) for the spec's settings hook.
func resolveSettings(ctx context.Context, _ framework.Info, cfg tfsdk.Config) (*framework.Settings, bool, diag.Diagnostics) {
	var m *blockModel
	diags := cfg.GetAttribute(ctx, path.Root(info.Block), &m)
	if diags.HasError() {
		return nil, false, diags
	}
	if m.unknown() {
		return nil, true, diags
	}
	s, d := resolve(ctx, m)
	diags.Append(d...)
	return s, false, diags
}

// inOrg is the PCE client and the organization to work in. Without org_id the
// organization comes from the login answer: the only one the user has, or an error listing
// them.
func inOrg(ctx context.Context, m *framework.Managers, who string) (*illumio.Client, int64, diag.Diagnostics) {
	c, diags := framework.Use(ctx, m, Manager, who)
	if diags.HasError() {
		return nil, 0, diags
	}
	if org := extra(m.Settings(info.Block)).orgID; org > 0 {
		return c, org, diags
	}
	orgs, err := c.Orgs(ctx)
	if err != nil {
		m.Failed(&diags, "Illumio Login Failed", "Logging in to learn the organization", err)
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
				who, len(orgs), EnvOrgID, strings.Join(list, ", ")))
	}
	return nil, 0, diags
}
