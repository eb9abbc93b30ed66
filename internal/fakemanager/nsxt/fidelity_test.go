package nsxt_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// goText is what only a Go program would say: its decoder's words and type names.
var goText = regexp.MustCompile(`json:|Go (struct|value)|unmarshal|int64|float64|\bstruct\b|map\[|apiServiceWrite|bindingWrite|userWrite|reflect|encoding/`)

// withJSON is auth with the JSON content type.
func withJSON(auth http.Header) http.Header {
	h := auth.Clone()
	h.Set("Content-Type", "application/json")
	return h
}

// Whatever a client sends wrong, the refusal is NSX's envelope in plain words naming the
// field and what it must be; every refused write is counted.
func TestRefusalsSayWhatIsWrongInPlainWords(t *testing.T) {
	t.Parallel()
	w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	_, auth := w.login(w.base, w.h.Password)
	cases := []struct {
		method, path, body, want string
		status                   int
	}{
		{"PUT", "/api/v1/cluster/api-service", `Error`, "not valid JSON", 400},
		{"PUT", "/api/v1/cluster/api-service", `{"session_timeout": "long"}`, "Field session_timeout must be a whole number, not a string.", 400},
		{"PUT", "/api/v1/cluster/api-service", `{"no_such_field": 1}`, "no_such_field", 400},
		{"PUT", "/api/v1/cluster/api-service", `{"_revision": "soon"}`, "Field _revision must be a whole number, not a string.", 400},
		{"PUT", fakensxt.AuthPolicyPath, `[1, 2]`, "", 400},
		{"PUT", "/api/v1/node/services/ntp", `{"service_properties": {"servers": "ntp1"}}`, "servers", 400},
		{"POST", "/policy/api/v1/aaa/role-bindings", `{"name": 7}`, "Field name must be a string, not a number.", 400},
		{"PUT", "/api/v1/node/users/10002", `{"full_name": ["x"]}`, "Field full_name must be a string, not a list.", 400},
		{"PUT", "/api/v1/no/such/object", `{}`, "could not be found", 404},
	}
	for _, tc := range cases {
		resp, body := w.do(tc.method, w.base, tc.path, withJSON(auth), tc.body)
		var e struct {
			Message string `json:"error_message"`
			Code    int    `json:"error_code"`
		}
		if resp.StatusCode != tc.status || json.Unmarshal([]byte(body), &e) != nil || e.Code == 0 || e.Message == "" {
			t.Errorf("%s %s %s: want HTTP %d with NSX's error document, got %d %s", tc.method, tc.path, tc.body, tc.status, resp.StatusCode, body)
			continue
		}
		if goText.MatchString(e.Message) || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%s %s %s: want plain words with %q, got %q", tc.method, tc.path, tc.body, tc.want, e.Message)
		}
	}
	if got := w.h.Stats(t)["rejected_writes"]; got != int64(len(cases)) {
		t.Errorf("%d writes refused, rejected_writes counts %d", len(cases), got)
	}
}

// A `_revision` sent as a numeric string is read as its number (the likelier reading of NSX's
// Java binding; not documented), then compared: the current one is taken, a stale one gets
// NSX's 412 document, on every object that carries one.
func TestRevisionAsNumericString(t *testing.T) {
	t.Parallel()
	w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	_, auth := w.login(w.base, w.h.Password)
	resp, body := w.do(http.MethodPost, w.base, "/policy/api/v1/aaa/role-bindings", withJSON(auth),
		`{"name": "jdoe@corp.example.com", "type": "remote_user", "identity_source_type": "LDAP", "roles_for_paths": [{"path": "/", "roles": [{"role": "auditor"}]}]}`)
	var created struct {
		ID string `json:"id"`
	}
	if resp.StatusCode != 201 && resp.StatusCode != 200 || json.Unmarshal([]byte(body), &created) != nil || created.ID == "" {
		t.Fatalf("creating a binding: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/api/v1/cluster/api-service", fakensxt.TelemetryPath, fakensxt.GlobalConfigPath, "/policy/api/v1/aaa/role-bindings/" + created.ID} {
		resp, body := w.do(http.MethodGet, w.base, path, auth, "")
		var obj map[string]any
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &obj) != nil {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		rev := int64(obj["_revision"].(float64))
		obj["_revision"] = jsonInt(rev + 7) // stale, as a string
		stale, _ := json.Marshal(obj)
		resp, body = w.do(http.MethodPut, w.base, path, withJSON(auth), string(stale))
		wantCode(t, resp, body, http.StatusPreconditionFailed, 500087)
		obj["_revision"] = jsonInt(rev) // the current one, as a string
		current, _ := json.Marshal(obj)
		if resp, body = w.do(http.MethodPut, w.base, path, withJSON(auth), string(current)); resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT %s with the current _revision as a string: %d %s", path, resp.StatusCode, body)
		}
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The SSH service's notify_mpa actions (the SDK's ssh NotifyMpaClient) and every service
// action answer NodeServiceStatusProperties; the HTTP service answers
// NodeHttpServiceProperties whole, the API service's settings and the certificate included,
// and takes back what it answered.
func TestNodeServiceActionsAndHTTPServiceWhole(t *testing.T) {
	t.Parallel()
	w := newWireWith(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release90})
	_, auth := w.login(w.base, w.h.Password)
	resp, body := w.do(http.MethodPost, w.base, "/api/v1/node/services/ssh/notify_mpa?action=stop", auth, "")
	var st map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &st) != nil || st["runtime_state"] != "stopped" || st["_schema"] != "NodeServiceStatusProperties" ||
		st["monitor_runtime_state"] == nil || st["health"] == nil {
		t.Fatalf("notify_mpa stop: %d %s", resp.StatusCode, body)
	}
	if resp, body = w.do(http.MethodPost, w.base, "/api/v1/node/services/ssh/notify_mpa?action=explode", auth, ""); resp.StatusCode != 400 {
		t.Fatalf("an unknown action: %d %s", resp.StatusCode, body)
	}
	if resp, _ = w.do(http.MethodPost, w.base, "/api/v1/node/services/ntp/notify_mpa?action=stop", auth, ""); resp.StatusCode != 404 {
		t.Fatalf("notify_mpa exists for SSH only, NTP answered %d", resp.StatusCode)
	}
	resp, body = w.do(http.MethodGet, w.base, "/api/v1/node/services/http", auth, "")
	var svc struct {
		Schema string         `json:"_schema"`
		Props  map[string]any `json:"service_properties"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &svc) != nil || svc.Schema != "NodeHttpServiceProperties" {
		t.Fatalf("GET http: %d %s", resp.StatusCode, body)
	}
	cert, _ := svc.Props["certificate"].(map[string]any)
	if svc.Props["session_timeout"] != float64(w.h.Config().SessionTimeout) || svc.Props["cipher_suites"] == nil || svc.Props["logging_level"] != "INFO" ||
		cert == nil || !strings.Contains(cert["pem_encoded"].(string), "BEGIN CERTIFICATE") || svc.Props["package_logging_level"] != nil {
		t.Fatalf("the HTTP service is not NodeHttpServiceProperties whole: %v", svc.Props)
	}
	svc.Props["logging_level"] = "WARN"
	back, _ := json.Marshal(map[string]any{"service_name": "http", "service_properties": svc.Props})
	resp, body = w.do(http.MethodPut, w.base, "/api/v1/node/services/http", withJSON(auth), string(back))
	svc.Props = nil
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &svc) != nil || svc.Props["logging_level"] != "WARN" || svc.Props["certificate"] == nil {
		t.Fatalf("PUT of the HTTP service as read: %d %s", resp.StatusCode, body)
	}
}
