package session

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The text helpers take anything a manager sends; what they give back prints as text, is
// bounded, and holds no secret the process knows.

func FuzzMask(f *testing.F) {
	for _, seed := range [][2]string{
		{"login failed for p@ss/wörd", "p@ss/wörd"}, {`{"password":"p\u0040ss"}`, "p@ss"}, {"x=a%2Fb&y", "a/b"},
		{"cGFzc3dvcmQ=", "password"}, {"k", "k"}, {"&#34;s3cr&#34;", `"s3cr"`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, text, secret string) {
		if len(secret) < minAnywhere || strings.Contains(secret, "*") || !utf8.ValidString(secret) {
			return // shorter ones are masked as tokens only; "*" is the mask's own letter
		}
		got := maskAll(text, secretForms("user", secret))
		if strings.Contains(got, secret) {
			t.Fatalf("maskAll(%q) = %q still holds the secret", text, got)
		}
	})
}

func FuzzCleanQuote(f *testing.F) {
	for _, seed := range []string{"plain", "\x1b]52;c;cGFzcw==\x07", "\u202eevil", "a\xffb", "\x00\x08\x9b2J", strings.Repeat("é", 700)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Clean(s), Quote(s), BodyPreview([]byte(s))} {
			if !utf8.ValidString(out) || strings.IndexFunc(out, dropped) >= 0 {
				t.Fatalf("%q cleaned to %q", s, out)
			}
		}
		if q := Quote(s); len(q) > MaxQuoted+64 {
			t.Fatalf("Quote gave %d bytes", len(q))
		}
		if p := BodyPreview([]byte(s)); len(p) > 200+len("…") || strings.ContainsAny(p, "\n\t") {
			t.Fatalf("BodyPreview gave %q", p)
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "120", "-1", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 5 ", "1e3"} {
		f.Add(seed)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > 24*time.Hour {
			t.Fatalf("Retry-After %q read as %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("Retry-After %q refused yet %v", v, d)
		}
	})
}
