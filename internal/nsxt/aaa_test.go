package nsxt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
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
