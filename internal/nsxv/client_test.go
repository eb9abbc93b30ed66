package nsxv_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The bodies of the document and of PROTOCOLS.md section 2, as NSX-v sends them.
const (
	docScoped   = `<accessControlEntry><role>auditor</role><resource><resourceId>globalroot-0</resourceId></resource></accessControlEntry>`
	docUnscoped = `<accessControlEntry><role>vshield_admin</role></accessControlEntry>`
	docGlobal   = `<globalInfo><currentLoggedInUser>admin</currentLoggedInUser><versionInfo><majorVersion>6</majorVersion><minorVersion>2</minorVersion><patchVersion>5</patchVersion><buildNumber>4818372</buildNumber></versionInfo></globalInfo>`
	docError    = `<?xml version="1.0" encoding="UTF-8"?><error><details>The requested object : datacenter-9 could not be found. Object identifiers are case sensitive.</details><errorCode>202</errorCode><moduleName>core-services</moduleName></error>`
)

func TestXMLAgainstTheDocument(t *testing.T) {
	t.Parallel()
	// What the client sends is the document's body.
	for _, c := range []struct {
		role nsxv.Role
		want string
	}{
		{nsxv.Role{Role: "auditor"}, docScoped},
		{nsxv.Role{Role: "auditor", ResourceIDs: []string{"globalroot-0"}}, docScoped},
		{nsxv.Role{Role: "vshield_admin", ResourceIDs: []string{"globalroot-0"}}, docUnscoped},
	} {
		got, err := xml.Marshal(nsxv.EntryFor(c.role))
		if err != nil || string(got) != c.want {
			t.Errorf("%+v encodes as %s, want %s (%v)", c.role, got, c.want, err)
		}
	}
	// What NSX-v answers decodes.
	var e nsxv.AccessControlEntry
	if err := xml.Unmarshal([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+docScoped), &e); err != nil {
		t.Fatal(err)
	}
	if r := nsxv.RoleOf(e); r.Role != "auditor" || len(r.ResourceIDs) != 1 || r.ResourceIDs[0] != "globalroot-0" {
		t.Fatalf("decoded %+v", r)
	}
	var g nsxv.GlobalInfo
	if err := xml.Unmarshal([]byte(docGlobal), &g); err != nil || g.VersionInfo.Version() != "6.2.5.4818372" || g.CurrentLoggedInUser != "admin" {
		t.Fatalf("global info %+v %v", g, err)
	}
	apiErr := nsxv.DecodeError(&session.Response{StatusCode: 500, Body: []byte(docError)})
	if apiErr.Code != 202 || apiErr.Module != "core-services" || !errors.Is(apiErr, nsxv.ErrNotFound) ||
		!strings.Contains(apiErr.Error(), "errorCode 202, module core-services): The requested object : datacenter-9") {
		t.Fatalf("error decoded as %+v: %v", apiErr, apiErr)
	}
	html := nsxv.DecodeError(&session.Response{StatusCode: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html><title>Bad Gateway</title></html>")})
	if !strings.Contains(html.Error(), `HTML page titled "Bad Gateway"`) {
		t.Fatalf("non-XML error: %v", html)
	}
}

func client(t *testing.T, h *fakeharness.NSXV, password string) (*nsxv.Client, *session.Client) {
	t.Helper()
	sc := fakeharness.Session(t, h.Control, session.Config{
		Block: "nsxv", MaxRetries: 2, Auth: &nsxv.Auth{Username: h.Username, Password: password},
		Secrets: []string{password},
		// Every GlobalInfo is sent: these tests count what each call carries.
		Fresh: true,
	})
	return nsxv.NewClient(sc), sc
}

// A token login, a request with it, expiry renewed once; nothing to log out.
func TestTokenSession(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	c, sc := client(t, h, h.Password)
	ctx := context.Background()
	if _, err := c.GlobalInfo(ctx); err != nil {
		t.Fatal(err)
	}
	h.ExpireSessions(t)
	g, err := c.GlobalInfo(ctx)
	if err != nil || g.CurrentLoggedInUser != "admin" {
		t.Fatalf("after expiry: %v %+v", err, g)
	}
	sc.Close(ctx)
	s := h.Stats(t)
	if s["logins"] != 2 || s["rejected_requests"] != 1 || s["logouts"] != 0 {
		t.Fatalf("fake says %v", s)
	}
	if st := sc.Stats(); st.Relogins != 1 || st.Logouts != 0 {
		t.Fatalf("session counted %+v", st)
	}
}

// Without a token endpoint the client sends Basic on every call, says so at DEBUG, and checks
// the credentials once.
func TestBasicFallback(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{NoTokenEndpoint: true})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c, _ := client(t, h, h.Password)
	for range 3 {
		if _, err := c.GlobalInfo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(logs.String(), "has no token endpoint") {
		t.Fatalf("no DEBUG line about the fallback:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), h.Password) {
		t.Fatal("the password reached the logs")
	}
	if s := h.Stats(t); s["logins"] != 0 || s["basic_requests"] != 4 {
		t.Fatalf("want 1 check and 3 calls with Basic, fake says %v", s)
	}

	bad, sc := client(t, h, "wrong")
	for i := range 3 {
		_, err := bad.GlobalInfo(ctx)
		if _, ok := errors.AsType[*session.LoginError](err); !ok {
			t.Fatalf("call %d: want a login error, got %v", i, err)
		}
	}
	if s := h.Stats(t); s["failed_logins"] != 1 || sc.Stats().FailedLogins != 1 {
		t.Fatalf("wrong Basic credentials sent more than once: %v", s)
	}
}

// What each operation of nsxv_cli_user_role costs on the wire, after the one token login:
// create is a POST and a GET (read back), read a GET, update a PUT (its answer echoes the
// role), delete a DELETE.
func TestRequestsPerOperation(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXV(t, fakeharness.NSXVOptions{})
	h.AddCLIUser(t, "ops", "Ops&Pass-1")
	c, _ := client(t, h, h.Password)
	ctx := context.Background()
	requests := func() int64 { return h.Stats(t)["requests"] }
	step := func(name string, want int64, op func() error) {
		t.Helper()
		before := requests()
		if err := op(); err != nil && !errors.Is(err, nsxv.ErrLocalRoleKept) {
			t.Fatalf("%s: %v", name, err)
		}
		if got := requests() - before; got != want {
			t.Errorf("%s took %d requests, want %d", name, got, want)
		}
	}
	step("login and create", 3, func() error {
		if err := c.CreateRole(ctx, "ops", nsxv.Role{Role: "auditor"}); err != nil {
			return err
		}
		_, err := c.GetRole(ctx, "ops")
		return err
	})
	step("read", 1, func() error { _, err := c.GetRole(ctx, "ops"); return err })
	step("update", 1, func() error {
		r, err := c.UpdateRole(ctx, "ops", nsxv.Role{Role: "security_admin", ResourceIDs: []string{"edge-1"}})
		if err == nil && (r.Role != "security_admin" || len(r.ResourceIDs) != 1) {
			err = fmt.Errorf("echo %+v", r)
		}
		return err
	})
	step("delete", 1, func() error { return c.DeleteRole(ctx, "ops") })
	if s := h.Stats(t); s["logins"] != 1 {
		t.Fatalf("want one token for the whole run, fake says %v", s)
	}
}

// NSX-v's error codes are not documented; the provider's readings survive either form an
// answer may take: a missing object by HTTP 404 without a code, or by errorCode 202 with HTTP
// 500 (as Cloud Foundry's vSphere CPI quotes NSX-v); a role already held by errorCode 203 or
// by its words alone; and no other code is read as either.
func TestNotFoundReadsBothWays(t *testing.T) {
	t.Parallel()
	doc := func(code, details string) []byte {
		return []byte(`<error><details>` + details + `</details><errorCode>` + code + `</errorCode><moduleName>core-services</moduleName></error>`)
	}
	for _, c := range []struct {
		name   string
		status int
		body   []byte
		target error
		want   bool
	}{
		{"404 without a code", 404, []byte(`<error><details>Not found</details></error>`), nsxv.ErrNotFound, true},
		{"500 with 202", 500, doc("202", "The requested object : vm-84357 could not be found."), nsxv.ErrNotFound, true},
		{"500 with 300 is not a missing object", 500, doc("300", "Requested member vm-84357 could not be found for addition to Security Group securitygroup-53."), nsxv.ErrNotFound, false},
		{"400 with 203", 400, doc("203", "Duplicate"), nsxv.ErrHasRole, true},
		{"400 by the words", 400, doc("100", "User already has a role"), nsxv.ErrHasRole, true},
		{"400 with another code and other words", 400, doc("300", "Invalid role"), nsxv.ErrHasRole, false},
	} {
		if got := errors.Is(nsxv.DecodeError(&session.Response{StatusCode: c.status, Body: c.body}), c.target); got != c.want {
			t.Errorf("%s: read as %v: %v, want %v", c.name, c.target, got, c.want)
		}
	}
}
