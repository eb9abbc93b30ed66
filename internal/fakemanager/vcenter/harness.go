package vcenter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Harness is a fake vCenter started for one test and stopped when it ends.
type Harness struct {
	*fakemanager.Control
	Fake     *Fake
	Username string
	Password string
}

// HarnessOptions shape a test's fake.
type HarnessOptions struct {
	Legacy bool
	Idle   time.Duration
}

// StartHarness starts a fake vCenter for t.
func StartHarness(t testing.TB, o HarnessOptions) *Harness {
	t.Helper()
	ca, caFile := fakemanager.NewTestCA(t)
	opts := Options{Username: "administrator@vsphere.local", Password: "VMw@re&Pass%2B+1", Legacy: o.Legacy, Idle: o.Idle}
	fake, srv, err := Start(opts, fakemanager.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	return &Harness{
		Control: fakemanager.NewControl(t, srv, ca, caFile), Fake: fake, Username: opts.Username, Password: opts.Password,
	}
}

// Host is the vCenter's address as name:port.
func (h *Harness) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// URL is the vCenter's base URL.
func (h *Harness) URL() string { return h.Server.URLs()[0] }

// VCenterBlock is the provider's vcenter block for this fake, trusting its CA through ca_file.
func (h *Harness) VCenterBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("vcenter {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}
