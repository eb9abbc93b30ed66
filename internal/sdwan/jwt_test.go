package sdwan_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// A JWT session: a write carries the login's csrf as X-XSRF-TOKEN (the fake checks it); a
// lapsed token is answered 401 and renewed by exactly one new login; nothing is logged out
// and no session slot is ever taken. An API key fetches its XSRF token with the key and
// writes with it.
func TestJWTAndKeyWrites(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartSDWAN(t, fakeharness.SDWANOptions{Release: fakesdwan.JWTRelease})
	ctx := context.Background()
	write := func(s *session.Client) {
		t.Helper()
		resp, err := s.Do(ctx, &session.Request{Method: http.MethodPost, Path: "/dataservice/template/policy/list", Body: []byte(`{}`),
			Header: http.Header{"Content-Type": {"application/json"}}})
		if err != nil || resp.StatusCode != http.StatusNotFound { // past the XSRF check, to the fake's "no such API"
			t.Fatalf("write: %v %v", resp, err)
		}
	}
	jwt := fakeharness.Session(t, h.Control, session.Config{Block: "sdwan", MaxRetries: 2,
		Auth: &sdwan.JWTAuth{Username: h.Username, Password: h.Password}, Secrets: []string{h.Password}})
	c := sdwan.NewClient(jwt)
	if _, err := c.Devices(ctx); err != nil {
		t.Fatal(err)
	}
	write(jwt)
	h.Fake.ExpireTokens()
	if _, err := c.Devices(ctx); err != nil {
		t.Fatal(err)
	}
	jwt.Close(ctx)
	st := h.Stats(t)
	if st["jwt_logins"] != 2 || jwt.Stats().Relogins != 1 || st["xsrf_rejected"] != 0 || st["writes"] != 1 ||
		st["logins"] != 0 || st["logouts"] != 0 || st["active_sessions"] != 0 {
		t.Fatalf("JWT: fake %v, provider %+v", st, jwt.Stats())
	}

	key := fakeharness.Session(t, h.Control, session.Config{Block: "sdwan", MaxRetries: 2,
		Auth: &sdwan.KeyAuth{Key: h.APIKey}, Secrets: []string{h.APIKey}})
	if _, err := sdwan.NewClient(key).Devices(ctx); err != nil {
		t.Fatal(err)
	}
	write(key)
	key.Close(ctx)
	if st := h.Stats(t); st["xsrf_rejected"] != 0 || st["writes"] != 2 || st["logins"] != 0 || st["active_sessions"] != 0 {
		t.Fatalf("API key: %v", st)
	}
}
