package vcenter

import (
	"net/http"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`{"error_type":"UNAUTHENTICATED","messages":[{"args":[],"default_message":"Authentication required.","id":"com.vmware.vapi.endpoint.method.authentication.required"}]}`,
		`{"error_type":"NOT_FOUND","messages":[{"default_message":"\u001b]0;x\u0007"}]}`, `{"messages":null}`, `[]`, `<html/>`,
	} {
		f.Add(401, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := DecodeError(&session.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: "GET /api/cis/tagging/tag"})
		fakeharness.CheckText(t, e.Error(), 16<<10)
	})
}
