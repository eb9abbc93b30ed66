//go:build unix

package sessioncache

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// An entry the cache did not write is not read: a link (to /dev/zero, which would never end),
// a FIFO (which would block the read), a file too large to be an entry, another user's file,
// and another user's directory. Each is refused at once with ErrExposed, reading nothing.
func TestUntrustedEntriesRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.For("nsxt", "admin", "secret")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("nsx-01", &session.Stored{Cred: &session.Credentials{Cookies: []*http.Cookie{{Name: "JSESSIONID", Value: "abc"}}}, LastUsed: time.Now()}); err != nil {
		t.Fatal(err)
	}
	entry := s.file("nsx-01")
	cases := []struct {
		name  string
		plant func() error
	}{
		{"a link to /dev/zero", func() error { return os.Symlink("/dev/zero", entry) }},
		{"a FIFO", func() error { return syscall.Mkfifo(entry, 0o600) }},
		{"a file too large", func() error { return os.WriteFile(entry, make([]byte, maxEntry+1), 0o600) }},
	}
	for _, c := range cases {
		_ = os.Remove(entry)
		if err := c.plant(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		st, err := s.Load("nsx-01")
		if !errors.Is(err, ErrExposed) || st != nil {
			t.Errorf("%s: got %v, %v; want ErrExposed", c.name, st, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s: refusing it took %v", c.name, took)
		}
	}

	// Played as another user: the entry and the directory are this user's, not that one's.
	_ = os.Remove(entry)
	if err := s.Save("nsx-01", &session.Stored{Cred: &session.Credentials{Cookies: []*http.Cookie{{Name: "JSESSIONID", Value: "abc"}}}, LastUsed: time.Now()}); err != nil {
		t.Fatal(err)
	}
	me := myUID()
	myUID = func() int { return me + 1 }
	defer func() { myUID = func() int { return me } }()
	if _, err := s.Load("nsx-01"); !errors.Is(err, ErrExposed) {
		t.Errorf("another user's entry: %v, want ErrExposed", err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrExposed) {
		t.Errorf("another user's directory: %v, want ErrExposed", err)
	}
}
