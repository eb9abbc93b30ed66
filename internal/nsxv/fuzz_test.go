package nsxv

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NSX-v answers in XML; whatever it sends decodes without a panic into clean, bounded text.

func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`<error><details>User already has a role</details><errorCode>100</errorCode><moduleName>vsm</moduleName></error>`,
		`<error><details>&#x1b;]0;PWNED&#x7;</details></error>`, `<error><errorCode>99999999999999999999</errorCode></error>`,
		`<html/>`, ``, `<error><details><![CDATA[` + strings.Repeat("x", 3000) + `]]></details></error>`,
	} {
		f.Add(400, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := DecodeError(&session.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/xml"}}, Body: body, Request: "GET /api/2.0/services/usermgmt/role/u"})
		fakeharness.CheckText(t, e.Error(), 8<<10)
	})
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
