package nsxv_test

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// The fake rejects what NSX-v rejects; these tests hold it to the document.

// wire sends raw requests to a fake started for t (h.HTTP trusts its CA).
type wire struct {
	t *testing.T
	h *fakeharness.NSXV
}

func newWire(t *testing.T, o fakeharness.NSXVOptions) *wire {
	return &wire{t: t, h: fakeharness.StartNSXV(t, o)}
}

func (w *wire) do(method, path, auth, contentType, body string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.h.Server.URLs()[0]+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, body := fakeharness.Send(w.t, w.h.HTTP, req)
	return resp.StatusCode, body
}

func basic(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "https://x", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

func (w *wire) token(user, pass string) (int, string) {
	w.t.Helper()
	status, body := w.do(http.MethodPost, "/api/2.0/services/auth/token", basic(user, pass), "", "")
	var tok struct {
		Value string `xml:"value"`
	}
	_ = xml.Unmarshal([]byte(body), &tok)
	return status, tok.Value
}

func wantError(t *testing.T, status int, body string, wantStatus, code int, detail string) {
	t.Helper()
	var e struct {
		XMLName xml.Name `xml:"error"`
		Details string   `xml:"details"`
		Code    int      `xml:"errorCode"`
		Module  string   `xml:"moduleName"`
	}
	if status != wantStatus || xml.Unmarshal([]byte(body), &e) != nil || e.Code != code || e.Module == "" || !strings.Contains(e.Details, detail) {
		t.Fatalf("want HTTP %d errorCode %d %q, got %d %s", wantStatus, code, detail, status, body)
	}
}

const roleURL = "/api/2.0/services/usermgmt/role/"

func TestTokenAndBasic(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWire(t, fakeharness.NSXVOptions{Net: memnet.New(), TokenLifetime: 300 * time.Millisecond})
		status, tok := w.token(w.h.Username, w.h.Password)
		if status != http.StatusOK || strings.Count(tok, ".") != 2 {
			t.Fatalf("token: %d %q", status, tok)
		}
		if status, body := w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", "AUTHTOKEN "+tok, "", ""); status != http.StatusOK || !strings.Contains(body, "<majorVersion>6</majorVersion>") {
			t.Fatalf("global info with token: %d %s", status, body)
		}
		time.Sleep(400 * time.Millisecond)
		status, body := w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", "AUTHTOKEN "+tok, "", "")
		wantError(t, status, body, http.StatusForbidden, 1, "expired")
		if status, _ := w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", basic(w.h.Username, w.h.Password), "", ""); status != http.StatusOK {
			t.Fatalf("Basic refused: %d", status)
		}
		status, body = w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", basic(w.h.Username, "wrong"), "", "")
		wantError(t, status, body, http.StatusForbidden, 1, "Authentication failed")
		// The console user api exists but has no role: the document's 403.
		status, _ = w.token("api", "Api&Pass-123")
		if status != http.StatusForbidden {
			t.Fatalf("a user without a role got a token: %d", status)
		}
		status, body = w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", basic("api", "Api&Pass-123"), "", "")
		wantError(t, status, body, http.StatusForbidden, 125023, "VC user does not have any role on NSX Manager")
		if s := w.h.Stats(t); s["logins"] != 1 || s["failed_logins"] != 2 {
			t.Fatalf("stats %v", s)
		}

		old := newWire(t, fakeharness.NSXVOptions{NoTokenEndpoint: true})
		if status, _ := old.token(old.h.Username, old.h.Password); status != http.StatusNotFound {
			t.Fatalf("a 6.3 manager answered the token endpoint: %d", status)
		}
	})
}

