// Package nsxt holds the NSX (NSX-T, VCF 9 NSX Manager) resources and data sources of the
// provider: its manager spec, the settings-object resources declared on the settings engine
// (settings*.go), and the policy segment data sources.
package nsxt

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Manager is the nsxt block: an NSX Manager or its cluster, logged in with a session cookie
// and XSRF token per node.
var Manager = &framework.Spec[*nsxtapi.Client]{
	Info: framework.Info{
		Block: "nsxt", Product: "NSX Manager", Article: "an",
		EnvHost: "NSXT_MANAGER_HOST", EnvUser: "NSXT_USERNAME", EnvPass: "NSXT_PASSWORD",
		EnvInsecure: "NSXT_ALLOW_UNVERIFIED_SSL", EnvCACert: "NSXT_CA_FILE",
	},
	Description: "Connection to an NSX Manager (NSX-T, VCF 9) or its cluster. " +
		"It authenticates either as a user with `username` and `password` (a session per node) or as a principal identity with a client " +
		"certificate and key (mutual TLS: no session, no password, no lockout; see the guide \"Pipelines without passwords\"). " +
		"Unset attributes come from `NSXT_MANAGER_HOST`, `NSXT_USERNAME`, `NSXT_PASSWORD`, `NSXT_CLIENT_AUTH_CERT_FILE`, `NSXT_CLIENT_AUTH_KEY_FILE`, " +
		"`NSXT_ALLOW_UNVERIFIED_SSL` and `NSXT_CA_FILE`; with those set, the block may be left out.",
	WithHosts:   true,
	Rate:        nsxtapi.DefaultRateLimit,
	Concurrency: nsxtapi.DefaultMaxConcurrency,
	Refusal:     nsxtapi.Refusal,
	Idle: func(s *framework.Settings) time.Duration {
		if extra(s).cert {
			return 0
		}
		return nsxtapi.IdleTimeout
	},
	ExtendBlock:     block,
	ResolveSettings: resolveSettings,
	Auth:            auth,
	NoCache:         func(s *framework.Settings) bool { return extra(s).cert }, // a certificate has no session
	Hint:            certHint,
	Lendable:        lendable,
	Client:          func(sc *session.Client) (*nsxtapi.Client, error) { return nsxtapi.NewClient(sc), nil },
	// Reading the api-service configuration learns the manager's session_timeout.
	KeepAlive: func(ctx context.Context, c *nsxtapi.Client) error {
		_, err := c.GetAPIService(ctx)
		return err
	},
	NotFound: nsxtapi.ErrNotFound,
	Version: func(ctx context.Context, c *nsxtapi.Client) (framework.VersionFacts, error) {
		v, err := c.NodeVersion(ctx)
		if err != nil {
			return framework.VersionFacts{}, err
		}
		return framework.VersionFacts{Version: v.ProductVersion, NodeVersion: v.NodeVersion, ProductVersion: v.ProductVersion}, nil
	},
}

// Resources are the NSX resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		apiServiceConfig.resource,
		authPolicy.resource,
		nodeSettings.resource,
		loginBanner.resource,
		framework.Resource[nodeUserResource]("nsx_node_user"),
		framework.Resource[roleBindingResource]("nsx_role_binding"),
		ntpService.resource,
		framework.Resource[syslogExporterResource](exporterType),
		sshService.resource,
		snmpService.resource,
		framework.Resource[serviceLoggingResource](serviceLoggingType),
		fipsConfig.resource,
		backupConfig.resource,
		framework.Resource[vipResource](vipType),
		telemetryConfig.resource,
		vidm.resource,
		framework.Resource[oidcProviderResource]("nsx_oidc_provider"),
		framework.Resource[principalIdentityResource](principalType),
	}
}

// DataSources are the NSX data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		framework.ModelDataSource[segmentsDataSource]("nsx_segments"),
		framework.ModelDataSource[segmentDataSource]("nsx_segment"),
		framework.ModelDataSource[roleBindingsDataSource]("nsx_role_bindings"),
		framework.DataSource[clusterStatusDataSource]("nsx_cluster_status"),
		framework.DataSource[routingSTIGDataSource]("nsx_routing_stig"),
		framework.DataSource[managerCertificatesDataSource]("nsx_manager_certificates"),
	}
}
