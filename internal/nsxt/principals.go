package nsxt

import (
	"context"
	"net/http"
	"net/url"
)

// Principal identities: certificate users for automation
// (/api/v1/trust-management/principal-identities, PrincipalIdentity in the SDK's nsx/model).

// PrincipalIdentity is a principal identity as NSX answers it.
type PrincipalIdentity struct {
	ID            string `json:"id,omitempty"`
	Name          string `json:"name"`
	NodeID        string `json:"node_id"`
	CertificateID string `json:"certificate_id,omitempty"`
	IsProtected   bool   `json:"is_protected"`
	Description   string `json:"description,omitempty"`
	Revision      int64  `json:"_revision"`
}

// PrincipalIdentityWithCertificate is the body of POST …/with-certificate: the identity, its
// certificate and (NSX 4.x) its roles, which NSX keeps as a role binding of type
// principal_identity named like it.
type PrincipalIdentityWithCertificate struct {
	Name           string         `json:"name"`
	NodeID         string         `json:"node_id"`
	CertificatePEM string         `json:"certificate_pem"`
	IsProtected    bool           `json:"is_protected"`
	Description    string         `json:"description,omitempty"`
	RolesForPaths  []RolesForPath `json:"roles_for_paths"`
}

// Certificate is a stored certificate (/api/v1/trust-management/certificates/{id}).
type Certificate struct {
	ID         string `json:"id"`
	PEMEncoded string `json:"pem_encoded"`
}

const (
	principalsPath   = "/api/v1/trust-management/principal-identities"
	certificatesPath = "/api/v1/trust-management/certificates"
)

// CreatePrincipalIdentity registers p.
func (c *Client) CreatePrincipalIdentity(ctx context.Context, p PrincipalIdentityWithCertificate) (*PrincipalIdentity, error) {
	var out PrincipalIdentity
	err := c.do(ctx, http.MethodPost, principalsPath+"/with-certificate", p, &out)
	return &out, err
}

// PrincipalIdentity reads the identity id; ErrNotFound when there is none.
func (c *Client) PrincipalIdentity(ctx context.Context, id string) (*PrincipalIdentity, error) {
	var out PrincipalIdentity
	err := c.do(ctx, http.MethodGet, principalsPath+"/"+url.PathEscape(id), nil, &out)
	return &out, err
}

// PrincipalIdentities lists every principal identity registered with a certificate.
func (c *Client) PrincipalIdentities(ctx context.Context) ([]PrincipalIdentity, error) {
	all, _, err := List(ctx, c, principalsPath, "principal identities", func(p PrincipalIdentity) string { return p.ID })
	return all, err
}

// DeletePrincipalIdentity deletes the identity id (NSX keeps its certificate).
func (c *Client) DeletePrincipalIdentity(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, principalsPath+"/"+url.PathEscape(id), nil, nil)
}

// Certificate reads the stored certificate id.
func (c *Client) Certificate(ctx context.Context, id string) (*Certificate, error) {
	var out Certificate
	err := c.do(ctx, http.MethodGet, certificatesPath+"/"+url.PathEscape(id), nil, &out)
	return &out, err
}
