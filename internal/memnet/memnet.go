// Package memnet is an in-memory network for tests: listeners by address and connections
// made of net.Pipe pairs. Blocking on it is blocking on channels, so a test can run a fake
// manager and the session layer inside a testing/synctest bubble, where time is the bubble's
// and advances only when every goroutine waits: rate limits, retries, idle timeouts and
// latencies then decide by the clock the test controls, never by how busy the machine is.
package memnet

import (
	"context"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// Network holds the listeners of one test. The zero value is not usable; use New.
type Network struct {
	mu        sync.Mutex
	listeners map[string]*listener
	port      int
}

// New makes an empty network.
func New() *Network { return &Network{listeners: map[string]*listener{}, port: 40000} }

// Listen listens on addr ("host:port"; port 0 picks a free one).
func (n *Network) Listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if port == "0" {
		for {
			n.port++
			if _, taken := n.listeners[net.JoinHostPort(host, strconv.Itoa(n.port))]; !taken {
				break
			}
		}
		port = strconv.Itoa(n.port)
	}
	addr = net.JoinHostPort(host, port)
	if _, taken := n.listeners[addr]; taken {
		return nil, &net.OpError{Op: "listen", Net: "tcp", Addr: tcpAddr(addr), Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}
	}
	l := &listener{net: n, addr: tcpAddr(addr), conns: make(chan net.Conn), done: make(chan struct{})}
	n.listeners[addr] = l
	return l, nil
}

// DialContext connects to the listener on addr, as net.Dialer.DialContext would to a TCP
// address: no listener there is "connection refused".
func (n *Network) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[addr]
	n.port++
	local := tcpAddr(net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port)))
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: network, Addr: tcpAddr(addr), Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	if l == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	select {
	case l.conns <- &conn{Conn: server, local: l.addr, remote: local}:
		return &conn{Conn: client, local: local, remote: l.addr}, nil
	case <-l.done:
		return nil, refused
	case <-ctx.Done():
		return nil, &net.OpError{Op: "dial", Net: network, Addr: tcpAddr(addr), Err: ctx.Err()}
	}
}

type listener struct {
	net   *Network
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.net.mu.Lock()
		defer l.net.mu.Unlock()
		if l.net.listeners[l.addr.String()] == l {
			delete(l.net.listeners, l.addr.String())
		}
	})
	return nil
}

func (l *listener) Addr() net.Addr { return l.addr }

// conn is one end of a pipe with the TCP addresses of its ends.
type conn struct {
	net.Conn
	local, remote net.Addr
}

func (c *conn) LocalAddr() net.Addr  { return c.local }
func (c *conn) RemoteAddr() net.Addr { return c.remote }

// addr is a TCP-looking address.
type addr string

func (a addr) Network() string { return "tcp" }
func (a addr) String() string  { return string(a) }

func tcpAddr(s string) net.Addr { return addr(s) }
