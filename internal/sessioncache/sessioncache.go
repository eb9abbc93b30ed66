// Package sessioncache is the provider's opt-in session cache on disk: a session.Store that
// lets the processes of one user (a pipeline's terraform commands, terragrunt run-all)
// share one login per manager node, and one refused login per lockout window.
//
// Each entry is one file, named by an HMAC of the block, node address and user name under a
// key derived (PBKDF2) from the credentials, so different credentials never share an entry
// and a changed password never reads an old one. Its content is encrypted with AES-256-GCM
// under that key: the credentials never touch the disk, and a session is readable only with
// them. Files are written atomically (a temporary file renamed), with mode 0600 in a 0700
// directory; an entry or a directory that others can read is refused. A lock file per entry
// (flock) makes concurrent processes log in once.
package sessioncache

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// ErrExposed is a cache directory or entry that others than its owner can read or write,
// that another user owns, or that is no plain directory or file (a link, a FIFO, a device).
var ErrExposed = fmt.Errorf("readable or writable by others: %w", session.ErrUntrusted)

// maxEntry bounds what an entry may hold: a sealed session is a few hundred bytes.
const maxEntry = 64 << 10

// lockWait bounds how long a process waits for another's login before logging in alone.
const lockWait = 60 * time.Second

// Dir is a cache directory.
type Dir struct{ path string }

// Open returns the cache in path, creating it with mode 0700. A directory that others can
// read or write is refused (ErrExposed), as ssh refuses such key files.
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case !fi.IsDir():
		return nil, fmt.Errorf("session cache directory %s is a %s, not a directory: %w", path, kind(fi), ErrExposed)
	case fi.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("session cache directory %s has mode %o: %w", path, fi.Mode().Perm(), ErrExposed)
	case !ownedByMe(fi):
		return nil, fmt.Errorf("session cache directory %s belongs to another user: %w", path, ErrExposed)
	}
	return &Dir{path: path}, nil
}

// Path is the directory.
func (d *Dir) Path() string { return d.path }

// Store is the cache's entries for one manager's credentials.
type Store struct {
	dir   *Dir
	block string
	user  string
	key   []byte
}

var _ session.Store = (*Store)(nil)

// For returns the entries of block for user and secret. Deriving the key costs a few tens of
// milliseconds on purpose: the entries must be no cheaper to guess than the password.
func (d *Dir) For(block, user, secret string) (*Store, error) {
	key, err := pbkdf2.Key(sha256.New, secret, []byte("terraform-provider-nsx session cache v1\x00"+block+"\x00"+user), 200_000, 32)
	if err != nil {
		return nil, err
	}
	return &Store{dir: d, block: block, user: user, key: key}, nil
}

// file is the entry file of node.
func (s *Store) file(node string) string {
	m := hmac.New(sha256.New, s.key)
	_, _ = fmt.Fprintf(m, "%s\x00%s\x00%s", s.block, node, s.user)
	return filepath.Join(s.dir.path, hex.EncodeToString(m.Sum(nil))[:40]+".session")
}

// Lock implements session.Store with a lock file beside the entry, waiting at most
// lockWait (or ctx's deadline).
func (s *Store) Lock(ctx context.Context, node string) (func(), error) {
	lctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	name := s.file(node) + ".lock"
	// A lock file put there as a link, a FIFO or a device is not opened.
	if fi, err := os.Lstat(name); err == nil && (!fi.Mode().IsRegular() || !ownedByMe(fi)) {
		return nil, fmt.Errorf("session cache lock %s is a %s or another user's: %w", name, kind(fi), ErrExposed)
	}
	fl := flock.New(name)
	ok, err := fl.TryLockContext(lctx, 50*time.Millisecond)
	if err != nil || !ok {
		if err == nil {
			err = errors.New("not locked in time")
		}
		return nil, fmt.Errorf("locking the session cache entry: %w", err)
	}
	return func() { _ = fl.Unlock() }, nil
}

type sealed struct {
	Version int    `json:"v"`
	Nonce   []byte `json:"nonce"`
	Data    []byte `json:"data"`
}

// Load implements session.Store: nil when there is no entry. An entry others can read is
// refused with ErrExposed; one that does not decrypt (other credentials, tampering) is nil.
func (s *Store) Load(node string) (*session.Stored, error) {
	name := s.file(node)
	f, err := os.OpenFile(name, openFlags, 0) //nolint:gosec // a file of the cache directory, named by an HMAC
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		// A link to the entry (O_NOFOLLOW refuses it) or a file we may not read.
		return nil, fmt.Errorf("session cache entry %s: %w: %w", name, err, ErrExposed)
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("session cache entry %s is a %s, not a file: %w", name, kind(fi), ErrExposed)
	case !ownedByMe(fi):
		return nil, fmt.Errorf("session cache entry %s belongs to another user: %w", name, ErrExposed)
	case fi.Size() > maxEntry:
		return nil, fmt.Errorf("session cache entry %s holds %d bytes, more than an entry can (%d): %w", name, fi.Size(), maxEntry, ErrExposed)
	}
	var exposed error
	if fi.Mode().Perm()&0o077 != 0 {
		// Not to be used; decrypted only so that its session can be ended.
		exposed = fmt.Errorf("session cache entry %s has mode %o: %w", name, fi.Mode().Perm(), ErrExposed)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxEntry+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxEntry {
		return nil, fmt.Errorf("session cache entry %s grew past %d bytes while read: %w", name, maxEntry, ErrExposed)
	}
	var env sealed
	if err := json.Unmarshal(b, &env); err != nil || env.Version != 1 {
		return nil, exposed
	}
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, env.Nonce, env.Data, []byte(filepath.Base(name)))
	if err != nil {
		return nil, exposed
	}
	var st session.Stored
	if err := json.Unmarshal(plain, &st); err != nil {
		return nil, exposed
	}
	return &st, exposed
}

// Save implements session.Store: the entry encrypted, written to a temporary file in the
// directory and renamed over the old one.
func (s *Store) Save(node string, st *session.Stored) error {
	plain, err := json.Marshal(st)
	if err != nil {
		return err
	}
	aead, err := s.aead()
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	name := s.file(node)
	b, err := json.Marshal(sealed{Version: 1, Nonce: nonce, Data: aead.Seal(nil, nonce, plain, []byte(filepath.Base(name)))})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir.path, ".entry-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// Delete implements session.Store.
func (s *Store) Delete(node string) error {
	err := os.Remove(s.file(node))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (s *Store) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// kind names what a file is, for messages.
func kind(fi os.FileInfo) string {
	switch m := fi.Mode(); {
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "file"
	}
	return "special file"
}
