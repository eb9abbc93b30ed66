package illumio_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The async answer's Location comes in the form chosen, both documented; and a client written
// against the oldest document, which requests "https://<host>/api/v2" + Location (the
// community's Go library does), finishes its label read against the default.
func TestAsyncLocationForms(t *testing.T) {
	t.Parallel()
	for _, form := range []string{fakeillumio.LocationRelative, fakeillumio.LocationAbsolute} {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Net: memnet.New(), Labels: 620, Location: form})
				base := h.Server.URLs()[0]
				get := func(u string, hdr map[string]string) (*http.Response, []byte) {
					req, _ := http.NewRequest(http.MethodGet, u, nil)
					req.SetBasicAuth(h.APIKeyUsername, h.APIKeySecret)
					for k, v := range hdr {
						req.Header.Set(k, v)
					}
					resp, err := h.HTTP.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer func() { _ = resp.Body.Close() }()
					b, _ := io.ReadAll(resp.Body)
					return resp, b
				}
				resp, _ := get(base+"/api/v2/orgs/1/labels", map[string]string{"Prefer": "respond-async"})
				loc := resp.Header.Get("Location")
				var jobURL string
				switch form {
				case fakeillumio.LocationRelative:
					if !strings.HasPrefix(loc, "/orgs/1/jobs/") {
						t.Fatalf("relative Location: %q", loc)
					}
					// As the community's library does: base + "/api/v2" + Location.
					jobURL = base + "/api/v2" + loc
				case fakeillumio.LocationAbsolute:
					if !strings.HasPrefix(loc, base+"/api/v2/orgs/1/jobs/") {
						t.Fatalf("absolute Location: %q (base %s)", loc, base)
					}
					jobURL = loc
				}
				var job struct {
					Status string `json:"status"`
					Result struct {
						Href string `json:"href"`
					} `json:"result"`
				}
				deadline := time.Now().Add(10 * time.Second)
				for job.Status != "done" {
					if time.Now().After(deadline) {
						t.Fatalf("job never done: %+v", job)
					}
					time.Sleep(200 * time.Millisecond)
					_, b := get(jobURL, nil)
					if err := json.Unmarshal(b, &job); err != nil {
						t.Fatalf("job poll: %s", b)
					}
				}
				if !strings.HasPrefix(job.Result.Href, "/orgs/1/") {
					t.Fatalf("result.href: %q", job.Result.Href)
				}
				_, b := get(base+"/api/v2"+job.Result.Href, nil)
				var labels []map[string]any
				if err := json.Unmarshal(b, &labels); err != nil || len(labels) != 620 {
					t.Fatalf("result: %d labels, %v", len(labels), err)
				}
			})
		})
	}
}
