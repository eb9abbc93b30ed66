package fakeharness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// SDWAN is a fake SD-WAN Manager started for one test and stopped when it ends.
type SDWAN struct {
	*Control
	Fake     *fakesdwan.Fake
	Username string
	Password string
	// APIKey is the user's API key (on a release that has them).
	APIKey string
}

// SDWANOptions shape a test's fake.
type SDWANOptions struct {
	Idle          time.Duration
	ExpiredStatus int
	PasswordReset bool
	Devices       int
	// Release is the release the fake plays (Options.Release); from fakesdwan.JWTRelease
	// the user has an API key.
	Release string
	// Net, when set, is the in-memory network the fake listens on (see NSXTOptions.Net).
	Net *memnet.Network
}

// StartSDWAN starts a fake SD-WAN Manager for t.
func StartSDWAN(t testing.TB, o SDWANOptions) *SDWAN {
	t.Helper()
	opts := fakesdwan.Options{Username: "netops", Password: "Sd&Wan-P@ss%2B+1", Idle: o.Idle, ExpiredStatus: o.ExpiredStatus,
		PasswordReset: o.PasswordReset, Devices: o.Devices, Release: o.Release}
	key := ""
	if o.Release != "" && fakesdwan.ReleaseAtLeast(o.Release, fakesdwan.JWTRelease) {
		key = "vmk_0f3c9a1e7d5b2468ace13579bdf02468"
		opts.APIKeys = map[string]string{key: opts.Username}
	}
	c, fake := start(t, fakesdwan.Start, opts, o.Net)
	return &SDWAN{Control: c, Fake: fake, Username: opts.Username, Password: opts.Password, APIKey: key}
}

// URL is the manager's address.
func (h *SDWAN) URL() string { return h.Server.URLs()[0] }

// SDWANBlock is the provider's sdwan block for this fake, trusting its CA through ca_file.
func (h *SDWAN) SDWANBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("sdwan {\n    url      = %q\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.URL(), h.Username, pw, h.CAFile)
}

// JWTBlock is the sdwan block logging in with a JWT.
func (h *SDWAN) JWTBlock() string {
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("sdwan {\n    url      = %q\n    auth     = \"jwt\"\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", h.URL(), h.Username, pw, h.CAFile)
}

// KeyBlock is the sdwan block with the API key key.
func (h *SDWAN) KeyBlock(key string) string {
	return fmt.Sprintf("sdwan {\n    url      = %q\n    auth     = \"api_key\"\n    api_key  = %q\n    ca_file  = %q\n  }", h.URL(), key, h.CAFile)
}

// OpenBrowserSession logs in as an operator's browser would and returns the session cookie.
func (h *SDWAN) OpenBrowserSession(t testing.TB) string {
	t.Helper()
	form := url.Values{"j_username": {h.Username}, "j_password": {h.Password}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, h.URL()+"/j_security_check", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "JSESSIONID" {
			return c.Value
		}
	}
	t.Fatalf("browser login got no session: %d", resp.StatusCode)
	return ""
}
