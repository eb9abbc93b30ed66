package nsxt_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// The api-service object is as wide as NSX 4.x's ManagedResource: a client that writes back
// the object it read, read-only fields included, is accepted (NSX ignores those on PUT);
// display_name, description and tags are stored and returned; a PUT that leaves a field out
// resets it, as the real PUT replaces the whole object.
func TestAPIServiceRoundTripsTheWholeObject(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	_, auth := w.login(w.base, w.h.Password)
	auth.Set("Content-Type", "application/json")
	get := func() map[string]any {
		_, b := w.do("GET", w.base, "/api/v1/cluster/api-service", auth, "")
		var obj map[string]any
		if err := json.Unmarshal([]byte(b), &obj); err != nil {
			t.Fatal(err)
		}
		return obj
	}
	obj := get()
	for _, k := range []string{"_links", "_schema", "_self", "_create_time", "_revision", "display_name", "resource_type", "id"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("GET lacks %s: %v", k, obj)
		}
	}
	// Written back exactly as read, with a description and tags added.
	obj["description"] = "managed by the network team"
	obj["tags"] = []map[string]any{{"scope": "owner", "tag": "netops"}, {"tag": "prod"}}
	b, _ := json.Marshal(obj)
	if r, body := w.do("PUT", w.base, "/api/v1/cluster/api-service", auth, string(b)); r.StatusCode != 200 {
		t.Fatalf("PUT of the object as read: %d %s", r.StatusCode, body)
	}
	after := get()
	if after["description"] != "managed by the network team" || len(after["tags"].([]any)) != 2 {
		t.Fatalf("description or tags not kept: %v", after)
	}
	if s := w.h.Stats(t); s["ignored_read_only_fields"] == 0 {
		t.Fatalf("read-only fields were not counted as ignored: %v", s)
	}
	if got := string(w.h.Fake.LastPut()); !strings.Contains(got, `"_create_time"`) {
		t.Fatalf("last PUT body not recorded as received: %s", got)
	}
	// A body without description and tags resets them: the PUT replaces the object.
	delete(after, "description")
	delete(after, "tags")
	b, _ = json.Marshal(after)
	if r, body := w.do("PUT", w.base, "/api/v1/cluster/api-service", auth, string(b)); r.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", r.StatusCode, body)
	}
	if again := get(); again["description"] != nil || again["tags"] != nil {
		t.Fatalf("fields left out of a PUT must return to their defaults: %v", again)
	}
}

// Told of a newer release's field, the fake knows it: stores it, returns it, and resets it
// when a PUT leaves it out. Without that option the same field is refused.
func TestAPIServiceExtraFieldsOfANewerRelease(t *testing.T) {
	t.Parallel()
	w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	_, auth := w.login(w.base, w.h.Password)
	auth.Set("Content-Type", "application/json")
	_, b := w.do("GET", w.base, "/api/v1/cluster/api-service", auth, "")
	var obj map[string]any
	_ = json.Unmarshal([]byte(b), &obj)
	obj["future_setting"] = map[string]any{"mode": "strict", "level": 3}
	body, _ := json.Marshal(obj)
	if r, out := w.do("PUT", w.base, "/api/v1/cluster/api-service", auth, string(body)); r.StatusCode != 200 || !strings.Contains(out, `"future_setting"`) {
		t.Fatalf("PUT with a known extra field: %d %s", r.StatusCode, out)
	}
	_, b = w.do("GET", w.base, "/api/v1/cluster/api-service", auth, "")
	if !strings.Contains(b, `"strict"`) {
		t.Fatalf("extra field not returned: %s", b)
	}
	_ = json.Unmarshal([]byte(b), &obj)
	delete(obj, "future_setting")
	body, _ = json.Marshal(obj)
	w.do("PUT", w.base, "/api/v1/cluster/api-service", auth, string(body))
	if _, b = w.do("GET", w.base, "/api/v1/cluster/api-service", auth, ""); strings.Contains(b, "future_setting") {
		t.Fatalf("extra field left out of a PUT must be reset: %s", b)
	}

	plain := newWire(t, 1)
	_, auth = plain.login(plain.base, plain.h.Password)
	auth.Set("Content-Type", "application/json")
	_, b = plain.do("GET", plain.base, "/api/v1/cluster/api-service", auth, "")
	_ = json.Unmarshal([]byte(b), &obj)
	obj["future_setting"] = "x"
	body, _ = json.Marshal(obj)
	r, out := plain.do("PUT", plain.base, "/api/v1/cluster/api-service", auth, string(body))
	wantCode(t, r, out, 400, 255)
	if !strings.Contains(out, "future_setting") {
		t.Fatalf("the refusal must name the field: %s", out)
	}
}

