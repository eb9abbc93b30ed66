package nsxt_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// What NSX answers for these refusals is not documented (UNCONFIRMED): the provider matches
// each on either reading, the code the fake answers or NSX's words, and each reading is
// tested here on its own.
func TestUnconfirmedRefusalsReadBothWays(t *testing.T) {
	t.Parallel()
	apiErr := func(status, code int, msg string) error {
		return &nsxt.APIError{HTTPError: session.HTTPError{Status: status}, Code: code, Message: msg}
	}
	for _, tc := range []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"protected: the fake's code alone", apiErr(http.StatusBadRequest, 289, "Refused."), nsxt.ErrProtected, true},
		{"protected: NSX's words alone (allowOverwrite)", apiErr(http.StatusBadRequest, 500030, "Set allowOverwrite to change it."), nsxt.ErrProtected, true},
		{"protected: NSX's words alone (owner)", apiErr(http.StatusBadRequest, 500030, "Principal 'x' doesn't own the object."), nsxt.ErrProtected, true},
		{"protected: neither", apiErr(http.StatusBadRequest, 255, "Invalid value."), nsxt.ErrProtected, false},
		{"password policy: the fake's code alone", apiErr(http.StatusBadRequest, 290, "Refused."), nsxt.ErrPasswordRefused, true},
		{"password policy: NSX's words alone", apiErr(http.StatusBadRequest, 255, "The specified password does not meet the complexity requirements."), nsxt.ErrPasswordRefused, true},
		{"password policy: not a 400", apiErr(http.StatusForbidden, 290, "password"), nsxt.ErrPasswordRefused, false},
		{"old password: as the fake words it", apiErr(http.StatusBadRequest, 255, "The old password for user ops is incorrect."), nsxt.ErrOldPasswordRefused, true},
		{"old password: by the field's name", apiErr(http.StatusBadRequest, 255, "Field old_password is required when password is specified."), nsxt.ErrOldPasswordRefused, true},
		{"old password is not the policy", apiErr(http.StatusBadRequest, 255, "The old password for user ops is incorrect."), nsxt.ErrPasswordRefused, false},
	} {
		if got := errors.Is(tc.err, tc.target); got != tc.want {
			t.Errorf("%s: errors.Is = %v, want %v", tc.name, got, tc.want)
		}
	}
}
