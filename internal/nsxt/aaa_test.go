package nsxt_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NSX changes a password only with the current one; when the user is the account the client
// logs in with, the sessions it holds stay in use, and a login it needs afterwards is not
// sent with the old password: it is an error, on any node, and costs no failed login.
func TestOwnPasswordChangeNeverSendsTheOldOne(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2})
	ctx := context.Background()
	c := client(t, h)
	admin, err := c.NodeUserByName(ctx, h.Username)
	if err != nil {
		t.Fatal(err)
	}
	const next = "Rotated-Passw0rd!x"
	pw := next
	if _, err := c.UpdateNodeUser(ctx, admin, nsxt.NodeUserWrite{Password: &pw}); err == nil || !strings.Contains(err.Error(), "old_password is required") {
		t.Fatalf("a password change without the current one: %v", err)
	}
	wrong := "Not-The-Passw0rd!"
	if _, err := c.UpdateNodeUser(ctx, admin, nsxt.NodeUserWrite{Password: &pw, OldPassword: &wrong}); err == nil || !strings.Contains(err.Error(), "old password") {
		t.Fatalf("a password change with a wrong current one: %v", err)
	}
	if _, err := c.NodeUsers(ctx); err != nil {
		t.Fatalf("refused changes leave the configured password good: %v", err)
	}
	old := h.Password
	if _, err := c.UpdateNodeUser(ctx, admin, nsxt.NodeUserWrite{Password: &pw, OldPassword: &old}); err != nil {
		t.Fatal(err)
	}
	// The session held goes on.
	if _, err := c.NodeUsers(ctx); err != nil {
		t.Fatalf("the session held after the change: %v", err)
	}
	// A session that ends, and a node never logged in to: no login is sent.
	h.ExpireSessions(t)
	_, err = c.NodeUsers(ctx)
	var changed *session.CredentialsChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "the password of admin, the account it logs in with, was changed") ||
		!strings.Contains(err.Error(), "run terraform again with the new password in the nsxt block") {
		t.Fatalf("want the login refused before it is sent, got %v", err)
	}
	if _, err := c.SyslogExporters(ctx, h.Hosts()[1]); !errors.As(err, &changed) || changed.Host != h.Hosts()[1] {
		t.Fatalf("the other node: %v", err)
	}
	if s := h.Stats(t); s["logins"] != 1 || s["failed_logins"] != 0 || s["refused_old_password"] != 2 {
		t.Fatalf("want one login, no failed one, two refused changes: %v", s)
	}
	if h.LoginOutside(t, 1, h.Username, next) != 200 {
		t.Fatal("the new password does not log in")
	}
}

// Whether NSX counts a wrong old_password as a failed authentication is not documented, so the
// fake plays both readings. Under either, the provider sends a change with a wrong current
// password once and never again in the run; the refusal says which password was wrong; the
// sessions held go on; and the account is never locked by it (one failure where the fresh
// manager's api_max_auth_failures is 5).
func TestWrongOldPasswordCostsOneFailureAtMost(t *testing.T) {
	t.Parallel()
	for _, counts := range []bool{false, true} {
		t.Run(map[bool]string{false: "not counted", true: "counted as a failed authentication"}[counts], func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 2, OldPasswordCountsAsFailure: counts})
			ctx := context.Background()
			c := client(t, h)
			admin, err := c.NodeUserByName(ctx, h.Username)
			if err != nil {
				t.Fatal(err)
			}
			next, wrong := "Rotated-Passw0rd!x", "Not-The-Passw0rd!"
			_, err = c.UpdateNodeUser(ctx, admin, nsxt.NodeUserWrite{Password: &next, OldPassword: &wrong})
			if !errors.Is(err, nsxt.ErrOldPasswordRefused) {
				t.Fatalf("want the current password's refusal, got %v", err)
			}
			if _, err := c.NodeUsers(ctx); err != nil {
				t.Fatalf("the session held after the refusal: %v", err)
			}
			if _, err := c.SyslogExporters(ctx, h.Hosts()[1]); err != nil {
				t.Fatalf("a login on the other node after the refusal: %v", err)
			}
			want := map[bool]int64{false: 0, true: 1}[counts]
			if s := h.Stats(t); s["refused_old_password"] != 1 || s["old_password_failures"] != want || s["lockouts"] != 0 || s["failed_logins"] != 0 || s["logins"] != 2 {
				t.Fatalf("want one refused change (%d counted as a failure), no lockout, two good logins: %v", want, s)
			}
			if h.LoginOutside(t, 0, h.Username, h.Password) != 200 {
				t.Fatal("the account's password no longer logs in on the node that refused the change")
			}
			if !counts {
				return
			}
			// Why once matters under this reading: a client that re-sent the change would
			// lock the account on the fifth refusal.
			for range 5 {
				_, _ = c.UpdateNodeUser(ctx, admin, nsxt.NodeUserWrite{Password: &next, OldPassword: &wrong})
			}
			if s := h.Stats(t); s["lockouts"] != 1 || h.LoginOutside(t, 0, h.Username, h.Password) == 200 {
				t.Fatalf("the counted reading does not lock the account after five refusals: %v", s)
			}
		})
	}
}

