package illumio_test

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
)

// The fake rejects what the PCE rejects; these tests hold it to the document.

// client speaks HTTP/1.1, so that header names travel as written: the fake sends its own in
// lower case, and reads the client's without regard to case.
func client(h *fakeharness.Illumio) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: h.CA.Pool(), MinVersion: tls.VersionTLS12},
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{}}}
}

func TestLabelsCapTotalCountAndErrors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{Labels: 1200})
	c := client(h)
	get := func(path string, hdr map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, h.Server.URLs()[0]+path, nil)
		req.SetBasicAuth(h.APIKeyUsername, h.APIKeySecret)
		for k, v := range hdr {
			req.Header[k] = []string{v} // as written, not canonicalised
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var raw json.RawMessage
		_ = json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&raw)
		return resp, raw
	}
	resp, body := get("/api/v2/orgs/1/labels", nil)
	var labels []map[string]any
	_ = json.Unmarshal(body, &labels)
	if resp.StatusCode != 200 || len(labels) != 500 || resp.Header.Get("X-Total-Count") != "1200" {
		t.Fatalf("sync answer: %d, %d labels, total %q", resp.StatusCode, len(labels), resp.Header.Get("X-Total-Count"))
	}
	resp, body = get("/api/v2/orgs/1/labels?max_results=2000&key=env", nil)
	_ = json.Unmarshal(body, &labels)
	if len(labels) != 300 || resp.Header.Get("X-Total-Count") != "300" {
		t.Fatalf("max_results above the cap: %d labels, total %s", len(labels), resp.Header.Get("X-Total-Count"))
	}
	_, body = get("/api/v2/orgs/1/labels?max_results=2000", nil)
	_ = json.Unmarshal(body, &labels)
	if len(labels) != 500 {
		t.Fatalf("a synchronous answer held %d labels", len(labels))
	}
	// A lower-case prefer header is honoured.
	resp, _ = get("/api/v2/orgs/1/labels", map[string]string{"prefer": "respond-async"})
	if resp.StatusCode != http.StatusAccepted || !strings.HasPrefix(resp.Header.Get("Location"), "/orgs/1/jobs/") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("async: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get("/api/v2/orgs/7/labels", nil)
	var errs []map[string]string
	if resp.StatusCode != http.StatusForbidden || json.Unmarshal(body, &errs) != nil || errs[0]["token"] == "" || errs[0]["message"] == "" {
		t.Fatalf("another org: %d %s", resp.StatusCode, body)
	}
}

func TestRateLimitPerCredential(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartIllumio(t, fakeharness.IllumioOptions{})
	c := client(h)
	// Requests until the first 429, however fast this machine sends them: the bucket holds
	// 500 and refills at 500 a minute, so the 429 comes after 500 plus what refilled meanwhile.
	ok, limited := 0, 0
	start := time.Now()
	for i := 0; i < 20*fakeillumio.RatePerMinute && limited == 0; i++ {
		req, _ := http.NewRequest(http.MethodGet, h.Server.URLs()[0]+"/api/v2/product_version", nil)
		req.SetBasicAuth(h.APIKeyUsername, h.APIKeySecret)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("unexpected HTTP %d", resp.StatusCode)
		}
	}
	refilled := int(time.Since(start).Seconds()*fakeillumio.RatePerMinute/60) + 1
	if limited != 1 || ok < fakeillumio.RatePerMinute || ok > fakeillumio.RatePerMinute+refilled {
		t.Fatalf("%d answered before the first 429 (want 500 to 500+%d refilled), 429s: %d", ok, refilled, limited)
	}
	if s := h.Stats(t); s["rate_limited"] != 1 {
		t.Fatalf("stats %v", s)
	}
}
