package fakeharness

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	fakevcenter "github.com/netsession/terraform-provider-nsx/internal/fakemanager/vcenter"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// VCenter is a fake vCenter started for one test and stopped when it ends.
type VCenter struct {
	*Control
	Fake     *fakevcenter.Fake
	Username string
	Password string
}

// VCenterOptions shape a test's fake.
type VCenterOptions struct {
	Legacy bool
	Idle   time.Duration
	// Net, when set, is the in-memory network the fake listens on (see NSXTOptions.Net).
	Net *memnet.Network
}

// StartVCenter starts a fake vCenter for t.
func StartVCenter(t testing.TB, o VCenterOptions) *VCenter {
	t.Helper()
	opts := fakevcenter.Options{Username: "administrator@vsphere.local", Password: "VMw@re&Pass%2B+1", Legacy: o.Legacy, Idle: o.Idle}
	c, fake := start(t, fakevcenter.Start, opts, o.Net)
	return &VCenter{Control: c, Fake: fake, Username: opts.Username, Password: opts.Password}
}

// Host is the vCenter's address as name:port.
func (h *VCenter) Host() string { return strings.TrimPrefix(h.Server.URLs()[0], "https://") }

// URL is the vCenter's base URL.
func (h *VCenter) URL() string { return h.Server.URLs()[0] }

// VCenterBlock is the provider's vcenter block for this fake, trusting its CA through ca_file.
func (h *VCenter) VCenterBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("vcenter {\n    host     = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.Host(), h.Username, pw, h.CAFile)
}
