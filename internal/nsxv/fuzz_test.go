package nsxv

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NSX-v answers in XML; whatever it sends decodes without a panic into clean, bounded text.

func FuzzDecodeError(f *testing.F) {
	fakeharness.FuzzDecoder(f, 400, "application/xml", "GET /api/2.0/services/usermgmt/role/u", []string{
		`<error><details>User already has a role</details><errorCode>100</errorCode><moduleName>vsm</moduleName></error>`,
		`<error><details>&#x1b;]0;PWNED&#x7;</details></error>`, `<error><errorCode>99999999999999999999</errorCode></error>`,
		`<html/>`, ``, `<error><details><![CDATA[` + strings.Repeat("x", 3000) + `]]></details></error>`,
	}, func(r *session.Response) error { return DecodeError(r) }, 8<<10)
}

func FuzzRoleOf(f *testing.F) {
	for _, seed := range []string{
		`<accessControlEntry><role>auditor</role><resource><resourceId>globalroot-0</resourceId></resource></accessControlEntry>`,
		`<accessControlEntry><role> </role><resource><resourceId></resourceId><resourceId> dc-1 </resourceId></resource></accessControlEntry>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e AccessControlEntry
		if xml.Unmarshal(body, &e) != nil {
			return
		}
		r := RoleOf(e)
		for _, id := range r.ResourceIDs {
			if id == "" || strings.TrimSpace(id) != id {
				t.Fatalf("resource id %q kept", id)
			}
		}
	})
}
