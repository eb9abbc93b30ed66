package framework

import (
	"strings"
	"testing"
)

// Any address a user or a variable gives: no panic; an accepted one is https, with a host
// and no user name or password in it.
func FuzzParseAddress(f *testing.F) {
	for _, seed := range []string{"nsx-01.corp", "nsx-01.corp:8443", "https://nsx-01.corp", "https://admin:pw@nsx", "http://x", "[::1]:443",
		"nsx\r\nHost: evil", "https://", "::::", "nsx-01.corp/path?q=1", "%zz"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseAddress(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && strings.Contains(s, "\n") && strings.Contains(err.Error(), s) {
				t.Fatalf("the error quotes the address raw: %v", err)
			}
			return
		}
		if u.Scheme != "https" || u.Host == "" || u.User != nil {
			t.Fatalf("%q accepted as %#v", s, u)
		}
	})
}
