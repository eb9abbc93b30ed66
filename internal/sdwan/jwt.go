package sdwan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// SD-WAN Manager 20.18.1 and later offer two logins that take no slot of the 100 concurrent
// sessions: a JWT (POST /jwt/login) and a user's API key. PROTOCOLS.md section 3 records what
// the documents say; the rest is marked UNCONFIRMED here and the fake follows the documented
// part only.

// JWTRelease is the first release with JWT login and API keys.
const JWTRelease = "20.18.1"

// JWTDuration is the token lifetime the provider asks for (the documented default; 1 to
// 604800 seconds are allowed).
const JWTDuration = 1800

// JWTAuth is the JWT login: POST /jwt/login with JSON {username, password, duration}
// answers {token, refresh, csrf, exp, duration}; calls carry "Authorization: Bearer <token>",
// writes the csrf value as X-XSRF-TOKEN. There is no logout. Renewal: the refresh call is
// UNCONFIRMED (no document gives its path or body), so a token about to expire is renewed by
// a new login, RenewBeforeExpiry ahead of exp; the password is sent only when the last
// login's outcome was known.
type JWTAuth struct {
	Username string
	Password string
}

var _ session.Authenticator = (*JWTAuth)(nil)

type jwtAnswer struct {
	Token    string          `json:"token"`
	Refresh  string          `json:"refresh"` // unused: the refresh call is UNCONFIRMED
	CSRF     string          `json:"csrf"`
	Exp      json.RawMessage `json:"exp"`
	Duration int64           `json:"duration"`
}

// needsRelease is the refusal of a login the manager does not offer.
func needsRelease(host, what string, answer *session.Response) *session.LoginError {
	return &session.LoginError{Block: "sdwan", Host: host, Status: answer.StatusCode,
		Reason: fmt.Sprintf("the manager does not offer %s (it answered with %s); SD-WAN Manager %s and later do. "+
			"Use auth = \"session\" with this manager", what, session.DescribeBody(answer), JWTRelease)}
}

// Login implements session.Authenticator. It sends the credentials once.
func (a *JWTAuth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	body, err := json.Marshal(map[string]any{"username": a.Username, "password": a.Password, "duration": JWTDuration})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+"/jwt/login", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	sent := time.Now()
	answer, err := session.Exchange(hc, "sdwan", req)
	if err != nil {
		return nil, err
	}
	switch {
	case answer.StatusCode == http.StatusUnauthorized || answer.StatusCode == http.StatusForbidden:
		reason := "the credentials were refused"
		if e := DecodeError(answer); e.Message != "" {
			reason += " (" + e.Message + ")"
		}
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode, Reason: reason}
	case answer.StatusCode == http.StatusNotFound || answer.StatusCode == http.StatusMethodNotAllowed || IsLoginPage(answer):
		return nil, needsRelease(node.Host, "JWT login", answer)
	case answer.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("logging in to the sdwan manager at %s with a JWT: %w", node.Host, DecodeError(answer))
	}
	var j jwtAnswer
	if err := json.Unmarshal(answer.Body, &j); err != nil || j.Token == "" || strings.ContainsAny(j.Token, " \r\n") {
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
			Reason: "the answer to POST /jwt/login holds no token but " + session.DescribeBody(answer)}
	}
	cred := &session.Credentials{Header: http.Header{"Authorization": {"Bearer " + j.Token}}, Expires: jwtExpiry(j, sent)}
	if j.CSRF != "" {
		cred.Header["X-XSRF-TOKEN"] = []string{j.CSRF}
	}
	return cred, nil
}

// jwtExpiry is when the token lapses: exp where it is a plausible Unix time (seconds or
// milliseconds; its unit is UNCONFIRMED, both read: TestJWTExpiryReadsBothUnits), else sent + duration, else sent + JWTDuration; never
// later than the asked duration, whatever the manager says.
func jwtExpiry(j jwtAnswer, sent time.Time) time.Time {
	latest := sent.Add(JWTDuration * time.Second)
	var exp int64
	if err := json.Unmarshal(j.Exp, &exp); err == nil && exp > 0 {
		if exp > 1e12 {
			exp /= 1000
		}
		if t := time.Unix(exp, 0); t.After(sent) {
			return minTime(t, latest)
		}
	}
	if j.Duration > 0 && j.Duration < JWTDuration {
		return sent.Add(time.Duration(j.Duration) * time.Second)
	}
	return latest
}

// Expired implements session.Authenticator: an expired or revoked token is answered 401.
func (a *JWTAuth) Expired(resp *session.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized
}

// Logout implements session.Authenticator: a JWT has no logout; it lapses.
func (a *JWTAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}

// KeyAuth is a user's API key: "Authorization: Bearer <key>" on every call, and the XSRF
// token for writes fetched with it from /dataservice/client/token, as with a session.
type KeyAuth struct {
	Key string
}

var (
	_ session.Authenticator = (*KeyAuth)(nil)
	_ session.CallRefuser   = (*KeyAuth)(nil)
)

// Login implements session.Authenticator: the token fetch is the first use of the key.
func (a *KeyAuth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	cred := &session.Credentials{Header: http.Header{"Authorization": {"Bearer " + a.Key}}, PerCall: true}
	answer, err := tokenAnswer(ctx, hc, node, cred)
	if err != nil {
		return nil, err
	}
	switch {
	case answer.StatusCode == http.StatusUnauthorized || answer.StatusCode == http.StatusForbidden:
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
			Reason: "the API key was refused (" + session.DescribeBody(answer) + ")"}
	case IsLoginPage(answer):
		return nil, needsRelease(node.Host, "API keys", answer)
	case answer.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("reading the XSRF token of the sdwan manager at %s with the API key: %w", node.Host, DecodeError(answer))
	}
	token := plainToken(answer)
	if token == "" {
		return nil, fmt.Errorf("the sdwan manager at %s answered GET /dataservice/client/token with %s instead of a token", node.Host, session.DescribeBody(answer))
	}
	cred.Header["X-XSRF-TOKEN"] = []string{token}
	return cred, nil
}

// Expired implements session.Authenticator: a key does not expire the way a session does.
func (a *KeyAuth) Expired(*session.Response) bool { return false }

// Refused implements session.CallRefuser: a key answered 401 is refused for good in this run.
func (a *KeyAuth) Refused(resp *session.Response) *session.LoginError {
	if resp.StatusCode != http.StatusUnauthorized {
		return nil
	}
	return &session.LoginError{Block: "sdwan", Host: resp.Node, Status: resp.StatusCode,
		Reason: "the API key was refused (" + session.DescribeBody(resp) + ")"}
}

// Logout implements session.Authenticator: an API key holds nothing open.
func (a *KeyAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
