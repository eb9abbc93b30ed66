package framework

import (
	"crypto/x509"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

var testInfo = Info{Block: "nsxt", Product: "NSX Manager", EnvHost: "NSXT_MANAGER_HOST", EnvUser: "NSXT_USERNAME",
	EnvPass: "NSXT_PASSWORD", EnvCACert: "NSXT_CA_FILE"}

func transport(err error) error {
	return &session.TransportError{Block: "nsxt", Host: "nsx.example.com", Err: err}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// Each kind of failure gets its advice once, in the provider's words: the block, the attribute
// and the variable that stand for it; a kind with no advice gets none.
func TestHintForEveryKind(t *testing.T) {
	t.Parallel()
	hint := hinter(testInfo, nil, nil)
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"untrusted CA":      {transport(x509.UnknownAuthorityError{}), []string{"set ca_file or ca_pem in the nsxt block (or NSXT_CA_FILE)", "insecure = true"}},
		"hostname mismatch": {transport(x509.HostnameError{Host: "x"}), []string{"use an address the certificate names in host in the nsxt block (or NSXT_MANAGER_HOST)"}},
		"unknown host":      {transport(&net.DNSError{Err: "no such host", Name: "nsx"}), []string{"check host in the nsxt block"}},
		"refused":           {transport(os.NewSyscallError("connect", syscall.ECONNREFUSED)), []string{"check the address and port in host in the nsxt block", "API service is running"}},
		"timeout":           {transport(timeoutErr{}), []string{"raise request_timeout"}},
		"too large":         {&session.TooLargeError{}, []string{"raise max_response_mib"}},
		"login refused":     {&session.LoginError{Block: "nsxt", Host: "h", Status: 403}, []string{"check username and password in the nsxt block (or NSXT_USERNAME / NSXT_PASSWORD)", "does not retry a refused login"}},
		"login unknown":     {&session.LoginError{Block: "nsxt", Host: "h", Unknown: true}, []string{"does not send a password whose outcome it does not know again"}},
		"wrong product":     {&session.LoginError{Block: "nsxt", Host: "h", WrongProduct: true}, []string{"it must name NSX Manager's API", "the password was not what failed"}},
		"other":             {errors.New("something else"), nil},
	} {
		got := hint(tc.err)
		if len(tc.want) == 0 && got != "" {
			t.Errorf("%s: want no advice, got %q", name, got)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in the advice, got %q", name, w, got)
			}
		}
		if strings.Contains(got, "password") && name != "login refused" && name != "login unknown" && name != "wrong product" {
			t.Errorf("%s: advice about a password for an error that is not a login's: %q", name, got)
		}
	}
}

// A refusal kept in the session cache is advised as such: the cache, not the password alone.
func TestHintForACachedRefusal(t *testing.T) {
	t.Parallel()
	got := hinter(testInfo, nil, nil)(&session.LoginError{Block: "nsxt", Host: "h", Status: 403, CachedAt: time.Unix(1_800_000_000, 0)})
	if !strings.Contains(got, "session_cache_refusal_seconds") || !strings.Contains(got, "session_cache_dir") {
		t.Fatalf("the advice does not name the cache: %q", got)
	}
}

// Where the address came from the environment, the advice names the variable, not the block.
func TestHintNamesWhereTheAddressCameFrom(t *testing.T) {
	t.Parallel()
	got := hinter(testInfo, &Settings{AddressFrom: "NSXT_MANAGER_HOST"}, nil)(transport(&net.DNSError{Err: "no such host"}))
	if got != "check the NSXT_MANAGER_HOST environment variable" {
		t.Fatalf("advice %q", got)
	}
	got = hinter(testInfo, &Settings{AddressFrom: "hosts"}, nil)(transport(&net.DNSError{Err: "no such host"}))
	if got != "check hosts in the nsxt block" {
		t.Fatalf("advice %q", got)
	}
}

// A manager's own advice, where it has some, comes first; where it has none, the kind's.
func TestHintTheManagersOwnFirst(t *testing.T) {
	t.Parallel()
	own := func(err error, _ *Settings) string {
		if strings.Contains(err.Error(), "special") {
			return "the manager's advice"
		}
		return ""
	}
	hint := hinter(testInfo, nil, own)
	if got := hint(errors.New("special")); got != "the manager's advice" {
		t.Fatalf("advice %q", got)
	}
	if got := hint(&session.TooLargeError{}); !strings.Contains(got, "max_response_mib") {
		t.Fatalf("advice %q", got)
	}
}

// EnvLine names the variables that stand in for attributes, none, one or two.
func TestEnvLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vars []string
		want string
	}{{nil, ""}, {[]string{"A"}, " (or A)"}, {[]string{"", "A"}, " (or A)"}, {[]string{"A", "B"}, " (or A / B)"}} {
		if got := EnvLine(tc.vars...); got != tc.want {
			t.Errorf("EnvLine(%q) = %q, want %q", tc.vars, got, tc.want)
		}
	}
}
