package nsxt

import (
	"context"
	"net/http"
	"net/url"
)

// OIDCPath holds the manager's OpenID Connect providers (OidcEndPoint): an identity provider
// with MFA the NSX 4.x STIG accepts (NMGR-4X-000015). The API its SDK documents creates,
// reads, updates and refreshes them; it has no delete.
const OIDCPath = "/api/v1/trust-management/oidc-uris"

// OIDCProvider is an OidcEndPoint; ClientSecret is sent, never answered.
type OIDCProvider struct {
	ID                 string   `json:"id,omitempty"`
	OIDCURI            string   `json:"oidc_uri"`
	Thumbprint         string   `json:"thumbprint"`
	OIDCType           string   `json:"oidc_type,omitempty"`
	ClientID           string   `json:"client_id,omitempty"`
	ClientSecret       *string  `json:"client_secret,omitempty"`
	ServicedDomains    []string `json:"serviced_domains,omitempty"`
	RestrictSCIMSearch *bool    `json:"restrict_scim_search,omitempty"`
	Issuer             string   `json:"issuer,omitempty"`
	Revision           int64    `json:"_revision"`
}

// OIDCProviders are every OIDC provider the manager holds.
func (c *Client) OIDCProviders(ctx context.Context) ([]OIDCProvider, error) {
	var out struct {
		Results []OIDCProvider `json:"results"`
	}
	err := c.do(ctx, http.MethodGet, OIDCPath, nil, &out)
	return out.Results, err
}

// OIDCProvider is the provider id.
func (c *Client) OIDCProvider(ctx context.Context, id string) (*OIDCProvider, error) {
	var p OIDCProvider
	err := c.do(ctx, http.MethodGet, OIDCPath+"/"+url.PathEscape(id), nil, &p)
	return &p, err
}

// CreateOIDCProvider creates p (NSX fetches its discovery document and keeps the issuer).
func (c *Client) CreateOIDCProvider(ctx context.Context, p OIDCProvider) (*OIDCProvider, error) {
	var out OIDCProvider
	err := c.do(ctx, http.MethodPost, OIDCPath, p, &out)
	return &out, err
}

// UpdateOIDCProvider writes p over the provider p.ID as NSX holds it now (putCurrent: its
// `_revision` read first, and again once where someone wrote in between).
func (c *Client) UpdateOIDCProvider(ctx context.Context, p OIDCProvider) (*OIDCProvider, error) {
	return putCurrent(ctx, c, OIDCPath+"/"+url.PathEscape(p.ID), &p, &p.Revision)
}
