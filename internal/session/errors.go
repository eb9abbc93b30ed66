package session

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// Kind classifies an error by what the user can do about it; the provider phrases the hint
// for each kind once, in its own words (attribute names, environment variables).
type Kind int

// The kinds of failure.
const (
	KindOther Kind = iota
	KindUntrustedCA
	KindHostnameMismatch
	KindCertificateInvalid
	KindUnknownHost
	KindRefused
	KindTimeout
	KindAbandoned
	KindCutOff
	KindLoginRefused
	KindTooLarge
	KindNotAPI // an HTML page or something else where the API's JSON was expected
	// KindOverBudget: a read took more than max_read_mib or max_read_items.
	KindOverBudget
	// KindLoginUnknown: a login whose answer was lost (cut off, too large, timed out): it may
	// have counted as a failure, so it is not sent again.
	KindLoginUnknown
	// KindWrongProduct: another product, or no API of the manager's, answered the login.
	KindWrongProduct
)

// KindOf is the kind of err (KindOther when none applies).
func KindOf(err error) Kind {
	var (
		te *TransportError
		le *LoginError
		tl *TooLargeError
		be *BodyError
	)
	var ob *OverBudgetError
	switch {
	case errors.As(err, &le) && le.WrongProduct:
		return KindWrongProduct
	case errors.As(err, &le) && le.Unknown:
		return KindLoginUnknown
	case errors.As(err, &le):
		return KindLoginRefused
	case errors.As(err, &ob):
		return KindOverBudget
	case errors.As(err, &tl):
		return KindTooLarge
	case errors.As(err, &be):
		if be.Kind == "truncated" {
			return KindCutOff
		}
		return KindNotAPI
	case errors.As(err, &te):
		return te.Kind()
	}
	return KindOther
}

// TransportError is a request that never got an HTTP answer. Its message says what kind of
// failure it was, in facts; Kind says what the user can do about it.
type TransportError struct {
	Block string
	Host  string
	Err   error
	// Abandoned: the caller's context ended (a deadline of the operation, an interrupt), not
	// the request's own request_timeout.
	Abandoned bool
}

func (e *TransportError) Unwrap() error { return e.Err }

// Kind classifies the failure.
func (e *TransportError) Kind() Kind {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		certInvalid      x509.CertificateInvalidError
		tlsVerify        *tls.CertificateVerificationError
		dnsErr           *net.DNSError
		netErr           net.Error
		cut              *CutOffError
	)
	switch {
	case errors.As(e.Err, &cut):
		return KindCutOff
	case errors.As(e.Err, &unknownAuthority) || (errors.As(e.Err, &tlsVerify) && errors.As(tlsVerify.Err, &unknownAuthority)):
		return KindUntrustedCA
	case errors.As(e.Err, &hostname):
		return KindHostnameMismatch
	case errors.As(e.Err, &certInvalid):
		return KindCertificateInvalid
	case errors.As(e.Err, &dnsErr):
		return KindUnknownHost
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return KindRefused
	case e.Abandoned:
		return KindAbandoned
	case errors.As(e.Err, &netErr) && netErr.Timeout():
		return KindTimeout
	}
	return KindOther
}

func (e *TransportError) Error() string {
	var (
		hostname    x509.HostnameError
		certInvalid x509.CertificateInvalidError
		dnsErr      *net.DNSError
		cut         *CutOffError
	)
	switch e.Kind() {
	case KindCutOff:
		errors.As(e.Err, &cut)
		return fmt.Sprintf("the answer of the %s manager at %s to %s was cut off: %v", e.Block, e.Host, cut.Request, cut)
	case KindUntrustedCA:
		return fmt.Sprintf("the certificate of the %s manager at %s is not signed by a trusted authority: %v", e.Block, e.Host, e.Err)
	case KindHostnameMismatch:
		errors.As(e.Err, &hostname)
		return fmt.Sprintf("the certificate of the %s manager at %s does not name that host (%v)", e.Block, e.Host, hostname.Error())
	case KindCertificateInvalid:
		errors.As(e.Err, &certInvalid)
		return fmt.Sprintf("the certificate of the %s manager at %s is invalid: %v", e.Block, e.Host, certInvalid.Error())
	case KindUnknownHost:
		errors.As(e.Err, &dnsErr)
		return fmt.Sprintf("the name of the %s manager %s could not be resolved: %v", e.Block, e.Host, dnsErr.Error())
	case KindRefused:
		return fmt.Sprintf("the %s manager at %s refused the connection", e.Block, e.Host)
	case KindAbandoned:
		return fmt.Sprintf("the request to the %s manager at %s was abandoned: the operation ran out of time or was interrupted (%v)", e.Block, e.Host, e.Err)
	case KindTimeout:
		return fmt.Sprintf("the %s manager at %s did not answer within the request timeout: %v", e.Block, e.Host, e.Err)
	}
	return fmt.Sprintf("talking to the %s manager at %s failed: %v", e.Block, e.Host, e.Err)
}

