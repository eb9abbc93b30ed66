package fakeharness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	fakensxv "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// NSXV is a fake NSX-v Manager started for one test and stopped when it ends.
type NSXV struct {
	*Control
	Fake     *fakensxv.Fake
	Username string
	Password string
}

// NSXVOptions shape a test's fake.
type NSXVOptions struct {
	NoTokenEndpoint bool
	TokenLifetime   time.Duration
	// Major and Minor set the version (default 6.4).
	Major, Minor int
	// Net, when set, is the in-memory network the fake listens on (see NSXTOptions.Net).
	Net *memnet.Network
}

// StartNSXV starts a fake NSX-v Manager for t.
func StartNSXV(t testing.TB, o NSXVOptions) *NSXV {
	t.Helper()
	opts := fakensxv.Options{Username: "admin", Password: "Nsx-v&Adm1n%2B+", NoTokenEndpoint: o.NoTokenEndpoint, TokenLifetime: o.TokenLifetime}
	if o.Major != 0 {
		opts.Major, opts.Minor, opts.Patch, opts.Build = o.Major, o.Minor, 5, "4818372"
	}
	c, fake := start(t, fakensxv.Start, opts, o.Net)
	return &NSXV{Control: c, Fake: fake, Username: opts.Username, Password: opts.Password}
}

// Host is the manager's address as name:port.
func (h *NSXV) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// NSXVBlock is the provider's nsxv block for this fake, trusting its CA through ca_file.
func (h *NSXV) NSXVBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("nsxv {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}

// AddCLIUser creates a user on the manager's console through POST /_fake/cli-users.
func (h *NSXV) AddCLIUser(t testing.TB, name, password string) {
	t.Helper()
	h.Call(t, http.MethodPost, "/_fake/cli-users", map[string]string{"user_id": name, "password": password}, nil)
}
