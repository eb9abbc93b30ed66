package fakeharness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// NSXT is a fake NSX cluster started for one test and stopped when it ends.
type NSXT struct {
	*Control
	Fake     *fakensxt.Fake
	Username string
	Password string
}

// NSXTOptions shape a test's fake.
type NSXTOptions struct {
	Nodes    int
	Segments int
	Idle     time.Duration
	Password string
	// ExtraFields play a newer NSX: api-service fields it knows (Options.ExtraFields).
	ExtraFields []string
	// APIService overrides api-service settings the fake starts with (Options.APIService).
	APIService map[string]any
	// LoginLatency is how long a login takes (Options.LoginLatency).
	LoginLatency time.Duration
	// SegmentList are the segments the manager holds instead of made-up ones (Options.SegmentList).
	SegmentList []fakensxt.Segment
	// Release is the NSX release the fake plays (Options.Release).
	Release string
	// BannerWrite is where the login banner takes a write (Options.BannerWrite).
	BannerWrite string
	// OldPasswordCountsAsFailure: a wrong old_password counts towards the lockout
	// (Options.OldPasswordCountsAsFailure).
	OldPasswordCountsAsFailure bool
	// VidmForCluster: one vIDM provider for the cluster (Options.VidmForCluster).
	VidmForCluster bool
	// Infra is a hierarchical policy body the manager starts with (Options.Infra).
	Infra json.RawMessage
	// CAOrganization is the organization of the CA that issues the nodes' certificate.
	CAOrganization string
	// Net, when set, is the in-memory network the nodes listen on instead of TCP: the test
	// runs in a testing/synctest bubble, on the bubble's clock (see internal/memnet).
	Net *memnet.Network
}

// StartNSXT starts a fake NSX cluster for t.
func StartNSXT(t testing.TB, o NSXTOptions) *NSXT {
	t.Helper()
	if o.Password == "" {
		// The characters that break naive form encoding.
		o.Password = "S3cret&Pw@x%2B+1"
	}
	opts := fakensxt.Options{Username: "admin", Password: o.Password, Segments: o.Segments, Idle: o.Idle, ExtraFields: o.ExtraFields, APIService: o.APIService, LoginLatency: o.LoginLatency, SegmentList: o.SegmentList, Release: o.Release, BannerWrite: o.BannerWrite, OldPasswordCountsAsFailure: o.OldPasswordCountsAsFailure, VidmForCluster: o.VidmForCluster, Infra: o.Infra}
	c, fake := startWith(t, fakensxt.Start, opts, fakemanager.Options{Nodes: o.Nodes}, o.CAOrganization, o.Net)
	return &NSXT{Control: c, Fake: fake, Username: "admin", Password: o.Password}
}

// Hosts are the nodes' addresses as name:port.
func (h *NSXT) Hosts() []string {
	var out []string
	for _, u := range h.Server.URLs() {
		out = append(out, strings.TrimPrefix(u, "https://"))
	}
	return out
}

// NSXTBlock is the provider's nsxt block for this fake, trusting its CA through ca_file.
func (h *NSXT) NSXTBlock() string {
	hosts, _ := json.Marshal(h.Hosts())
	pw, _ := json.Marshal(h.Password)
	return fmt.Sprintf("nsxt {\n    hosts    = %s\n    username = %q\n    password = %s\n    ca_file  = %q\n  }", hosts, h.Username, pw, h.CAFile)
}

// Config returns the api-service configuration as stored.
func (h *NSXT) Config() fakensxt.APIService { return h.Fake.Config() }

// Enabled reports whether the named cipher suite or protocol is enabled in the store.
func (h *NSXT) Enabled(name string) (bool, bool) {
	c := h.Config()
	for _, t := range append(c.ProtocolVersions, c.CipherSuites...) {
		if t.Name == name {
			return t.Enabled, true
		}
	}
	return false, false
}

