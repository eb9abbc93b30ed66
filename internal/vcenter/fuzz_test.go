package vcenter

import (
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func FuzzDecodeError(f *testing.F) {
	fakeharness.FuzzDecoder(f, 401, "application/json", "GET /api/cis/tagging/tag", []string{
		`{"error_type":"UNAUTHENTICATED","messages":[{"args":[],"default_message":"Authentication required.","id":"com.vmware.vapi.endpoint.method.authentication.required"}]}`,
		`{"error_type":"NOT_FOUND","messages":[{"default_message":"\u001b]0;x\u0007"}]}`, `{"messages":null}`, `[]`, `<html/>`,
	}, func(r *session.Response) error { return DecodeError(r) }, 16<<10)
}
