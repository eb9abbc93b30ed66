package nsxt_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The fake rejects what the real manager rejects; these tests hold it to the document.

type wire struct {
	t    *testing.T
	h    *fakeharness.NSXT
	c    *http.Client
	base string
}

func newWire(t *testing.T, nodes int) *wire {
	return newWireWith(t, fakeharness.NSXTOptions{Nodes: nodes, Segments: 2500})
}

func newWireWith(t *testing.T, o fakeharness.NSXTOptions) *wire {
	h := fakeharness.StartNSXT(t, o)
	return &wire{t: t, h: h, c: h.HTTP, base: h.Server.URLs()[0]}
}

func (w *wire) do(method, base, path string, hdr http.Header, body string) (*http.Response, string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	maps.Copy(req.Header, hdr)
	return fakeharness.Send(w.t, w.c, req)
}

func (w *wire) login(base, password string) (*http.Response, http.Header) {
	w.t.Helper()
	form := url.Values{"j_username": {w.h.Username}, "j_password": {password}}.Encode()
	resp, _ := w.do(http.MethodPost, base, "/api/session/create", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, form)
	auth := http.Header{}
	for _, c := range resp.Cookies() {
		auth.Add("Cookie", c.Name+"="+c.Value)
	}
	auth.Set("X-XSRF-TOKEN", resp.Header.Get("X-XSRF-TOKEN"))
	return resp, auth
}