// OwnedByNetops is the change another team makes to the api-service object outside
// Terraform, in the fields no resource models (for ChangeOutside): a display name, a
// description, a tag, and a newer release's future_setting {"level": 3, "mode": "strict"}.
func OwnedByNetops(o map[string]any) {
	o["display_name"] = "proxy settings"
	o["description"] = "owned by netops"
	o["tags"] = []map[string]any{{"scope": "owner", "tag": "netops"}}
	o["future_setting"] = map[string]any{"mode": "strict", "level": 3}
}

// ChangeOutside changes the configuration as another administrator would, through the API:
// log in, read, PUT with the `_revision` read, log out. fn edits the decoded object.
func (h *NSXT) ChangeOutside(t testing.TB, fn func(map[string]any)) {
	t.Helper()
	base := h.Server.URLs()[len(h.Server.URLs())-1]
	form := "j_username=" + h.Username + "&j_password=" + url.QueryEscape(h.Password)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/session/create", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.HTTP.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("outside login: %v %v", err, resp)
	}
	_ = resp.Body.Close()
	cookie, xsrf := resp.Cookies()[0], resp.Header.Get("X-XSRF-TOKEN")
	send := func(method, path string, body []byte) ([]byte, int) {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.AddCookie(cookie)
		req.Header.Set("X-XSRF-TOKEN", xsrf)
		req.Header.Set("Content-Type", "application/json")
		return h.exchange(t, req)
	}
	must := func(method, path string, body []byte) []byte {
		b, status := send(method, path, body)
		if status != http.StatusOK {
			t.Fatalf("outside %s %s: %d %s", method, path, status, b)
		}
		return b
	}
	var obj map[string]any
	if err := json.Unmarshal(must(http.MethodGet, "/api/v1/cluster/api-service", nil), &obj); err != nil {
		t.Fatal(err)
	}
	// Written back as read, read-only fields included: NSX ignores those on PUT.
	fn(obj)
	b, _ := json.Marshal(obj)
	must(http.MethodPut, "/api/v1/cluster/api-service", b)
	// When the write restarts the API service the session is gone already.
	send(http.MethodPost, "/api/session/destroy", nil)
}

// LoginOutside tries a session login on node as user, as someone else would, and returns the
// status NSX answered (a session it opens is logged out).
func (h *NSXT) LoginOutside(t testing.TB, node int, user, password string) int {
	t.Helper()
	base := h.Server.URLs()[node]
	form := url.Values{"j_username": {user}, "j_password": {password}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/session/create", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		out, _ := http.NewRequest(http.MethodPost, base+"/api/session/destroy", nil)
		for _, c := range resp.Cookies() {
			out.AddCookie(c)
		}
		out.Header.Set("X-XSRF-TOKEN", resp.Header.Get("X-XSRF-TOKEN"))
		if r, err := h.HTTP.Do(out); err == nil {
			_ = r.Body.Close()
		}
	}
	return resp.StatusCode
}

// CallAs sends an API request as the admin user, with HTTP Basic (no session), and decodes
// the answer into out (nil: none).
func (h *NSXT) CallAs(t testing.TB, method, path string, out any) {
	t.Helper()
	h.sendAs(t, method, path, nil, out)
}

// DeleteOutside deletes path as another administrator would.
func (h *NSXT) DeleteOutside(t testing.TB, path string) {
	t.Helper()
	h.sendAs(t, http.MethodDelete, path, nil, nil)
}

func (h *NSXT) sendAs(t testing.TB, method, path string, in, out any) {
	t.Helper()
	h.call(t, method, path, in, out, func(req *http.Request) {
		req.SetBasicAuth(h.Username, h.Password)
		req.Header.Set("Content-Type", "application/json")
	})
}

// PatchInfra sends a hierarchical policy body (PATCH /policy/api/v1/infra) as the admin user,
// as a network team's tool builds its gateways.
func (h *NSXT) PatchInfra(t testing.TB, body string) {
	t.Helper()
	h.sendAs(t, http.MethodPatch, "/policy/api/v1/infra", json.RawMessage(body), nil)
}

// listener is the fake's Options.Listener for a network (nil: TCP).
func listener(n *memnet.Network) func(string) (net.Listener, error) {
	if n == nil {
		return nil
	}
	return n.Listen
}
