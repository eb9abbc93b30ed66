// Package sdwan holds the Cisco Catalyst SD-WAN Manager types of the provider and its
// manager spec.
package sdwan

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	sdwan "github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Manager is the sdwan block: SD-WAN Manager's form login, session cookie and XSRF token.
var Manager = &framework.Spec[*sdwan.Client]{
	Info: framework.Info{
		Block: "sdwan", Product: "SD-WAN Manager", HostAttr: "url", Article: "an",
		EnvHost: "SDWAN_URL", EnvUser: "SDWAN_USERNAME", EnvPass: "SDWAN_PASSWORD", EnvCACert: "SDWAN_CA_FILE",
	},
	Description: "Connection to a Cisco Catalyst SD-WAN Manager (vManage). The provider logs in once per run " +
		"(form login and XSRF token) and renews an expired session once. Without the session cache it logs out when Terraform is done, " +
		"so a run never holds one of the manager's 100 session slots afterwards; with `session_cache = true` the session stays open for " +
		"the next run of the pipeline, holding one slot until the manager idles it out (30 minutes) or a run with the cache off ends it. " +
		"From SD-WAN Manager 20.18.1 on, `auth = \"jwt\"` (a bearer token) or `auth = \"api_key\"` take no session slot at all. " +
		"Unset attributes come from `SDWAN_URL`, `SDWAN_USERNAME`, `SDWAN_PASSWORD`, `SDWAN_API_KEY` and `SDWAN_CA_FILE`; with those set, the block may be left out.",
	ExtendBlock:     block,
	ResolveSettings: resolveSettings,
	Rate:            sdwan.DefaultRateLimit,
	Idle:            idle,
	Auth:            auth,
	Hint:            hint,
	// A JWT or an API key holds no session slot; neither is shared through the cache.
	NoCache: func(s *framework.Settings) bool { return extra(s).auth != AuthSession },
	Client:  func(sc *session.Client) (*sdwan.Client, error) { return sdwan.NewClient(sc), nil },
	Version: func(ctx context.Context, c *sdwan.Client) (framework.VersionFacts, error) {
		v, err := c.Version(ctx)
		return framework.VersionFacts{Version: v}, err
	},
}

// Resources are the SD-WAN Manager resources.
func Resources() []func() resource.Resource { return nil }

// DataSources are the SD-WAN Manager data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{framework.ModelDataSource[devicesDataSource]("sdwan_devices")}
}
