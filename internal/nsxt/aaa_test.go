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
