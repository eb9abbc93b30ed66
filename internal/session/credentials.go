package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Credentials is what a login yields: the cookies and headers to send on every later
// request to the node that issued them.
type Credentials struct {
	Cookies []*http.Cookie
	Header  http.Header
	// Values holds manager-specific facts a logout needs (a user href, a session path).
	Values map[string]string
	// PerCall: the credentials are the account's own, sent on every call (HTTP Basic),
	// not a session: they are never written to a Store.
	PerCall bool `json:"-"`
	// Untried: no answer has accepted the credentials yet (a client certificate, which
	// the login never sent): the first call carries them alone, and the calls waiting
	// behind it share its refusal instead of presenting them again.
	Untried bool `json:"-"`
	// Expires is when the credentials stop working whatever their use (a JWT's exp); zero:
	// only idleness ends them. They are renewed RenewBeforeExpiry ahead of it.
	Expires time.Time `json:"expires,omitzero"`
}

// RenewBeforeExpiry is how long before Credentials.Expires a login renews them.
const RenewBeforeExpiry = 30 * time.Second

// secrets lists every credential value that must never be logged.
func (c *Credentials) secrets() []string {
	var s []string
	for _, ck := range c.Cookies {
		s = append(s, ck.Value)
	}
	for _, vs := range c.Header {
		for _, v := range vs {
			s = append(s, v)
			// "Token x", "AUTHTOKEN x", "Basic x": mask the bare value too.
			if _, after, ok := strings.Cut(v, " "); ok {
				s = append(s, after)
			}
		}
	}
	return s
}

// Apply adds the credentials to req. Authenticators call it for their logout request.
func (c *Credentials) Apply(req *http.Request) {
	for k, vs := range c.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	for _, ck := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value}) //nolint:gosec // sent by the client; cookie attributes are the server's
	}
}

// Authenticator knows one manager's session protocol. Its methods get an *http.Client that
// does not retry and does not follow redirects: a login is attempted exactly once.
type Authenticator interface {
	// Login opens a session on node. A refusal of the credentials must be returned as a
	// *LoginError so that it is never retried.
	Login(ctx context.Context, hc *http.Client, node *url.URL) (*Credentials, error)
	// Expired reports whether resp means that the session is gone and a new login may help.
	Expired(resp *Response) bool
	// Logout ends the session on node.
	Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *Credentials) error
}

// CallRefuser is implemented by Authenticators whose credentials travel on every call (HTTP
// Basic): a call refused for its credentials is then a refused login, cached like one so that
// the same credentials are not sent again.
type CallRefuser interface {
	Refused(resp *Response) *LoginError
}

// ErrNothingToEnd is what Logout returns when the manager has nothing to end for a session
// (a stateless token, per-call credentials); it is neither a failure nor a logout.
var ErrNothingToEnd = errors.New("nothing to log out")

// LoginError is a login the manager refused, or one whose outcome is unknown (Unknown: the
// answer was lost, cut off, too large or late, so the manager may have counted a failure). It
// is cached for the life of the process, and in a Store for its refusal window: the same
// credentials are never sent again, so an account is never locked by this provider.
type LoginError struct {
	Block  string `json:"block"` // provider block, e.g. "nsxt"
	Host   string `json:"host"`
	Status int    `json:"status"`
	Reason string `json:"reason"` // the manager's own words
	// Unknown: no answer says how the login went.
	Unknown bool `json:"unknown,omitempty"`
	// Cause classifies the refusal where the manager says why (a manager's sentinel).
	Cause error `json:"-"`
	// CachedAt is when an earlier process had this login refused (zero: refused now). A
	// refusal kept in a Store is returned without sending the credentials again.
	CachedAt time.Time `json:"-"`
	// Unsaved is why the session cache could not keep this refusal: the next process of the
	// pipeline will not know of it.
	Unsaved string `json:"-"`
	// WrongProduct: what answered the login is not the block's product (Reason says what it
	// is, or that no API of the product is there): the address is wrong, not the password.
	WrongProduct bool `json:"wrong_product,omitempty"`
}

