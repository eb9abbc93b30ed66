package sdwan

import (
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func FuzzDecodeError(f *testing.F) {
	fakeharness.FuzzDecoder(f, 400, "application/json", "GET /dataservice/device", []string{
		`{"error":{"message":"Failed to find user","details":"No user with name x","code":"USER0001"}}`,
		`{"message":"Session expired"}`, `{"error":{"message":"\u001b[2J\u0007"}}`, `<html><body>Login</body></html>`, `{"error":null}`,
	}, func(r *session.Response) error { return DecodeError(r) }, 8<<10)
}
