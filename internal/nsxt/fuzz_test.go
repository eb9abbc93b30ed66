package nsxt

import (
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The decoders of NSX's answers take anything a manager sends: no panic, and the text they
// let through is clean and bounded.

func FuzzDecodeError(f *testing.F) {
	fakeharness.FuzzDecoder(f, 400, "application/json", "GET /api/v1/x", []string{
		`{"httpStatus":"FORBIDDEN","error_code":403,"module_name":"common-services","error_message":"The credentials were incorrect or the account specified has been locked."}`,
		`{"error_code":"98","error_message":"Bad XSRF token."}`,
		`{"error_code":102,"error_message":"Client 'admin' exceeded request rate of 100 per second"}`,
		`{"error_message":"Refused\u001b]0;PWNED\u0007\u001b[2J"}`,
		`<html><title>Sign in</title></html>`, ``, `null`, `[]`, `{"error_code":1e400}`,
	}, func(r *session.Response) error { return DecodeError(r) }, 16<<10)
}

func FuzzRefusal(f *testing.F) {
	for _, seed := range []string{
		`{"error_code":102,"error_message":"Client 'admin' exceeded request rate of 0.001 per second"}`,
		`{"error_message":"Client 'admin' exceeded concurrent request limit of 40"}`,
		`{"error_message":"exceeded global concurrent request limit of 199"}`,
		`request rate of 99999999999999999999999 per second`, `{}`,
	} {
		f.Add(429, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := Refusal(status, body)
		if r.Rate < 0 || r.Concurrency < 0 {
			t.Fatalf("a negative limit: %+v", r)
		}
	})
}

// A settings object as any manager may answer it: read at any path, and written over with a
// change, without a panic; a write keeps what it does not change.
func FuzzSettingsDocument(f *testing.F) {
	for _, seed := range []string{
		`{"_revision":3,"session_timeout":1800,"protocol_versions":[{"name":"TLSv1.1","enabled":true}]}`,
		`{"service_name":"ntp","service_properties":{"servers":["ntp1.example.com"],"start_on_boot":true}}`,
		`{"fips":null}`, `{"fips":{"lb_fips_enabled":"yes"}}`, `{"a":{"b":[1,2]}}`,
	} {
		f.Add([]byte(seed), "service_properties.servers")
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		d := &Document{Object: &Object{Name: "fuzzed"}}
		if session.DecodeJSON("nsxt", "GET /x", &session.Response{StatusCode: 200, Body: body}, &d.fields) != nil || d.fields == nil {
			return
		}
		_, _ = d.Raw(path)
		var v any
		_, _ = d.Decode(path, &v)
		_, _ = d.Revision()
		if _, _, err := d.body(Changes{path: "x", "a.b.c": []string{"y"}, RunningPath: true, "k": Along{Value: "s"}}); err != nil {
			return
		}
	})
}