func (e *LoginError) Unwrap() error { return e.Cause }

func (e *LoginError) Error() string {
	msg := fmt.Sprintf("the %s manager at %s refused the login (HTTP %d): %s", e.Block, e.Host, e.Status, Quote(e.Reason))
	switch {
	case e.WrongProduct:
		msg = fmt.Sprintf("the %s block's address %s: %s (HTTP %d to the login)", e.Block, e.Host, Quote(e.Reason), e.Status)
	case e.Unknown:
		msg = fmt.Sprintf("the outcome of the login to the %s manager at %s is unknown: %s", e.Block, e.Host, Quote(e.Reason))
	}
	if !e.CachedAt.IsZero() {
		what := "refused"
		if e.Unknown {
			what = "lost"
		}
		msg += fmt.Sprintf(" (%s at %s, in an earlier run; these credentials were not sent again)", what, e.CachedAt.Local().Format("15:04:05 MST"))
	}
	if e.Unsaved != "" {
		msg += fmt.Sprintf(". The session cache could not record this refusal (%s): the next run of this pipeline would send the same credentials "+
			"again, so correct them (or the cache directory) before it runs", Quote(e.Unsaved))
	}
	return msg
}

// unknownOutcome is the LoginError of a login whose answer never arrived whole: err is why.
func unknownOutcome(block, host string, err error) *LoginError {
	return &LoginError{Block: block, Host: host, Unknown: true,
		Reason: err.Error() + "; the manager may have counted it as a failed attempt, so the password is not sent again in this run"}
}

// CredentialsChangedError is the login this client did not send: the manager took a new
// password for the account it logs in with, from this process (CredentialsChanged), so the
// configured one is the old password, and sending it would count as a failed login.
type CredentialsChangedError struct {
	Block, Host string
	// Why is what changed the password, in the caller's words.
	Why string
}

func (e *CredentialsChangedError) Error() string {
	return fmt.Sprintf("a new session on the %s manager at %s is needed, but %s in this run: the provider does not log in with "+
		"the password the %s block still holds, which is the old one now (a failed login counts towards the account's lockout). "+
		"Every change the run made so far is in the state; run terraform again with the new password in the %s block",
		e.Block, e.Host, e.Why, e.Block, e.Block)
}

// CredentialsChanged records that the manager took a new password for the account this
// client logs in with (why says how, for the error). The sessions it holds stay in use; a
// login it would need from now on, on any node, fails with *CredentialsChangedError without
// being sent.
func (c *Client) CredentialsChanged(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changed = why
}

// credentialsChanged is the reason given to CredentialsChanged ("": none).
func (c *Client) credentialsChanged() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// FormLogin sends, once, the login form of a Java application server (j_username and
// j_password, url-encoded: '&', '@', '%' and '+' occur in real passwords) to path on node,
// with the extra header where not nil; NSX's /api/session/create and SD-WAN Manager's
// /j_security_check take it. The answer is the Authenticator's to judge.
func FormLogin(ctx context.Context, hc *http.Client, block string, node *url.URL, path, username, password string, header http.Header) (*Response, error) {
	form := url.Values{"j_username": {username}, "j_password": {password}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+path, strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	maps.Copy(req.Header, header)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return Exchange(hc, block, req)
}

// EndSession is a logout as most managers take it: method on node's path with the session's
// credentials (and body, where not nil, as JSON); 200 or 204 ends it, any other answer is
// refuse(answer). It is what an Authenticator's Logout sends.
func EndSession(ctx context.Context, hc *http.Client, block, method string, node *url.URL, path string, body []byte, cred *Credentials,
	refuse func(*Response) error) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, node.String()+path, rd)
	if err != nil {
		return err
	}
	cred.Apply(req)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	answer, err := Exchange(hc, block, req)
	if err != nil {
		return err
	}
	if answer.StatusCode != http.StatusOK && answer.StatusCode != http.StatusNoContent {
		return refuse(answer)
	}
	return nil
}
