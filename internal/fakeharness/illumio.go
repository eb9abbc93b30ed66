package fakeharness

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// Illumio is a fake PCE started for one test and stopped when it ends.
type Illumio struct {
	*Control
	Fake           *fakeillumio.Fake
	Email          string
	Password       string
	APIKeyUsername string
	APIKeySecret   string
}

// IllumioOptions shape a test's fake.
type IllumioOptions struct {
	Labels       int
	Orgs         []int64
	AuthTokenTTL time.Duration
	Idle         time.Duration
	// Location is the async answer's Location form (fakeillumio.LocationRelative, the default, or fakeillumio.LocationAbsolute).
	Location string
	// Net, when set, is the in-memory network the fake listens on (see NSXTOptions.Net).
	Net *memnet.Network
}

// StartIllumio starts a fake PCE for t. Async jobs finish after 300 ms and advertise
// Retry-After: 1, so that tests do not wait the PCE's usual 5 seconds.
func StartIllumio(t testing.TB, o IllumioOptions) *Illumio {
	t.Helper()
	opts := fakeillumio.Options{Email: "ops@corp.example", Password: "Pce&Pass%2B+1", APIKeyUsername: "api_1a2b3c4d5e6f7",
		APIKeySecret: "8f0e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e", Orgs: o.Orgs, Labels: o.Labels,
		AuthTokenTTL: o.AuthTokenTTL, Idle: o.Idle, JobDelay: 300 * time.Millisecond, JobRetryAfter: 1, Location: o.Location}
	c, fake := start(t, fakeillumio.Start, opts, o.Net)
	return &Illumio{
		Control: c, Fake: fake, Email: opts.Email, Password: opts.Password,
		APIKeyUsername: opts.APIKeyUsername, APIKeySecret: opts.APIKeySecret,
	}
}

// Host is the PCE's address as name:port.
func (h *Illumio) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// SessionBlock is the provider's illumio block with a session login; extra lines go inside.
func (h *Illumio) SessionBlock(extra ...string) string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("illumio {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n    %s\n  }",
		h.Host(), h.Email, pw, h.CAFile, strings.Join(extra, "\n    "))
}

// KeyBlock is the provider's illumio block with the API key; extra lines go inside.
func (h *Illumio) KeyBlock(extra ...string) string {
	return fmt.Sprintf("illumio {\n    host             = %q\n    api_key_username = %q\n    api_key_secret   = %q\n    ca_file          = %q\n    %s\n  }",
		h.Host(), h.APIKeyUsername, h.APIKeySecret, h.CAFile, strings.Join(extra, "\n    "))
}
