// Package nsxv holds the NSX for vSphere (NSX-v) types of the provider and its manager spec.
package nsxv

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxv "github.com/netsession/terraform-provider-nsx/internal/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Manager is the nsxv block: an NSX-v Manager, with an auth token (6.4 and later) or HTTP
// Basic on every call.
var Manager = &framework.Spec[*nsxv.Client]{
	Info: framework.Info{
		Block: "nsxv", Product: "NSX-v Manager", Article: "an",
		EnvHost: "NSXV_MANAGER_HOST", EnvUser: "NSXV_USERNAME", EnvPass: "NSXV_PASSWORD",
		EnvInsecure: "NSXV_ALLOW_UNVERIFIED_SSL", EnvCACert: "NSXV_CA_FILE",
		Basic: true,
	},
	Description: "Connection to an NSX for vSphere (NSX-v) Manager. The provider logs in with an auth token " +
		"(NSX-v 6.4 and later) and falls back to HTTP Basic on every call where the manager has none. NSX-v has no logout for a " +
		"single token: a token lapses on its own (90 minutes by default), so each provider process that uses the manager leaves one " +
		"token behind until then (`terraform apply` starts two). With `session_cache = true` the processes of a pipeline share one " +
		"token until it expires. Unset attributes come from `NSXV_MANAGER_HOST`, `NSXV_USERNAME`, `NSXV_PASSWORD`, " +
		"`NSXV_ALLOW_UNVERIFIED_SSL` and `NSXV_CA_FILE`; with those set, the block may be left out.",
	Auth: func(s *framework.Settings) session.Authenticator {
		return &nsxv.Auth{Username: s.Username, Password: s.Password}
	},
	Client:   func(sc *session.Client) (*nsxv.Client, error) { return nsxv.NewClient(sc), nil },
	NotFound: nsxv.ErrNotFound,
	Version: func(ctx context.Context, c *nsxv.Client) (framework.VersionFacts, error) {
		g, err := c.GlobalInfo(ctx)
		if err != nil {
			return framework.VersionFacts{}, err
		}
		return framework.VersionFacts{Version: g.VersionInfo.Version(), Build: g.VersionInfo.Build}, nil
	},
	Hint: func(err error, _ *framework.Settings) string {
		if session.KindOf(err) == session.KindLoginRefused && errors.Is(err, nsxv.ErrNoRole) {
			return "assign it a role (for a CLI user, with the nsxv_cli_user_role resource) using an account that has one, such as admin"
		}
		return ""
	},
}

// Resources are the NSX-v resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{framework.Resource[cliUserRoleResource]("nsxv_cli_user_role")}
}

// DataSources are the NSX-v data sources.
func DataSources() []func() datasource.DataSource { return nil }