// HintedError is an error with the provider's advice for its kind appended.
type HintedError struct {
	Err  error
	Hint string
}

func (e *HintedError) Error() string { return e.Err.Error() + "; " + e.Hint }
func (e *HintedError) Unwrap() error { return e.Err }

// Explain adds the provider's advice to an error a manager client decoded from an answer
// (the session layer's own errors carry it already).
func (c *Client) Explain(err error) error { return c.explain(err) }

// explain applies the Config's Explain to err once.
func (c *Client) explain(err error) error {
	var h *HintedError
	if err == nil || c.cfg.Explain == nil || errors.As(err, &h) {
		return err
	}
	if hint := c.cfg.Explain(err); hint != "" {
		return &HintedError{Err: err, Hint: hint}
	}
	return err
}

// permanentTransportError is an error a retry cannot fix: certificate problems (as
// TransportError.Kind tells them), any failed certificate verification, and a host name that
// does not resolve.
func permanentTransportError(err error) bool {
	var (
		tlsVerify *tls.CertificateVerificationError
		dnsErr    *net.DNSError
	)
	switch (&TransportError{Err: err}).Kind() {
	case KindUntrustedCA, KindHostnameMismatch, KindCertificateInvalid:
		return true
	}
	return errors.As(err, &tlsVerify) || (errors.As(err, &dnsErr) && dnsErr.IsNotFound)
}

// neverConnected reports whether the request could not have reached the manager, so that even
// a non-idempotent request may be sent again.
func neverConnected(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var uerr *url.Error
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &uerr) && errors.Is(uerr.Err, syscall.ECONNREFUSED))
}

// CutOffError is an answer whose body ended before it was complete: the connection dropped, or
// a proxy gave up, after the headers had arrived.
type CutOffError struct {
	Request string // "GET /path"
	Status  int
	Got     int
	Want    int64 // the declared Content-Length, -1 when none was declared
	Err     error
}

func (e *CutOffError) Unwrap() error { return e.Err }

func (e *CutOffError) Error() string {
	if e.Want > 0 {
		return fmt.Sprintf("HTTP %d with %d of the %d bytes it announced (%v); the connection was dropped or a proxy truncated the answer", e.Status, e.Got, e.Want, e.Err)
	}
	return fmt.Sprintf("HTTP %d, ending after %d bytes (%v); the connection was dropped or a proxy truncated the answer", e.Status, e.Got, e.Err)
}

// HTTPError is what every manager's error answer has in common, embedded by each manager's
// error type: the status, whether the session had expired and been renewed once before this
// answer, and an excerpt of a body that was not the manager's own error document.
type HTTPError struct {
	Status int
	// Request is the request answered, "GET /path" (empty for an Authenticator's own).
	Request string
	Renewed bool
	Body    string
}

// NewHTTPError is the common part of the error answer resp.
func NewHTTPError(resp *Response) HTTPError {
	return HTTPError{Status: resp.StatusCode, Request: resp.Request, Renewed: resp.Renewed}
}

// Answered opens a message: "NSX answered GET /path with HTTP 404".
func (e *HTTPError) Answered(who string) string {
	if e.Request == "" {
		return fmt.Sprintf("%s answered HTTP %d", who, e.Status)
	}
	return fmt.Sprintf("%s answered %s with HTTP %d", who, e.Request, e.Status)
}

// Say is the sentence of an error answer, one wording for every manager: who answered what
// (Answered), the manager's code in brackets where it gave one, its own words (else a
// description of the body), and the note of a renewed session.
func (e *HTTPError) Say(who, code, words string) string {
	var b strings.Builder
	b.WriteString(e.Answered(who))
	if code != "" {
		b.WriteString(" (" + code + ")")
	}
	switch {
	case words != "":
		b.WriteString(": " + words)
	case e.Body != "":
		b.WriteString(": " + e.Body)
	}
	b.WriteString(e.RenewedNote())
	return b.String()
}

// HTTPStatus is the status answered; Unavailable uses it.
func (e *HTTPError) HTTPStatus() int { return e.Status }

// RenewedNote is what a message adds when the refusal came after a renewed session.
func (e *HTTPError) RenewedNote() string {
	if !e.Renewed {
		return ""
	}
	return " (the session had expired and was renewed once; the manager refused the request again)"
}

// BugError is a panic the session layer caught in a goroutine it started or in a login or
// read it shares: the provider has a bug there. It is an error of that call only: a login
// it interrupted counts as no refusal, and nothing is cached from it.
type BugError struct {
	Where string
	Panic string
}

func (e *BugError) Error() string {
	return fmt.Sprintf("the provider has a bug: %s stopped with a panic (%s); please report this message", e.Where, e.Panic)
}

// recovered turns a panic of the function it is deferred in into a *BugError in *err.
func recovered(where string, err *error) {
	if p := recover(); p != nil {
		*err = &BugError{Where: where, Panic: Truncate(fmt.Sprint(p), 512)}
	}
}
