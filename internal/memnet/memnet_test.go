package memnet_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/netsession/terraform-provider-nsx/internal/memnet"
)

// A listener gets its own port; a dial reaches it with TCP-looking addresses on both ends; a
// dial where nothing listens, or after Close, is refused as TCP refuses it.
func TestDialListenClose(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		a, err := n.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := n.Listen("127.0.0.1:0")
		if a.Addr().String() == b.Addr().String() || a.Addr().Network() != "tcp" {
			t.Fatalf("addresses %v %v", a.Addr(), b.Addr())
		}
		if _, err := n.Listen(a.Addr().String()); !errors.Is(err, syscall.EADDRINUSE) {
			t.Fatalf("a second listener on %v: %v", a.Addr(), err)
		}
		go func() {
			c, err := a.Accept()
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = c.Close() }()
			if c.LocalAddr().String() != a.Addr().String() {
				t.Errorf("server end's local address %v", c.LocalAddr())
			}
			_, _ = io.Copy(c, c)
		}()
		c, err := n.DialContext(context.Background(), "tcp", a.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if c.RemoteAddr().String() != a.Addr().String() {
			t.Fatalf("client end's remote address %v", c.RemoteAddr())
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
			t.Fatalf("echo: %q %v", buf, err)
		}
		_ = c.Close()
		_ = b.Close()
		_, err = n.DialContext(context.Background(), "tcp", b.Addr().String())
		var op *net.OpError
		if !errors.As(err, &op) || op.Op != "dial" || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial after Close: %v", err)
		}
		if _, err := b.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Accept after Close: %v", err)
		}
		_ = a.Close()
	})
}
