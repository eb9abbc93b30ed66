package illumio

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func FuzzDecodeError(f *testing.F) {
	fakeharness.FuzzDecoder(f, 406, "application/json", "GET /api/v2/orgs/1/labels", []string{
		`[{"token":"invalid_uri","message":"Invalid URI: {/orgs/1/x}"}]`, `{"error":"Authentication required"}`,
		`[{"token":"x","message":"\u001b[2J"}]`, `[]`, `null`, `<html/>`,
	}, func(r *session.Response) error { return DecodeError(r) }, 16<<10)
}

// A job Location or result href the PCE sends: followed only below /api/v2 on the configured
// PCE, and a poll wait between its floor and ceiling whatever Retry-After says.
func FuzzJobReferences(f *testing.F) {
	u, _ := url.Parse("https://pce.example:8443")
	s, err := session.New(session.Config{Block: "illumio", Nodes: []*url.URL{u}, Auth: &Auth{Username: "u", Password: "p"}})
	if err != nil {
		f.Fatal(err)
	}
	c := NewClient(s)
	for _, seed := range []string{"/orgs/1/jobs/5b1f", "https://evil.example/api/v2/orgs/1/jobs/x", "//evil.example/orgs/1", "/api/v2/../../x", "%2e%2e/orgs", "0"} {
		f.Add(seed, "5")
	}
	f.Fuzz(func(t *testing.T, ref, after string) {
		if p, err := c.apiPath(ref); err == nil {
			if !strings.HasPrefix(p, "/orgs/") && !strings.HasPrefix(p, "/users/") {
				t.Fatalf("apiPath(%q) = %q", ref, p)
			}
			if r, perr := url.Parse(ref); perr == nil && r.Host != "" && !strings.EqualFold(r.Host, u.Host) {
				t.Fatalf("apiPath(%q) followed another host", ref)
			}
		} else {
			fakeharness.CheckText(t, err.Error(), 1<<20)
		}
		if w := pollWait(http.Header{"Retry-After": {after}}, 0); w < minPoll || w > maxPoll {
			t.Fatalf("poll wait %v for Retry-After %q", w, after)
		}
	})
}
