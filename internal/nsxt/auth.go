// Package nsxt speaks the NSX Manager API: its session-cookie login and a typed client for the
// endpoints the provider uses. It knows wire formats, not Terraform.
package nsxt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Auth is the NSX session-cookie login: POST /api/session/create with a form body yields a
// JSESSIONID cookie and an X-XSRF-TOKEN header, both needed on every later call to that node.
type Auth struct {
	Username string
	Password string
}

var _ session.Authenticator = (*Auth)(nil)

// Login implements session.Authenticator. It sends the credentials once.
func (a *Auth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	answer, err := session.FormLogin(ctx, hc, "nsxt", node, "/api/session/create", a.Username, a.Password, http.Header{"Accept": {"application/json"}})
	var tooLarge *session.TooLargeError
	if errors.As(err, &tooLarge) && answer != nil && answer.StatusCode == http.StatusOK {
		// NSX's login answer is its headers; an oversized body does not make them less of a
		// session, which would otherwise be left open on the manager.
		err = nil
	}
	if err != nil {
		return nil, err
	}

	// Another product at the address answers in its own shape: say what it is, never that
	// the password was wrong (a refusal from NSX itself is its ApiError, or no body at all).
	product := session.ProductOf(answer)
	if product != "" && product != "NSX" {
		return nil, &session.LoginError{Block: "nsxt", Host: node.Host, Status: answer.StatusCode, WrongProduct: true,
			Reason: "it answers as " + product + ", not NSX"}
	}
	switch {
	case answer.StatusCode == http.StatusForbidden || answer.StatusCode == http.StatusUnauthorized:
		reason := "the credentials were refused."
		if e := DecodeError(answer); e.Message != "" {
			reason = e.Message
		}
		return nil, &session.LoginError{Block: "nsxt", Host: node.Host, Status: answer.StatusCode,
			Reason: strings.TrimSuffix(reason, ".") + ". NSX locks an account after repeated failures"}
	case answer.StatusCode == http.StatusNotFound || answer.StatusCode == http.StatusMethodNotAllowed:
		return nil, &session.LoginError{Block: "nsxt", Host: node.Host, Status: answer.StatusCode, WrongProduct: true,
			Reason: "no NSX API there: POST /api/session/create, NSX's login, is not found (" + session.DescribeBody(answer) + ")"}
	case answer.StatusCode != http.StatusOK && answer.StatusCode != http.StatusCreated:
		return nil, fmt.Errorf("logging in to the nsxt manager at %s: %w", node.Host, DecodeError(answer))
	}
	cookie := session.SessionCookie(answer, "JSESSIONID")
	xsrf := answer.Header.Get("X-XSRF-TOKEN")
	if cookie == nil && xsrf == "" && len(strings.TrimSpace(string(answer.Body))) > 0 {
		// Not NSX's answer to a login at all: another product or a proxy answered.
		return nil, &session.LoginError{Block: "nsxt", Host: node.Host, Status: answer.StatusCode, WrongProduct: true,
			Reason: "no NSX API there: the answer to POST /api/session/create is not an NSX login answer (no JSESSIONID cookie, " +
				"no X-XSRF-TOKEN header) but " + session.DescribeBody(answer)}
	}
	if cookie == nil || xsrf == "" {
		return nil, &session.LoginError{Block: "nsxt", Host: node.Host, Status: answer.StatusCode,
			Reason: "the answer lacked the JSESSIONID cookie or the X-XSRF-TOKEN header; NSX answers so when its cookie_based_authentication_enabled setting is off"}
	}
	return &session.Credentials{
		Cookies: []*http.Cookie{cookie},
		// The documented spelling, byte for byte: lent sessions hand it out as it is.
		Header: http.Header{"X-XSRF-TOKEN": {xsrf}},
	}, nil
}

// Expired implements session.Authenticator: NSX answers 403 with its credentials error
// (error_code 403) or its XSRF error (98) once a session idles out or is destroyed, and its
// reverse proxy a 401, or a 403 without an API error body, to a request it did not
// authenticate. A 403 with any other error_code is a refusal of the request itself (a role
// without the permission), not of the session: it is reported as it is. A write is replayed
// only on the documented codes, never on a guess.
func (a *Auth) Expired(resp *session.Response) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		return true
	}
	if resp.StatusCode != http.StatusForbidden {
		return false
	}
	e := DecodeError(resp)
	switch e.Code {
	case 98, 403:
		return true
	case 0:
		// No API error body: the reverse proxy did not authenticate the request. Only a read
		// is sent again on that alone.
		read := strings.HasPrefix(resp.Request, http.MethodGet+" ") || resp.Request == ""
		return read && (!json.Valid(resp.Body) || strings.Contains(e.Message, "credentials"))
	}
	return false
}

// Logout implements session.Authenticator: POST /api/session/destroy.
func (a *Auth) Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) error {
	return session.EndSession(ctx, hc, "nsxt", http.MethodPost, node, "/api/session/destroy", nil, cred,
		func(answer *session.Response) error { return DecodeError(answer) })
}

// CertAuth is a principal identity's login: the client certificate goes in the TLS handshake
// of every connection (the session's TLS configuration carries it), so there is no session,
// no password, nothing to log in to or out of, and nothing a session cache could share.
type CertAuth struct{}

var (
	_ session.Authenticator = CertAuth{}
	_ session.CallRefuser   = CertAuth{}
)

// Login implements session.Authenticator: nothing is sent.
func (CertAuth) Login(context.Context, *http.Client, *url.URL) (*session.Credentials, error) {
	return &session.Credentials{PerCall: true, Untried: true}, nil
}

// Expired implements session.Authenticator: a certificate does not expire the way a session
// does; a refusal is reported by Refused and never retried.
func (CertAuth) Expired(*session.Response) bool { return false }

// Refused implements session.CallRefuser: NSX answers a certificate it does not know (never
// registered, or its principal identity deleted) as it answers bad credentials, 403 with
// error_code 403, or 401 from its reverse proxy. That is a refusal of the certificate, kept
// like a refused login so that it is not presented again in this run.
func (CertAuth) Refused(resp *session.Response) *session.LoginError {
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return nil
	}
	e := DecodeError(resp)
	if resp.StatusCode == http.StatusForbidden && e.Code != errCodeCredentials && e.Code != 0 {
		return nil // a refusal of the request (a role without the permission), not of the certificate
	}
	reason := "the client certificate was refused"
	if e.Message != "" {
		reason += " (NSX: " + strings.TrimSuffix(e.Message, ".") + ")"
	}
	return &session.LoginError{Block: "nsxt", Host: resp.Node, Status: resp.StatusCode, Cause: ErrCertificateRefused,
		Reason: reason + ". This is not a password failure: no password was sent and no account's lockout counts it. " +
			"The certificate must belong to a principal identity on this manager (nsx_principal_identity), with the key that matches it"}
}

// Logout implements session.Authenticator: there is no session to end.
func (CertAuth) Logout(context.Context, *http.Client, *url.URL, *session.Credentials) error {
	return session.ErrNothingToEnd
}

// errCodeCredentials is NSX's error_code for refused credentials (a session's or a certificate's).
const errCodeCredentials = 403

// ErrCertificateRefused: the manager did not accept the client certificate.
var ErrCertificateRefused = errors.New("client certificate refused")

// AllowOverwriteHeader lets a user change an object that a principal identity created as
// protected (NSX's _protection REQUIRE_OVERRIDE).
const AllowOverwriteHeader = "X-Allow-Overwrite"
