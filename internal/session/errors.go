package session

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// TransportError is a request that never got an HTTP answer. Its message says what kind of
// failure it was and what the user can do about it.
type TransportError struct {
	Block string
	Host  string
	Err   error
	// Abandoned: the caller's context ended (a deadline of the operation, an interrupt), not
	// the request's own request_timeout.
	Abandoned bool
}

func (e *TransportError) Unwrap() error { return e.Err }

func (e *TransportError) Error() string {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		certInvalid      x509.CertificateInvalidError
		tlsVerify        *tls.CertificateVerificationError
		dnsErr           *net.DNSError
		netErr           net.Error
	)
	var cut *CutOffError
	switch {
	case errors.As(e.Err, &cut):
		return fmt.Sprintf("the answer of the %s manager at %s to %s was cut off: %v", e.Block, e.Host, cut.Request, cut)
	case errors.As(e.Err, &unknownAuthority) || (errors.As(e.Err, &tlsVerify) && errors.As(tlsVerify.Err, &unknownAuthority)):
		return fmt.Sprintf("the certificate of the %s manager at %s is not signed by a trusted authority; set ca_file or ca_pem in the %s block to the CA that signed it (or insecure = true for a lab): %v", e.Block, e.Host, e.Block, e.Err)
	case errors.As(e.Err, &hostname):
		return fmt.Sprintf("the certificate of the %s manager at %s does not name that host (%v); use an address the certificate names in the %s block", e.Block, e.Host, hostname.Error(), e.Block)
	case errors.As(e.Err, &certInvalid):
		return fmt.Sprintf("the certificate of the %s manager at %s is invalid: %v", e.Block, e.Host, certInvalid.Error())
	case errors.As(e.Err, &dnsErr):
		return fmt.Sprintf("the name of the %s manager %s could not be resolved: %v", e.Block, e.Host, dnsErr.Error())
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return fmt.Sprintf("the %s manager at %s refused the connection; check the address and port in the %s block and that the manager's API service is running", e.Block, e.Host, e.Block)
	case e.Abandoned:
		return fmt.Sprintf("the request to the %s manager at %s was abandoned: the operation ran out of time or was interrupted (%v)", e.Block, e.Host, e.Err)
	case errors.As(e.Err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("the %s manager at %s did not answer in time (request_timeout): %v", e.Block, e.Host, e.Err)
	}
	return fmt.Sprintf("talking to the %s manager at %s failed: %v", e.Block, e.Host, e.Err)
}

// permanentTransportError is an error a retry cannot fix: certificate problems.
func permanentTransportError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		certInvalid      x509.CertificateInvalidError
		tlsVerify        *tls.CertificateVerificationError
		dnsErr           *net.DNSError
	)
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &certInvalid) || errors.As(err, &tlsVerify)
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
