//go:build unix

package sessioncache

import (
	"io/fs"
	"os"
	"syscall"
)

// openFlags open an entry without following a link to it and without waiting on a FIFO.
const openFlags = os.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// myUID is the user running the provider (a test plays another).
var myUID = os.Getuid

// ownedByMe reports whether fi belongs to the user running the provider.
func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == myUID()
}
