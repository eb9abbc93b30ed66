package nsxv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Harness is a fake NSX-v Manager started for one test and stopped when it ends.
type Harness struct {
	*fakemanager.Control
	Fake     *Fake
	Username string
	Password string
}

// HarnessOptions shape a test's fake.
type HarnessOptions struct {
	NoTokenEndpoint bool
	TokenLifetime   time.Duration
	// Major and Minor set the version (default 6.4).
	Major, Minor int
}

// StartHarness starts a fake NSX-v Manager for t.
func StartHarness(t testing.TB, o HarnessOptions) *Harness {
	t.Helper()
	ca, caFile := fakemanager.NewTestCA(t)
	opts := Options{Username: "admin", Password: "Nsx-v&Adm1n%2B+", NoTokenEndpoint: o.NoTokenEndpoint, TokenLifetime: o.TokenLifetime}
	if o.Major != 0 {
		opts.Major, opts.Minor, opts.Patch, opts.Build = o.Major, o.Minor, 5, "4818372"
	}
	fake, srv, err := Start(opts, fakemanager.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	return &Harness{
		Control: fakemanager.NewControl(t, srv, ca, caFile), Fake: fake, Username: opts.Username, Password: opts.Password,
	}
}

// Host is the manager's address as name:port.
func (h *Harness) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// NSXVBlock is the provider's nsxv block for this fake, trusting its CA through ca_file.
func (h *Harness) NSXVBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("nsxv {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}

// AddCLIUser creates a user on the manager's console through POST /_fake/cli-users.
func (h *Harness) AddCLIUser(t testing.TB, name, password string) {
	t.Helper()
	h.Call(t, http.MethodPost, "/_fake/cli-users", map[string]string{"user_id": name, "password": password}, nil)
}
