// Package vcenter holds the vCenter types of the provider and its manager spec.
package vcenter

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	vcenter "github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

// Manager is the vcenter block: a vCenter's CIS session.
var Manager = &framework.Spec[*vcenter.Client]{
	Info: framework.Info{
		Block: "vcenter", Product: "vCenter",
		EnvHost: "VSPHERE_SERVER", EnvUser: "VSPHERE_USER", EnvPass: "VSPHERE_PASSWORD", EnvInsecure: "VSPHERE_ALLOW_UNVERIFIED_SSL",
		EnvCACert: "VSPHERE_CA_FILE", Basic: true,
	},
	Description: "Connection to a vCenter Server (vSphere Automation REST API). The provider creates one CIS session per run " +
		"(`POST /api/session`, or the legacy `/rest/com/vmware/cis/session` before vCenter 7.0 U2), renews it once when it expires, and deletes it when " +
		"Terraform is done. Unset attributes come from `VSPHERE_SERVER`, `VSPHERE_USER`, `VSPHERE_PASSWORD` and `VSPHERE_ALLOW_UNVERIFIED_SSL` " +
		"(the variables of the vSphere provider) and `VSPHERE_CA_FILE`; with those set, the block may be left out.",
	Idle: func(*framework.Settings) time.Duration { return vcenter.IdleTimeout },
	Auth: func(s *framework.Settings) session.Authenticator {
		return &vcenter.Auth{Username: s.Username, Password: s.Password}
	},
	Client: func(sc *session.Client) (*vcenter.Client, error) {
		// The client's wire format follows what the login found (/api or the legacy /rest).
		a, ok := sc.Authenticator().(*vcenter.Auth)
		if !ok {
			return nil, fmt.Errorf("the session client has no vCenter authenticator; this is a bug in the provider")
		}
		return vcenter.NewClient(sc, a), nil
	},
	Version: func(ctx context.Context, c *vcenter.Client) (framework.VersionFacts, error) {
		v, err := c.Version(ctx)
		if err != nil {
			return framework.VersionFacts{}, err
		}
		return framework.VersionFacts{Version: v.Version, Build: v.Build, Product: v.Product, Type: v.Type, ReleaseDate: v.ReleaseDate}, nil
	},
}

// Resources are the vCenter resources.
func Resources() []func() resource.Resource { return nil }

// DataSources are the vCenter data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{framework.DataSource[tagsDataSource]("vcenter_tags")}
}
