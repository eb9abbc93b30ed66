package vcenter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The fake answers as the document and PROTOCOLS.md say vCenter does.

func do(t *testing.T, h *fakeharness.VCenter, method, path, session string, basic bool) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, h.URL()+path, nil)
	if basic {
		req.SetBasicAuth(h.Username, h.Password)
	}
	if session != "" {
		req.Header.Set("vmware-api-session-id", session)
	}
	resp, err := h.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSessionsAndErrorShapes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{Net: memnet.New(), Idle: 300 * time.Millisecond})
		status, body := do(t, h, http.MethodPost, "/api/session", "", true)
		var token string
		if status != http.StatusCreated || json.Unmarshal([]byte(body), &token) != nil || token == "" {
			t.Fatalf("POST /api/session: %d %s", status, body)
		}
		status, body = do(t, h, http.MethodPost, "/rest/com/vmware/cis/session", "", true)
		var legacy struct{ Value string }
		if status != http.StatusOK || json.Unmarshal([]byte(body), &legacy) != nil || legacy.Value == "" {
			t.Fatalf("legacy POST: %d %s", status, body)
		}
		if status, _ := do(t, h, http.MethodGet, "/api/appliance/system/version", token, false); status != http.StatusOK {
			t.Fatalf("version with a session: %d", status)
		}
		status, body = do(t, h, http.MethodGet, "/api/appliance/system/version", "", false)
		if status != http.StatusUnauthorized || !strings.Contains(body, `"error_type":"UNAUTHENTICATED"`) || !strings.Contains(body, `"default_message":"Authentication required."`) {
			t.Fatalf("/api 401: %d %s", status, body)
		}
		status, body = do(t, h, http.MethodGet, "/rest/appliance/system/version", "", false)
		if status != http.StatusUnauthorized || !strings.Contains(body, `"type":"com.vmware.vapi.std.errors.unauthenticated"`) {
			t.Fatalf("/rest 401: %d %s", status, body)
		}
		time.Sleep(400 * time.Millisecond)
		if status, _ := do(t, h, http.MethodGet, "/api/cis/tagging/tag", token, false); status != http.StatusUnauthorized {
			t.Fatalf("idle session still accepted: %d", status)
		}
		if status, _ := do(t, h, http.MethodDelete, "/rest/com/vmware/cis/session", legacy.Value, false); status != http.StatusUnauthorized {
			t.Fatalf("idle legacy session deleted: %d", status)
		}
	})
}

func TestOldVCenterHasNoAPI(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartVCenter(t, fakeharness.VCenterOptions{Legacy: true})
	if status, _ := do(t, h, http.MethodPost, "/api/session", "", true); status != http.StatusNotFound {
		t.Fatalf("POST /api/session on an old vCenter: %d", status)
	}
	_, body := do(t, h, http.MethodPost, "/rest/com/vmware/cis/session", "", true)
	var legacy struct{ Value string }
	_ = json.Unmarshal([]byte(body), &legacy)
	status, body := do(t, h, http.MethodGet, "/rest/com/vmware/cis/tagging/category", legacy.Value, false)
	var ids struct{ Value []string }
	if status != http.StatusOK || json.Unmarshal([]byte(body), &ids) != nil || len(ids.Value) != 2 {
		t.Fatalf("legacy categories: %d %s", status, body)
	}
	status, body = do(t, h, http.MethodGet, "/rest/com/vmware/cis/tagging/category/id:"+ids.Value[0], legacy.Value, false)
	if status != http.StatusOK || !strings.Contains(body, `"cardinality"`) {
		t.Fatalf("legacy category: %d %s", status, body)
	}
	if status, _ := do(t, h, http.MethodDelete, "/rest/com/vmware/cis/session", legacy.Value, false); status != http.StatusOK {
		t.Fatalf("legacy DELETE: %d", status)
	}
	if s := h.Stats(t); s["logins"] != 1 || s["logouts"] != 1 || s["active_sessions"] != 0 {
		t.Fatalf("stats %v", s)
	}
}