// A role binding or an OIDC provider is written with the _revision NSX holds, whatever the
// caller's copy says: a write refused as stale (someone wrote between the read and the write)
// is read and sent once more; refused again, it is ErrStaleRevision and nothing more is sent.
func TestUpdatesWriteOverTheCurrentRevision(t *testing.T) {
	t.Parallel()
	h, c := started(t, fakeharness.NSXTOptions{Nodes: 1})
	ctx := t.Context()
	b, err := c.CreateRoleBinding(ctx, nsxt.RoleBinding{Name: "jdoe@corp.example.com", Type: "remote_user", IdentitySourceType: "LDAP",
		RolesForPaths: []nsxt.RolesForPath{{Path: "/", Roles: []nsxt.RoleRef{{Role: "auditor"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	stale := func(n int) {
		h.Faults(t, fakemanager.Faults{Clear: true})
		h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: http.StatusPreconditionFailed, Count: n, Method: http.MethodPut,
			PathPrefix: "/policy/api/v1/aaa/role-bindings/",
			Body:       `{"httpStatus":"PRECONDITION_FAILED","error_code":500087,"module_name":"common-services","error_message":"The object was modified by somebody else. Please retry."}`}}})
	}
	want := *b
	want.Revision = 41 // a copy older than the binding NSX holds
	want.RolesForPaths = []nsxt.RolesForPath{{Path: "/", Roles: []nsxt.RoleRef{{Role: "network_engineer"}}}}
	before := h.Stats(t)
	stale(1)
	out, err := c.UpdateRoleBinding(ctx, want)
	if err != nil || len(out.RolesForPaths) != 1 || out.RolesForPaths[0].Roles[0].Role != "network_engineer" {
		t.Fatalf("a write refused once as stale is sent again: %+v, %v", out, err)
	}
	if s := h.Stats(t); s["faults_served"]-before["faults_served"] != 1 || s["binding_writes"]-before["binding_writes"] != 1 {
		t.Fatalf("want one refused write and one written: %v", s)
	}
	before = h.Stats(t)
	stale(2)
	if _, err := c.UpdateRoleBinding(ctx, want); !errors.Is(err, nsxt.ErrStaleRevision) {
		t.Fatalf("refused twice: %v", err)
	}
	if s := h.Stats(t); s["faults_served"]-before["faults_served"] != 2 || s["binding_writes"] != before["binding_writes"] {
		t.Fatalf("want two refused writes and nothing more: %v", s)
	}
	// A read of the _revision that fails says so.
	want.ID = "no-such-binding"
	if _, err := c.UpdateRoleBinding(ctx, want); !errors.Is(err, nsxt.ErrNotFound) || !strings.Contains(err.Error(), "reading its _revision") {
		t.Fatalf("a binding that is gone: %v", err)
	}
}
