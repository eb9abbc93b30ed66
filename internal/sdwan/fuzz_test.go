package sdwan

import (
	"net/http"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`{"error":{"message":"Failed to find user","details":"No user with name x","code":"USER0001"}}`,
		`{"message":"Session expired"}`, `{"error":{"message":"\u001b[2J\u0007"}}`, `<html><body>Login</body></html>`, `{"error":null}`,
	} {
		f.Add(400, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := DecodeError(&session.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: "GET /dataservice/device"})
		fakeharness.CheckText(t, e.Error(), 8<<10)
	})
}