// NSX locks an account whatever the method: failed HTTP Basic calls count like failed
// session logins, and a locked account is refused by Basic too.
func TestBasicAuthFailuresCountTowardLockout(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	basic := func(pw string) int {
		req, _ := http.NewRequest("GET", w.base+"/api/v1/node/version", nil)
		req.SetBasicAuth(w.h.Username, pw)
		resp, err := w.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := basic(w.h.Password); got != 200 {
		t.Fatalf("Basic with the right password: %d", got)
	}
	for range 3 {
		basic("wrong")
	}
	for range 2 {
		w.login(w.base, "wrong")
	}
	if resp, _ := w.login(w.base, w.h.Password); resp.StatusCode != 403 {
		t.Fatalf("3 Basic and 2 form failures must lock the account; login answered %d", resp.StatusCode)
	}
	if got := basic(w.h.Password); got != 403 {
		t.Fatalf("a locked account must be refused by Basic too: %d", got)
	}
	if s := w.h.Stats(t); s["lockouts"] != 1 {
		t.Fatalf("stats: %v", s)
	}
}

// /_fake/reset puts every setting back, the injected latency and downed nodes included.
func TestResetRestoresEverySetting(t *testing.T) {
	t.Parallel()
	w := newWire(t, 3)
	// A latency no request could wait out, and a node down.
	w.h.Faults(t, fakemanagerFaults(600_000))
	w.h.Reset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", w.base+"/api/v1/node/version", nil)
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatalf("after reset the injected latency must be gone, and node 0 up: %v", err)
	}
	_ = resp.Body.Close()
}

// The Policy search API finds segments the way other NSX clients look them up.
func TestSearchQueryFindsSegments(t *testing.T) {
	t.Parallel()
	w := newWire(t, 1)
	_, auth := w.login(w.base, w.h.Password)
	search := func(q string, extra string) (int, map[string]any) {
		r, b := w.do("GET", w.base, "/policy/api/v1/search/query?query="+urlQuery(q)+extra, auth, "")
		var out map[string]any
		_ = json.Unmarshal([]byte(b), &out)
		return r.StatusCode, out
	}
	status, out := search("resource_type:Segment AND display_name:web* AND marked_for_delete:false", "")
	if status != 200 || out["result_count"] != float64(1) {
		t.Fatalf("by name prefix: %d %v", status, out)
	}
	res := out["results"].([]any)[0].(map[string]any)
	if res["id"] != "web" || res["path"] != "/infra/segments/web" {
		t.Fatalf("result: %v", res)
	}
	if _, out = search("resource_type:Segment AND id:db AND marked_for_delete:false", ""); out["result_count"] != float64(1) {
		t.Fatalf("by id: %v", out)
	}
	if _, out = search(`resource_type:Segment AND display_name:segment\-01*`, "&page_size=50"); out["result_count"] != float64(100) || out["cursor"] != "50" || len(out["results"].([]any)) != 50 {
		t.Fatalf("escaped prefix, paged: count=%v cursor=%v", out["result_count"], out["cursor"])
	}
	if _, out = search("resource_type:Segment AND display_name:nope*", ""); out["result_count"] != float64(0) {
		t.Fatalf("no match: %v", out)
	}
	if status, _ = search("resource_type:Segment OR id:web", ""); status != 400 {
		t.Fatalf("OR must be refused by this fake, got %d", status)
	}
}

func fakemanagerFaults(latencyMS int) fakemanager.Faults {
	return fakemanager.Faults{LatencyMS: &latencyMS, NodeDown: []int{0}}
}

func urlQuery(q string) string { return url.QueryEscape(q) }