func wantCode(t *testing.T, resp *http.Response, body string, status, code int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("want HTTP %d, got %d: %s", status, resp.StatusCode, body)
	}
	var e struct {
		Code    int    `json:"error_code"`
		Message string `json:"error_message"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != code || e.Message == "" {
		t.Fatalf("want error_code %d with a message, got %s", code, body)
	}
}

func TestLoginAnswersCookieAndXSRF(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	resp, auth := w.login(w.base, w.h.Password)
	if resp.StatusCode != 200 || !strings.HasPrefix(auth.Get("Cookie"), "JSESSIONID=") || auth.Get("X-XSRF-TOKEN") == "" {
		t.Fatalf("login: %d cookie=%q xsrf=%q", resp.StatusCode, auth.Get("Cookie"), auth.Get("X-XSRF-TOKEN"))
	}
	// Both are needed on every call.
	r, b := w.do("GET", w.base, "/api/v1/node/version", http.Header{"Cookie": auth["Cookie"]}, "")
	wantCode(t, r, b, 403, 98)
	r, b = w.do("GET", w.base, "/api/v1/node/version", http.Header{"X-XSRF-TOKEN": auth["X-Xsrf-Token"]}, "")
	wantCode(t, r, b, 403, 403)
	if r, b = w.do("GET", w.base, "/api/v1/node/version", auth, ""); r.StatusCode != 200 || !strings.Contains(b, "product_version") {
		t.Fatalf("authenticated call: %d %s", r.StatusCode, b)
	}
	// A JSON login body is not what the document describes.
	r, _ = w.do("POST", w.base, "/api/session/create", http.Header{"Content-Type": {"application/json"}}, `{"j_username":"admin"}`)
	if r.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("JSON login accepted: %d", r.StatusCode)
	}
	// Destroyed sessions are gone at once.
	if r, _ = w.do("POST", w.base, "/api/session/destroy", auth, ""); r.StatusCode != 200 {
		t.Fatalf("destroy: %d", r.StatusCode)
	}
	r, b = w.do("GET", w.base, "/api/v1/node/version", auth, "")
	wantCode(t, r, b, 403, 403)
}

func TestSessionsAreNodeScoped(t *testing.T) {
	t.Parallel()
	w := newWire(t, 2)
	_, auth := w.login(w.base, w.h.Password)
	r, b := w.do("GET", w.h.Server.URLs()[1], "/api/v1/node/version", auth, "")
	wantCode(t, r, b, 403, 403)
	if !strings.Contains(b, "The credentials were incorrect or the account specified has been locked.") {
		t.Fatalf("want the document's message, got %s", b)
	}
}

func TestIdleSessionsExpire(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Net: memnet.New(), Idle: 300 * time.Millisecond})
		_, auth := w.login(w.base, w.h.Password)
		time.Sleep(500 * time.Millisecond)
		r, b := w.do("GET", w.base, "/api/v1/node/version", auth, "")
		wantCode(t, r, b, 403, 403)
	})
}

// Five failures lock the account on that node; a locked account answers like a wrong password.
func TestLockoutAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	w := newWire(t, 2)
	for range 5 {
		w.login(w.base, "wrong")
	}
	resp, _ := w.login(w.base, w.h.Password)
	if resp.StatusCode != 403 {
		t.Fatalf("locked account logged in: %d", resp.StatusCode)
	}
	if resp, _ = w.login(w.h.Server.URLs()[1], w.h.Password); resp.StatusCode != 200 {
		t.Fatalf("lockout is per node, but node 1 refused: %d", resp.StatusCode)
	}
	if s := w.h.Stats(t); s["lockouts"] != 1 || s["failed_logins"] != 6 {
		t.Fatalf("stats: %v", s)
	}
}

func TestAPIServiceRevisionAndValidation(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	_, auth := w.login(w.base, w.h.Password)
	auth.Set("Content-Type", "application/json")
	_, cur := w.do("GET", w.base, "/api/v1/cluster/api-service", auth, "")
	var obj map[string]any
	if err := json.Unmarshal([]byte(cur), &obj); err != nil {
		t.Fatal(err)
	}
	put := func(edit func(map[string]any)) (*http.Response, string) {
		o := map[string]any{}
		for k, v := range obj {
			if !strings.HasPrefix(k, "_") || k == "_revision" {
				o[k] = v
			}
		}
		edit(o)
		b, _ := json.Marshal(o)
		return w.do("PUT", w.base, "/api/v1/cluster/api-service", auth, string(b))
	}
	r, b := put(func(o map[string]any) { o["_revision"] = 7 })
	wantCode(t, r, b, 412, 500087)
	r, b = put(func(o map[string]any) { delete(o, "_revision") })
	wantCode(t, r, b, 412, 500087)
	for name, edit := range map[string]func(map[string]any){
		"unknown field":     func(o map[string]any) { o["session_timeout_minutes"] = 3 },
		"wrong type":        func(o map[string]any) { o["session_timeout"] = "1800" },
		"tag wrong type":    func(o map[string]any) { o["tags"] = "env=prod" },
		"unknown tag field": func(o map[string]any) { o["tags"] = []map[string]any{{"tag": "x", "colour": "red"}} },
		"id changed":        func(o map[string]any) { o["id"] = "other" },
		"out of range":      func(o map[string]any) { o["session_timeout"] = -1 },
		"bad redirect host": func(o map[string]any) { o["redirect_host"] = "not a host" },
		"unknown cipher":    func(o map[string]any) { o["cipher_suites"] = []map[string]any{{"name": "TLS_NOPE", "enabled": true}} },
		"unknown protocol":  func(o map[string]any) { o["protocol_versions"] = []map[string]any{{"name": "SSLv3", "enabled": true}} },
		"no protocol on": func(o map[string]any) {
			o["protocol_versions"] = []map[string]any{{"name": "TLSv1.1", "enabled": false}, {"name": "TLSv1.2", "enabled": false}}
		},
		"both auth off": func(o map[string]any) {
			o["basic_authentication_enabled"] = false
			o["cookie_based_authentication_enabled"] = false
		},
		"empty cipher list":  func(o map[string]any) { o["cipher_suites"] = []any{} },
		"bad immune address": func(o map[string]any) { o["lockout_immune_addresses"] = []string{"nope"} },
	} {
		r, b := put(edit)
		if r.StatusCode != 400 {
			t.Errorf("%s: want 400, got %d %s", name, r.StatusCode, b)
		}
	}
	r, b = put(func(o map[string]any) { o["session_timeout"] = 900 })
	if r.StatusCode != 200 || !strings.Contains(b, `"_revision": 1`) {
		t.Fatalf("valid PUT: %d %s", r.StatusCode, b)
	}
}

// 2,500 segments come in pages of at most 1,000, the cursor absent on the last.
func TestSegmentPaging(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	_, auth := w.login(w.base, w.h.Password)
	// Every listing takes page_size and its cursor as NSX's list APIs do, and refuses the same.
	for _, list := range []string{"/policy/api/v1/infra/segments", "/policy/api/v1/search/query?query=resource_type:Segment&",
		"/policy/api/v1/aaa/role-bindings", "/policy/api/v1/infra/tier-0s"} {
		sep := "?"
		if before, ok := strings.CutSuffix(list, "&"); ok {
			list, sep = before, "&"
		}
		for _, q := range []string{"page_size=1001", "page_size=-1", "page_size=ten", "cursor=x"} {
			r, b := w.do("GET", w.base, list+sep+q, auth, "")
			wantCode(t, r, b, 400, 255)
		}
	}
	seen, cursor, pages := 0, "", 0
	for {
		path := "/policy/api/v1/infra/segments"
		if cursor != "" {
			path += "?cursor=" + cursor
		}
		r, b := w.do("GET", w.base, path, auth, "")
		var page struct {
			Results     []json.RawMessage `json:"results"`
			Cursor      string            `json:"cursor"`
			ResultCount *int              `json:"result_count"`
		}
		if r.StatusCode != 200 || json.NewDecoder(bytes.NewReader([]byte(b))).Decode(&page) != nil {
			t.Fatalf("page: %d %s", r.StatusCode, b[:100])
		}
		if (pages == 0) != (page.ResultCount != nil) {
			t.Fatalf("result_count is set only on the first page")
		}
		pages++
		seen += len(page.Results)
		if page.Cursor == "" {
			break
		}
		cursor = page.Cursor
	}
	if seen != 2500 || pages != 3 {
		t.Fatalf("want 2500 segments in 3 pages, got %d in %d", seen, pages)
	}
}
