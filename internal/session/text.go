package session

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text a manager sends ends up in diagnostics, in the user's terminal and in CI log viewers.
// A manager can put anything in it: escape sequences that move the cursor, rewrite the
// screen, set the window title or the clipboard (OSC 52), a bell, backspaces, NULs, text
// that reorders itself (bidirectional overrides), invalid UTF-8, or megabytes of it. Every
// manager-supplied text is quoted through Clean, and through Quote where it is a message.

// MaxQuoted is the most of one manager text a diagnostic or log line quotes.
const MaxQuoted = 1024

// Clean removes from s every control character but newline and tab (C0, DEL, C1: the CSI
// and OSC introducers among them), the bidirectional controls, and replaces invalid UTF-8
// with U+FFFD, so that text a manager sent prints as text.
func Clean(s string) string {
	if !needsCleaning(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if dropped(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 {
			// Non-ASCII is checked rune by rune below; plain ASCII text is the common case.
			if c >= 0x80 {
				return !utf8.ValidString(s) || strings.IndexFunc(s, dropped) >= 0
			}
			return true
		}
	}
	return false
}

// dropped: a control character other than newline and tab, or a bidirectional control.
func dropped(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r): // C0, DEL and C1
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// Quote is a manager's text as a message may quote it: secrets any client of the process
// knows masked, control characters removed, and at most MaxQuoted bytes of it, the cut said.
func Quote(s string) string {
	return quote(s, MaxQuoted)
}

func quote(s string, limit int) string {
	total := len(s)
	// Mask a prefix well beyond the cut: a secret that starts before the cut ends within it.
	if len(s) > limit+4096 {
		s = s[:limit+4096]
	}
	s = Clean(maskKnown(s))
	if len(s) <= limit {
		if total > limit+4096 {
			return s + fmt.Sprintf("… (%d bytes in all)", total)
		}
		return s
	}
	return Truncate(s, limit) + fmt.Sprintf(" (%d bytes in all)", total)
}
