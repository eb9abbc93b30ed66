// Package illumio speaks the Illumio PCE REST API (v2): its two-step session login, or a
// persistent API key, and a typed client for labels and the product version. It knows wire
// formats, not Terraform.
package illumio

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// IdleTimeout is how long the PCE keeps an unused session token.
const IdleTimeout = 10 * time.Minute

// Credential facts a login leaves in session.Credentials.Values.
const (
	FactUserHref = "user_href"
	FactOrgs     = "orgs" // JSON list of Org
)

// Org is an organization the logged-in user belongs to.
type Org struct {
	ID          int64  `json:"org_id"`
	Href        string `json:"org_href"`
	DisplayName string `json:"display_name"`
}

// Auth is the PCE login. With Key set, Username and Password are an API key's username and
// secret, sent as Basic on every call: no login, no logout. Otherwise they are the user's
// e-mail and password: POST /api/v2/login_users/authenticate yields an auth token valid 30
// seconds, GET /api/v2/users/login trades it at once for auth_username and session_token,
// which are the Basic credentials of every later call.
type Auth struct {
	Username string
	Password string
	Key      bool
}

var (
	_ session.Authenticator = (*Auth)(nil)
	_ session.CallRefuser   = (*Auth)(nil)
)

func basic(user, secret string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret))}}
}

// Login implements session.Authenticator. The credentials are sent once.
func (a *Auth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	if a.Key {
		return &session.Credentials{Header: basic(a.Username, a.Password)}, nil
	}
	q := url.Values{"pce_fqdn": {node.Hostname()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+"/api/v2/login_users/authenticate?"+q.Encode(), strings.NewReader("{}"))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(a.Username, a.Password)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	answer, err := session.Exchange(hc, "illumio", req)
	if err != nil {
		return nil, err
	}
	switch {
	case answer.StatusCode == http.StatusUnauthorized || answer.StatusCode == http.StatusForbidden:
		return nil, &session.LoginError{Block: "illumio", Host: node.Host, Status: answer.StatusCode,
			Reason: DecodeError(answer).Message()}
	case answer.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("logging in to the illumio PCE at %s: %w", node.Host, DecodeError(answer))
	}
	var auth struct {
		AuthToken string `json:"auth_token"`
	}
	if err := session.DecodeJSON("illumio", "POST /api/v2/login_users/authenticate", answer, &auth); err != nil || auth.AuthToken == "" {
		return nil, fmt.Errorf("logging in to the illumio PCE at %s: no auth_token in the answer (%w)", node.Host, err)
	}

	// The auth token lives 30 seconds: trade it for session credentials at once.
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, node.String()+"/api/v2/users/login", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token token="+auth.AuthToken)
	req.Header.Set("Accept", "application/json")
	answer, err = session.Exchange(hc, "illumio", req)
	if err != nil {
		return nil, err
	}
	if answer.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("logging in to the illumio PCE at %s: trading the auth token for a session failed "+
			"(the token is valid for 30 seconds): %w", node.Host, DecodeError(answer))
	}
	var login struct {
		Href         string `json:"href"`
		AuthUsername string `json:"auth_username"`
		SessionToken string `json:"session_token"`
		Orgs         []Org  `json:"orgs"`
	}
	if err := session.DecodeJSON("illumio", "GET /api/v2/users/login", answer, &login); err != nil {
		return nil, err
	}
	if login.AuthUsername == "" || login.SessionToken == "" {
		return nil, fmt.Errorf("logging in to the illumio PCE at %s: the answer of GET /api/v2/users/login has no auth_username or session_token", node.Host)
	}
	orgs, _ := json.Marshal(login.Orgs)
	return &session.Credentials{
		Header: basic(login.AuthUsername, login.SessionToken),
		Values: map[string]string{FactUserHref: login.Href, FactOrgs: string(orgs)},
	}, nil
}

// Expired implements session.Authenticator: a session token that idled out is answered 401.
// An API key does not expire.
func (a *Auth) Expired(resp *session.Response) bool {
	return !a.Key && resp.StatusCode == http.StatusUnauthorized
}

// Refused implements session.CallRefuser: an API key answered 401 is refused for good.
func (a *Auth) Refused(resp *session.Response) *session.LoginError {
	if !a.Key || resp.StatusCode != http.StatusUnauthorized {
		return nil
	}
	return &session.LoginError{Block: "illumio", Host: resp.Node, Status: resp.StatusCode,
		Reason: strings.TrimSuffix(DecodeError(resp).Message(), ".") + ". The API key is wrong or was deleted"}
}

// Logout implements session.Authenticator: PUT /api/v2/users/{id}/logout ends the session
// token at once. API keys hold nothing open.
func (a *Auth) Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) error {
	href := cred.Values[FactUserHref]
	if a.Key || href == "" {
		return session.ErrNothingToEnd
	}
	return session.EndSession(ctx, hc, "illumio", http.MethodPut, node, "/api/v2"+href+"/logout", []byte("{}"), cred,
		func(answer *session.Response) error { return DecodeError(answer) })
}

// DefaultRateLimit keeps under the PCE's 500 requests a minute per session or API key: 8 a
// second with a burst of 8 is at most 488 in any minute.
const DefaultRateLimit = 8