func TestRoleRules(t *testing.T) {
	t.Parallel()
	w := newWire(t, fakeharness.NSXVOptions{})
	admin := basic(w.h.Username, w.h.Password)
	xmlCT := "application/xml"
	body := func(role, ids string) string {
		if ids == "" {
			return "<accessControlEntry><role>" + role + "</role></accessControlEntry>"
		}
		return "<accessControlEntry><role>" + role + "</role><resource><resourceId>" + ids + "</resourceId></resource></accessControlEntry>"
	}
	// Console users only, lower case only.
	var buf bytes.Buffer
	buf.WriteString(`{"user_id": "Api2"}`)
	req, _ := http.NewRequest(http.MethodPost, w.h.Server.URLs()[0]+"/_fake/cli-users", &buf)
	if resp, err := w.h.HTTP.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("console accepted an upper-case user: %v %v", err, resp)
	}
	status, b := w.do(http.MethodPost, roleURL+"nobody?isCli=true", admin, xmlCT, body("auditor", "globalroot-0"))
	wantError(t, status, b, http.StatusNotFound, 202, "nobody could not be found")
	// The document's media type rule.
	status, b = w.do(http.MethodPost, roleURL+"api?isCli=true", admin, "", body("auditor", "globalroot-0"))
	wantError(t, status, b, http.StatusUnsupportedMediaType, 300, "Unsupported Media Type")
	// Without isCli the user is looked for among vCenter users.
	status, b = w.do(http.MethodPost, roleURL+"api", admin, xmlCT, body("auditor", "globalroot-0"))
	wantError(t, status, b, http.StatusNotFound, 202, "could not be found")
	// Scope only for auditor and security_admin, and required there.
	status, b = w.do(http.MethodPost, roleURL+"api?isCli=true", admin, xmlCT, body("super_user", "globalroot-0"))
	wantError(t, status, b, http.StatusBadRequest, 300, "scope is accepted only for auditor and security_admin")
	status, b = w.do(http.MethodPost, roleURL+"api?isCli=true", admin, xmlCT, body("auditor", ""))
	wantError(t, status, b, http.StatusBadRequest, 300, "needs a resource scope")
	status, b = w.do(http.MethodPost, roleURL+"api?isCli=true", admin, xmlCT, body("vshield_admin", ""))
	wantError(t, status, b, http.StatusBadRequest, 300, "cannot be assigned to a CLI user")
	// 204 on create; 400 (203) the second time.
	if status, b := w.do(http.MethodPost, roleURL+"api?isCli=true", admin, xmlCT, body("auditor", "globalroot-0")); status != http.StatusNoContent || b != "" {
		t.Fatalf("create: %d %q", status, b)
	}
	status, b = w.do(http.MethodPost, roleURL+"api?isCli=true", admin, xmlCT, body("auditor", "globalroot-0"))
	wantError(t, status, b, http.StatusBadRequest, 203, "already has a role")
	// An auditor cannot manage roles.
	_, tok := w.token("api", "Api&Pass-123")
	status, b = w.do(http.MethodPut, roleURL+"admin?isCli=true", "AUTHTOKEN "+tok, xmlCT, body("auditor", "globalroot-0"))
	wantError(t, status, b, http.StatusForbidden, 125023, "does not have permission")
	// PUT answers 200 with the entry; the change ends the user's sessions.
	status, b = w.do(http.MethodPut, roleURL+"api?isCli=true", admin, xmlCT, body("security_admin", "edge-1"))
	if status != http.StatusOK || !strings.Contains(b, "<role>security_admin</role><resource><resourceId>edge-1</resourceId></resource>") {
		t.Fatalf("update: %d %s", status, b)
	}
	if status, _ := w.do(http.MethodGet, "/api/1.0/appliance-management/global/info", "AUTHTOKEN "+tok, "", ""); status != http.StatusForbidden {
		t.Fatalf("the changed user's token still works: %d", status)
	}
	// Local users keep their role.
	status, b = w.do(http.MethodDelete, roleURL+"api?isCli=true", admin, "", "")
	wantError(t, status, b, http.StatusBadRequest, 209, "cannot be deleted")
	if status, b := w.do(http.MethodGet, roleURL+"api", admin, "", ""); status != http.StatusOK || !strings.Contains(b, "security_admin") {
		t.Fatalf("get: %d %s", status, b)
	}
}
