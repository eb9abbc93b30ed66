package nsxt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// nsx_manager_certificates: the certificate every manager node presents, for checks such as
// the NSX 4.x STIG's NMGR-4X-000094 (a certificate the DoD issued).

type managerCertificatesDataSource struct{ framework.DataSourceBase }

type managerCertificateModel struct {
	Subject            string `tfsdk:"subject"`
	Issuer             string `tfsdk:"issuer"`
	IssuerOrganization string `tfsdk:"issuer_organization"`
	NotAfter           string `tfsdk:"not_after"`
	SHA256Fingerprint  string `tfsdk:"sha256_fingerprint"`
}

type managerCertificatesModel struct {
	ID    types.String                       `tfsdk:"id"`
	Nodes map[string]managerCertificateModel `tfsdk:"nodes"`
	framework.ReadTimeouts
}

func (d *managerCertificatesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := framework.ComputedString
	resp.Schema = framework.DataSourceSchema(ctx, "The certificate each NSX Manager node listed in the `nsxt` block presents on its API port, read from the "+
		"provider's own TLS connection to it (which the block's CA settings verify): for checks such as the NSX 4.x STIG's "+
		"NMGR-4X-000094, a certificate issued by the DoD (`issuer_organization` `U.S. Government`). It reads; it changes nothing.", map[string]dschema.Attribute{
		"id": str("Always `certificates`."),
		"nodes": dschema.MapNestedAttribute{Computed: true, MarkdownDescription: "Node (as the `nsxt` block lists it) → its certificate.",
			NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
				"subject":             str("The certificate's subject (RFC 2253)."),
				"issuer":              str("Its issuer (RFC 2253)."),
				"issuer_organization": str("The issuer's organization (O=); empty where it names none."),
				"not_after":           str("When it expires (RFC 3339, UTC)."),
				"sha256_fingerprint":  str("The SHA-256 hash of the certificate, in hexadecimal."),
			}}},
	})
}

func (d *managerCertificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data managerCertificatesModel
	ctx, c, done, ok := framework.Open(ctx, req.Config, d.ReadOp(), &data, d.Managers, Manager, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	if !d.read(ctx, c.Nodes(), func(ctx context.Context, node string, into *managerCertificateModel) error {
		cert, err := c.ServerCertificate(ctx, node)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(cert.Raw)
		*into = managerCertificateModel{Subject: session.Clean(cert.Subject.String()), Issuer: session.Clean(cert.Issuer.String()),
			NotAfter: cert.NotAfter.UTC().Format(time.RFC3339), SHA256Fingerprint: strings.ToUpper(hex.EncodeToString(sum[:]))}
		if len(cert.Issuer.Organization) > 0 {
			into.IssuerOrganization = session.Clean(cert.Issuer.Organization[0])
		}
		return nil
	}, &data, &resp.Diagnostics) {
		return
	}
	data.ID = types.StringValue("certificates")
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// read fills data.Nodes from every node, one error per node that did not answer.
func (d *managerCertificatesDataSource) read(ctx context.Context, nodes []string, one func(context.Context, string, *managerCertificateModel) error,
	data *managerCertificatesModel, diags *diag.Diagnostics) bool {
	data.Nodes = map[string]managerCertificateModel{}
	for _, n := range nodes {
		var m managerCertificateModel
		if err := one(ctx, n, &m); err != nil {
			d.Managers.ReadFailed(diags, "the NSX Manager Certificates", "Reading the certificate of node "+n, err)
			continue
		}
		data.Nodes[n] = m
	}
	return !diags.HasError()
}
