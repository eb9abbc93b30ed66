package stigcheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// A manager whose role-binding and user listings answer the given documents; every other GET
// is a 404 (a finding of its own control, not of the two looked at here).
func listingManager(t *testing.T, bindings, users string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/session/create":
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "s"})
			w.Header().Set("X-XSRF-TOKEN", "t")
		case "/api/session/destroy":
		case "/policy/api/v1/aaa/role-bindings":
			_, _ = w.Write([]byte(bindings))
		case "/api/v1/node/users":
			_, _ = w.Write([]byte(users))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func findings(r Report, id string) string { return strings.Join(r[id], "; ") }

// The VCF 9 files fail an empty listing ("No results returned."); the 4.x files, which have no
// such branch, pass it. Both fail an unknown user and an activated guest.
func TestEmptyListingsAreJudgedAsEachProfileDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	perms := map[string]string{"admin": "Enterprise Admin"}
	for _, tc := range []struct {
		name, bindings, users  string
		vcf9Fails, nsx4Fails   bool
		vcf9Words, nsx4Words   string
		vcf9UWords, nsx4UWords string
	}{
		{name: "empty", bindings: `{"results":[]}`, users: `{"results":[]}`,
			vcf9Words: "no role bindings returned", vcf9UWords: "no users returned"},
		{name: "unknown user and active guest",
			bindings:  `{"results":[{"name":"eve","roles":[{"role":"enterprise_admin","role_display_name":"Enterprise Admin"}]}]}`,
			users:     `{"results":[{"username":"guestuser1","status":"ACTIVE"}]}`,
			vcf9Words: "eve is not an authorised user", nsx4Words: "eve is not an authorised user",
			vcf9UWords: "guestuser1 is ACTIVE", nsx4UWords: "guestuser1 is ACTIVE"},
		{name: "as authorised",
			bindings: `{"results":[{"name":"admin","roles":[{"role":"enterprise_admin","role_display_name":"Enterprise Admin"}]}]}`,
			users:    `{"results":[{"username":"audit","status":"NOT_ACTIVATED"},{"username":"admin","status":"ACTIVE"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := listingManager(t, tc.bindings, tc.users)
			v, err := Run(ctx, srv.Client(), srv.URL, "admin", "pw", Inputs{AuthorizedPermissions: perms})
			if err != nil {
				t.Fatal(err)
			}
			x, err := RunNSX4(ctx, srv.Client(), srv.URL, "admin", "pw", NSX4Inputs{AuthorizedPermissions: perms})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				report    Report
				id, words string
			}{
				{v, "VCFN-9X-000010", tc.vcf9Words}, {x, "NMGR-4X-000010", tc.nsx4Words},
				{v, "VCFN-9X-000034", tc.vcf9UWords}, {x, "NMGR-4X-000035", tc.nsx4UWords},
			} {
				got := findings(c.report, c.id)
				if c.words == "" && got != "" || c.words != "" && !strings.Contains(got, c.words) {
					t.Errorf("%s: findings %q, want %q", c.id, got, c.words)
				}
				if (c.words == "") == slices.Contains(c.report.Failed(), c.id) {
					t.Errorf("%s: Failed() = %v", c.id, c.report.Failed())
				}
			}
		})
	}
}
