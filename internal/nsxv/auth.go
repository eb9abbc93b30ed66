// Package nsxv speaks the NSX for vSphere (NSX-v) Manager API: its token login, with HTTP Basic
// on every call where the manager has no token endpoint, and a typed XML client for the
// endpoints the provider uses. It knows wire formats, not Terraform.
package nsxv

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Auth is the NSX-v login: POST /api/2.0/services/auth/token with Basic credentials yields a
// token sent as "Authorization: AUTHTOKEN <token>". A manager older than 6.4 has no token
// endpoint (404): then the Basic credentials go with every call.
type Auth struct {
	Username string
	Password string
	basic    atomic.Bool
}

var (
	_ session.Authenticator = (*Auth)(nil)
	_ session.CallRefuser   = (*Auth)(nil)
)

// TokenPath is the token endpoint (NSX-v 6.4.0 and later).
const TokenPath = "/api/2.0/services/auth/token"

func (a *Auth) basicCredentials() *session.Credentials {
	v := base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + a.Password))
	return &session.Credentials{Header: http.Header{"Authorization": {"Basic " + v}}, PerCall: true}
}

// Login implements session.Authenticator. It sends the credentials once.
func (a *Auth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	if a.basic.Load() {
		return a.basicCredentials(), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+TokenPath, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(a.Username, a.Password)
	req.Header.Set("Accept", "application/xml")
	answer, err := session.Exchange(hc, "nsxv", req)
	if err != nil {
		return nil, err
	}

	switch answer.StatusCode {
	case http.StatusOK, http.StatusCreated:
	case http.StatusNotFound:
		tflog.Debug(ctx, "the NSX-v manager has no token endpoint (older than 6.4); sending HTTP Basic credentials with every call",
			map[string]any{"block": "nsxv", "node": node.Host})
		return a.verifyBasic(ctx, hc, node)
	case http.StatusUnauthorized, http.StatusForbidden:
		return nil, a.loginError(node.Host, answer)
	default:
		return nil, fmt.Errorf("logging in to the nsxv manager at %s: %w", node.Host, DecodeError(answer))
	}
	var tok struct {
		XMLName xml.Name `xml:"authToken"`
		Value   string   `xml:"value"`
	}
	if err := xml.Unmarshal(answer.Body, &tok); err != nil || strings.TrimSpace(tok.Value) == "" {
		return nil, fmt.Errorf("logging in to the nsxv manager at %s: the token answer is not <authToken><value>…</value></authToken>: %s",
			node.Host, session.DescribeBody(answer))
	}
	return &session.Credentials{Header: http.Header{"Authorization": {"AUTHTOKEN " + strings.TrimSpace(tok.Value)}}}, nil
}

// verifyBasic checks the credentials once, before calls in parallel would each carry them:
// a wrong password is sent once, as with a token login. Later logins reuse the verdict.
func (a *Auth) verifyBasic(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	cred := a.basicCredentials()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, node.String()+"/api/1.0/appliance-management/global/info", nil)
	if err != nil {
		return nil, err
	}
	cred.Apply(req)
	req.Header.Set("Accept", "application/xml")
	answer, err := session.Exchange(hc, "nsxv", req)
	if err != nil {
		return nil, err
	}
	a.basic.Store(true)
	if le := a.Refused(answer); le != nil {
		return nil, le
	}
	// Other answers (a 403 for an SSO user, who may not read appliance management) leave
	// the credentials accepted.
	return cred, nil
}

// loginError explains a refused login, with what to do about it.
func (a *Auth) loginError(host string, resp *session.Response) *session.LoginError {
	e := DecodeError(resp)
	reason := e.Details
	if reason == "" {
		reason = "the credentials were refused"
	}
	le := &session.LoginError{Block: "nsxv", Host: host, Status: resp.StatusCode, Reason: reason}
	if noRole(e) {
		le.Reason += fmt.Sprintf(". The account %q exists and its password was accepted, but it has no role on NSX Manager", a.Username)
		le.Cause = ErrNoRole
	}
	return le
}

func noRole(e *APIError) bool {
	return strings.Contains(strings.ToLower(e.Details), "does not have any role")
}

// Expired implements session.Authenticator: a token that has expired or was revoked is
// answered 401 or 403. With Basic credentials nothing expires.
func (a *Auth) Expired(resp *session.Response) bool {
	if a.basic.Load() {
		return false
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return true
	case http.StatusForbidden:
		// Lacking a role is not fixed by a new token.
		return !noRole(DecodeError(resp))
	}
	return false
}

// Refused implements session.CallRefuser: with Basic credentials on every call, a 401 or a
// 403 for the credentials is a refused login.
func (a *Auth) Refused(resp *session.Response) *session.LoginError {
	if !a.basic.Load() {
		return nil
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return a.loginError(resp.Node, resp)
	}
	if resp.StatusCode == http.StatusForbidden {
		if e := DecodeError(resp); noRole(e) || strings.Contains(strings.ToLower(e.Details), "authentication") {
			return a.loginError(resp.Node, resp)
		}
	}
	return nil
}

// Logout implements session.Authenticator. An NSX-v token cannot be ended on its own (the
// token invalidation call ends every token of the user, other clients' included), and Basic
// credentials hold nothing open: there is nothing to log out.
func (a *Auth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}
