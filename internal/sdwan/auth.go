// Package sdwan speaks the Cisco Catalyst SD-WAN Manager (vManage) API: its form login with
// the JSESSIONID cookie and the XSRF token, its expiry signals, its logout, and a typed client
// for the endpoints the provider uses. It knows wire formats, not Terraform.
package sdwan

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Auth is the SD-WAN Manager login: POST /j_security_check with a form yields a JSESSIONID
// cookie (and an empty body); GET /dataservice/client/token then yields the XSRF token.
type Auth struct {
	Username string
	Password string
}

var _ session.Authenticator = (*Auth)(nil)

// Login implements session.Authenticator. It sends the credentials once.
func (a *Auth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	answer, err := session.FormLogin(ctx, hc, "sdwan", node, "/j_security_check", a.Username, a.Password, nil)
	if err != nil {
		return nil, err
	}

	switch {
	case answer.StatusCode >= 300 && answer.StatusCode < 400:
		loc := answer.Header.Get("Location")
		if strings.Contains(strings.ToLower(loc), "passwordreset") {
			return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
				Reason: "the manager redirected the login to its password reset page: the password of " + a.Username +
					" must be changed first: log in to the SD-WAN Manager web interface once and set a new password"}
		}
		return nil, fmt.Errorf("logging in to the sdwan manager at %s: redirected to %q instead of opening a session", node.Host, loc)
	case answer.StatusCode == http.StatusOK && len(bytes.TrimSpace(answer.Body)) > 0:
		// The application server answers a refused login with its login page, and 200.
		reason := LoginPageMessage(answer.Body)
		if reason == "" {
			reason = "the manager answered with " + session.DescribeBody(answer) + " instead of an empty answer.Body"
		}
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
			Reason: reason}
	case answer.StatusCode == http.StatusUnauthorized || answer.StatusCode == http.StatusForbidden:
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
			Reason: "the credentials were refused (" + session.DescribeBody(answer) + ")"}
	case answer.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("logging in to the sdwan manager at %s: %w", node.Host, DecodeError(answer))
	}
	cookie := session.SessionCookie(answer, "JSESSIONID")
	if cookie == nil {
		return nil, &session.LoginError{Block: "sdwan", Host: node.Host, Status: answer.StatusCode,
			Reason: "the login answer set no JSESSIONID cookie"}
	}
	cred := &session.Credentials{Cookies: []*http.Cookie{cookie}, Header: http.Header{}}
	token, err := a.xsrfToken(ctx, hc, node, cred)
	if err != nil {
		// The session is open: free its slot before giving up.
		_ = a.Logout(ctx, hc, node, cred)
		return nil, err
	}
	if token != "" {
		cred.Header["X-XSRF-TOKEN"] = []string{token} // the documented spelling, which lent sessions hand out
	}
	return cred, nil
}

// xsrfToken reads GET /dataservice/client/token: plain text. Managers before 19.2 have no
// token (404) and need none.
func (a *Auth) xsrfToken(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) (string, error) {
	answer, err := tokenAnswer(ctx, hc, node, cred)
	if err != nil {
		return "", err
	}
	switch {
	case answer.StatusCode == http.StatusNotFound:
		return "", nil
	case answer.StatusCode != http.StatusOK:
		return "", fmt.Errorf("reading the XSRF token of the sdwan manager at %s: %w", node.Host, DecodeError(answer))
	}
	token := plainToken(answer)
	if token == "" {
		return "", fmt.Errorf("the sdwan manager at %s answered GET /dataservice/client/token with %s instead of a token: "+
			"the new session was not accepted", node.Host, session.DescribeBody(answer))
	}
	return token, nil
}

// tokenAnswer is the answer to GET /dataservice/client/token sent with cred.
func tokenAnswer(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) (*session.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, node.String()+"/dataservice/client/token", nil)
	if err != nil {
		return nil, err
	}
	cred.Apply(req)
	return session.Exchange(hc, "sdwan", req)
}

// plainToken is the XSRF token a 200 answer of /dataservice/client/token holds as plain
// text ("": the body is no token, e.g. the login page).
func plainToken(answer *session.Response) string {
	token := strings.TrimSpace(string(answer.Body))
	if IsLoginPage(answer) || strings.ContainsAny(token, "<> \n") {
		return ""
	}
	return token
}

var (
	errorBox = regexp.MustCompile(`(?is)id\s*=\s*["']errorMessageBox["'][^>]*>(.*?)</`)
	tags     = regexp.MustCompile(`<[^>]*>`)
)

// LoginPageMessage is the message of the application server's HTML login page (its
// errorMessageBox), or "" when answer.Body is not that page or the box is empty.
func LoginPageMessage(body []byte) string {
	m := errorBox.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(string(m[1]), ""))), " ")
}

// IsLoginPage reports whether resp is the HTML login page.
func IsLoginPage(resp *session.Response) bool {
	b := bytes.ToLower(resp.Body)
	return bytes.Contains(b, []byte("<html")) && (bytes.Contains(b, []byte("j_security_check")) || bytes.Contains(b, []byte("errormessagebox")))
}

// Expired implements session.Authenticator. The session is gone when a data call is answered
// with the HTML login page (older releases, with 200), with 401 or 403 (behind the API
// gateway), or with a Set-Cookie that expires the JSESSIONID.
func (a *Auth) Expired(resp *session.Response) bool {
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || IsLoginPage(resp) {
		return true
	}
	for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
		if c.Name == "JSESSIONID" && (c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now()))) {
			return true
		}
	}
	return false
}

// Logout implements session.Authenticator: POST /logout?nocache=<random>, whose 302 to
// welcome.html means the session is invalidated; releases that do not take a POST get a GET.
// The redirect is never followed.
func (a *Auth) Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) error {
	var last error
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		nocache := make([]byte, 8)
		_, _ = rand.Read(nocache)
		req, err := http.NewRequestWithContext(ctx, method, node.String()+"/logout?nocache="+hex.EncodeToString(nocache), nil)
		if err != nil {
			return err
		}
		cred.Apply(req)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusFound && strings.Contains(resp.Header.Get("Location"), "welcome.html") {
			return nil
		}
		last = fmt.Errorf("%s /logout answered HTTP %d (Location %q), not the 302 to welcome.html", method, resp.StatusCode, resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
			break
		}
	}
	return last
}
