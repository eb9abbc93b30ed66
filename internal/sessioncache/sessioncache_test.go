package sessioncache_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/sessioncache"
)

func TestEntriesAreBoundToTheirCredentials(t *testing.T) {
	t.Parallel()
	dir, err := sessioncache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := dir.For("nsxt", "admin", "S3cret&Pw")
	if err != nil {
		t.Fatal(err)
	}
	cred := &session.Credentials{Cookies: []*http.Cookie{{Name: "JSESSIONID", Value: "ABC123COOKIE"}}, Header: http.Header{"X-Xsrf-Token": {"tok-xyz-789"}}}
	if err := st.Save("nsx-01:443", &session.Stored{Cred: cred, LastUsed: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load("nsx-01:443")
	if err != nil || got == nil || got.Cred.Cookies[0].Value != "ABC123COOKIE" {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	// Another node, user or password reads nothing.
	for _, other := range []struct{ block, user, pw, node string }{
		{"nsxt", "admin", "S3cret&Pw", "nsx-02:443"},
		{"nsxt", "ops", "S3cret&Pw", "nsx-01:443"},
		{"nsxt", "admin", "changed", "nsx-01:443"},
		{"sdwan", "admin", "S3cret&Pw", "nsx-01:443"},
	} {
		o, _ := dir.For(other.block, other.user, other.pw)
		if e, err := o.Load(other.node); e != nil || err != nil {
			t.Fatalf("%+v read an entry that is not its own: %+v %v", other, e, err)
		}
	}
	// On disk: 0600, no secret in clear.
	files, _ := filepath.Glob(filepath.Join(dir.Path(), "*.session"))
	if len(files) != 1 {
		t.Fatalf("entries: %v", files)
	}
	fi, _ := os.Stat(files[0])
	b, _ := os.ReadFile(files[0])
	if fi.Mode().Perm() != 0o600 || strings.Contains(string(b), "ABC123COOKIE") || strings.Contains(string(b), "tok-xyz") || strings.Contains(string(b), "admin") {
		t.Fatalf("entry mode %o, content %s", fi.Mode().Perm(), b)
	}
	// Readable by others: returned only beside ErrUntrusted, so its session can be ended.
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if e, err := st.Load("nsx-01:443"); !errors.Is(err, session.ErrUntrusted) || e == nil {
		t.Fatalf("an exposed entry: %+v %v", e, err)
	}
	if err := st.Delete("nsx-01:443"); err != nil {
		t.Fatal(err)
	}
	if e, err := st.Load("nsx-01:443"); e != nil || err != nil {
		t.Fatalf("after delete: %+v %v", e, err)
	}
}

func TestExposedDirectoryRefused(t *testing.T) {
	t.Parallel()
	d := filepath.Join(t.TempDir(), "cache")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := sessioncache.Open(d); !errors.Is(err, sessioncache.ErrExposed) {
		t.Fatalf("want ErrExposed, got %v", err)
	}
}

// The lock is exclusive across openers and released by unlock.
func TestLockIsExclusive(t *testing.T) {
	t.Parallel()
	dir, _ := sessioncache.Open(filepath.Join(t.TempDir(), "cache"))
	a, _ := dir.For("nsxt", "admin", "pw")
	b, _ := dir.For("nsxt", "admin", "pw")
	unlock, err := a.Lock(context.Background(), "n1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx, "n1"); err == nil {
		t.Fatal("a second lock was granted while the first is held")
	}
	unlock()
	unlock2, err := b.Lock(context.Background(), "n1")
	if err != nil {
		t.Fatal(err)
	}
	unlock2()
}
