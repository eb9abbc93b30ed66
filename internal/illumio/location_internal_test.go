package illumio

import (
	"net/url"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// apiPath takes every form of job Location and result href the PCE documents, and refuses an
// absolute one that points anywhere but the configured PCE.
func TestAPIPathForms(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://pce.example:8443")
	s, err := session.New(session.Config{Block: "illumio", Nodes: []*url.URL{u}, Auth: &Auth{Username: "u", Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(s)
	for ref, want := range map[string]string{
		"/orgs/1/jobs/5b1f":                                  "/orgs/1/jobs/5b1f",
		"/api/v2/orgs/1/jobs/5b1f":                           "/orgs/1/jobs/5b1f",
		"https://pce.example:8443/api/v2/orgs/1/jobs/5b1f":   "/orgs/1/jobs/5b1f",
		"https://PCE.example:8443/api/v2/orgs/1/datafiles/9": "/orgs/1/datafiles/9",
		"/orgs/1/datafiles/9?x=1":                            "/orgs/1/datafiles/9?x=1",
	} {
		got, err := c.apiPath(ref)
		if err != nil || got != want {
			t.Errorf("apiPath(%q) = %q, %v; want %q", ref, got, err, want)
		}
	}
	for _, ref := range []string{
		"https://evil.example/api/v2/orgs/1/jobs/5b1f",
		"http://pce.example:8443/api/v2/orgs/1/jobs/5b1f",
		"https://pce.example/api/v2/orgs/1/jobs/5b1f", // port 443, not 8443
		"https://user:secret@pce.example:8443/api/v2/orgs/1/jobs/5b1f",
		"//evil.example/api/v2/orgs/1/jobs/5b1f",
		"jobs/5b1f",
		"",
		"/api/v2/../../x", // found by FuzzJobReferences: it would have left /api/v2
		"/orgs/1/jobs/%2e%2e/%2E%2E/x",
		"/orgs/1/./jobs",
	} {
		got, err := c.apiPath(ref)
		if err == nil {
			t.Errorf("apiPath(%q) = %q; want a refusal", ref, got)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("the refusal quotes userinfo: %v", err)
		}
	}
}
