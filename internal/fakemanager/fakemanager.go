// Package fakemanager runs faithful fake network managers on loopback for tests, the demo and
// benchmarks. This file holds what every fake shares: TLS with a CA of its own, the counters
// behind GET /_fake/stats, scripted faults and the other /_fake/ control endpoints.
package fakemanager

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// App is one manager's API, served by every node of the fake.
type App interface {
	// Handler serves the API of node i.
	Handler(node int) http.Handler
	// ActiveSessions counts sessions that are open and not idled out, all nodes together.
	ActiveSessions() int
	// ExpireSessions ends every session at once, as an idle timeout or a restart would.
	ExpireSessions()
	// Reset puts data, sessions and counters back to the start.
	Reset()
	// Issued lists every secret the fake handed out (cookies, tokens), for leak checks.
	Issued() []string
}

// Secrets is the list of every secret a fake handed out (session ids, cookies, tokens),
// for the tests' leak checks. Embed it: it answers App's Issued.
type Secrets struct {
	mu     sync.Mutex
	issued []string
}

// Issue records secrets as handed out.
func (s *Secrets) Issue(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued = append(s.issued, secrets...)
}

// Issued implements App: every secret handed out since the last Forget.
func (s *Secrets) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Forget empties the list (a fake's Reset).
func (s *Secrets) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued = nil
}

// Admitter is implemented by apps whose product enforces request limits before any work is
// done. Admit answers a refused request itself and returns false; otherwise release is
// called when the request is done.
type Admitter interface {
	Admit(node int, w http.ResponseWriter, r *http.Request) (release func(), ok bool)
}

// Controller is implemented by apps with control endpoints of their own under /_fake/. It
// reports whether it served r.
type Controller interface {
	Control(w http.ResponseWriter, r *http.Request) bool
}

// Server is one fake manager: a cluster of nodes over a shared App.
type Server struct {
	Name  string
	App   App
	Stats *Stats

	nodes   []*node
	tls     *tls.Config
	mu      sync.Mutex
	answers []Fault
	latency time.Duration
	writes  int
	// expireIn counts down to a one-shot expiry of every session (0: none pending).
	expireIn int
	// restartFor is the unavailability window after a restarting write; downUntil ends the
	// current one, for every node (a cluster-wide restart) or for one (nodeDownUntil).
	restartFor    time.Duration
	downUntil     time.Time
	nodeDownUntil []time.Time
	// start holds the settings the server started with, which /_fake/reset restores.
	start Options
	// recording: the writes it is sent are kept in written (Record).
	recording bool
	written   []Written
}

// node is one cluster member; taking it down closes its listener, so connections are refused.
type node struct {
	addr    string
	listen  func(addr string) (net.Listener, error)
	handler http.Handler
	mu      sync.Mutex
	srv     *http.Server
}

func (n *node) up(cfg *tls.Config) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		return nil
	}
	ln, err := n.listen(n.addr)
	if err != nil {
		return err
	}
	n.addr = ln.Addr().String()
	n.srv = &http.Server{Handler: n.handler, TLSConfig: cfg.Clone(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func(srv *http.Server) { _ = srv.ServeTLS(ln, "", "") }(n.srv)
	return nil
}

func listenTCP(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

func (n *node) down() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		_ = n.srv.Close()
		n.srv = nil
	}
}

// Options shape a Server.
type Options struct {
	Nodes  int
	Listen string // address to bind, default 127.0.0.1
	// Ports pins the port of each node (0 or absent: any free port).
	Ports   []int
	Latency time.Duration
	// Restart is how long the API service is unavailable after a restarting write (0: no restarts).
	Restart time.Duration
	CA      *CA
	// Listener opens a node's listener on "host:port" (nil: TCP). Tests pass an in-memory
	// network's (internal/memnet) to run a fake inside a testing/synctest bubble.
	Listener func(addr string) (net.Listener, error)
}

// Start serves app on opts.Nodes TLS listeners.
func Start(name string, app App, stats *Stats, opts Options) (*Server, error) {
	if opts.Nodes < 1 {
		opts.Nodes = 1
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1"
	}
	if opts.CA == nil {
		return nil, fmt.Errorf("fake %s: no CA", name)
	}
	s := &Server{Name: name, App: app, Stats: stats, latency: opts.Latency, restartFor: opts.Restart, tls: opts.CA.ServerTLS(), start: opts,
		nodeDownUntil: make([]time.Time, opts.Nodes)}
	for i := 0; i < opts.Nodes; i++ {
		port := "0"
		if i < len(opts.Ports) && opts.Ports[i] > 0 {
			port = strconv.Itoa(opts.Ports[i])
		}
		n := &node{addr: net.JoinHostPort(opts.Listen, port), listen: listenTCP, handler: s.wrap(i, app.Handler(i))}
		if opts.Listener != nil {
			n.listen = opts.Listener
		}
		if err := n.up(s.tls); err != nil {
			s.Close()
			return nil, fmt.Errorf("fake %s: %w", name, err)
		}
		s.nodes = append(s.nodes, n)
	}
	return s, nil
}

// StartOne resets app and serves it as a manager of one node (the products that are one
// server): app itself, its server, or the error that kept it from starting.
func StartOne[A App](name string, app A, stats *Stats, opts Options) (A, *Server, error) {
	app.Reset()
	opts.Nodes = 1
	srv, err := Start(name, app, stats, opts)
	if err != nil {
		var none A
		return none, nil, err
	}
	return app, srv, nil
}

// Written is a write a Server was sent while it recorded (Record).
type Written struct {
	Method, Path string
	Body         []byte
}

// Record keeps, from now on, every write (every API request but GET and HEAD) the server is
// sent, body and all, for a test to read with Writes.
func (s *Server) Record() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recording = true
}

// Writes are the writes kept since Record.
func (s *Server) Writes() []Written {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Written(nil), s.written...)
}

// CertificatePEM is the certificate the nodes serve, PEM ("" where there is none).
func (s *Server) CertificatePEM() string {
	if s.tls == nil || len(s.tls.Certificates) == 0 || len(s.tls.Certificates[0].Certificate) == 0 {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.tls.Certificates[0].Certificate[0]}))
}

// URLs are the nodes' base URLs.
func (s *Server) URLs() []string {
	out := make([]string, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = "https://" + n.addr
	}
	return out
}

// NodeDown makes node i refuse connections; NodeUp serves it again on the same address.
func (s *Server) NodeDown(i int) { s.nodes[i].down() }

// Serving reports whether node i is up and its API service answering (not restarting).
func (s *Server) Serving(i int) bool {
	n := s.nodes[i]
	n.mu.Lock()
	up := n.srv != nil
	n.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	return up && !now.Before(s.downUntil) && !now.Before(s.nodeDownUntil[i])
}

// NodeUp serves node i again on its address.
func (s *Server) NodeUp(i int) error { return s.nodes[i].up(s.tls) }

// Close stops every node.
func (s *Server) Close() {
	for _, n := range s.nodes {
		n.down()
	}
}

// TakeConcurrentWrite reports whether the next write must find that someone else wrote first.
func (s *Server) TakeConcurrentWrite() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes > 0 {
		s.writes--
		return true
	}
	return false
}

// RestartAPIService plays an API-service restart, when restarts are on: every session is
// dropped and the API answers 503 for the configured window. Apps call it after a write that
// restarts the service on the real product, once that write has been answered.
func (s *Server) RestartAPIService() {
	s.mu.Lock()
	window := s.restartFor
	if window > 0 {
		s.downUntil = time.Now().Add(window)
	}
	s.mu.Unlock()
	if window > 0 {
		s.App.ExpireSessions()
		s.Stats.Add("restarts", 1)
	}
}

// NodeSessionExpirer is implemented by apps whose sessions belong to one node: a restart of
// that node's API service ends them.
type NodeSessionExpirer interface {
	ExpireNodeSessions(node int)
}

// RestartNode plays the restart of one node's API service (NSX restarts a node's HTTP service
// after a change of that node's API lockout settings), when restarts are on: the node's
// sessions end and it answers 503 for the configured window; the other nodes serve on.
func (s *Server) RestartNode(node int) {
	s.mu.Lock()
	window := s.restartFor
	if window > 0 {
		s.nodeDownUntil[node] = time.Now().Add(window)
	}
	s.mu.Unlock()
	if window <= 0 {
		return
	}
	if e, ok := s.App.(NodeSessionExpirer); ok {
		e.ExpireNodeSessions(node)
	} else {
		s.App.ExpireSessions()
	}
	s.Stats.Add("restarts", 1)
	s.Stats.Add(fmt.Sprintf("restarts_node_%d", node), 1)
}

// StatsSnapshot is what GET /_fake/stats answers.
func (s *Server) StatsSnapshot() map[string]int64 {
	return s.Stats.snapshot(s.App.ActiveSessions())
}

func (s *Server) wrap(self int, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			s.control(self, w, r)
			return
		}
		s.Stats.reached("requests", s.Stats.Requests.Add(1))
		s.mu.Lock()
		if s.recording && r.Method != http.MethodGet && r.Method != http.MethodHead {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			s.written = append(s.written, Written{Method: r.Method, Path: r.URL.Path, Body: body})
		}
		expire := false
		if s.expireIn > 0 {
			s.expireIn--
			expire = s.expireIn == 0
		}
		latency := s.latency
		restarting := time.Now().Before(s.downUntil) || time.Now().Before(s.nodeDownUntil[self])
		var fault *Fault
		for i := range s.answers {
			f := &s.answers[i]
			if f.Count > 0 && strings.HasPrefix(r.URL.Path, f.PathPrefix) && (f.Path == "" || f.Path == r.URL.Path) && (f.Method == "" || f.Method == r.Method) {
				f.Count--
				cp := *f
				fault = &cp
				break
			}
		}
		s.mu.Unlock()
		if expire {
			s.App.ExpireSessions()
			s.Stats.Add("forced_expiries", 1)
		}
		if restarting && fault == nil {
			s.Stats.Add("restart_rejections", 1)
			serveFault(w, Fault{Status: http.StatusServiceUnavailable, Body: restartBody})
			return
		}
		if a, ok := s.App.(Admitter); ok && fault == nil {
			release, admitted := a.Admit(self, w, r)
			if !admitted {
				return
			}
			// Added latency counts as time in flight, like real work would.
			defer release()
		}
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		if fault != nil && (fault.Lose || fault.DelayMS > 0 || fault.PadBytes > 0) {
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, r)
			// Counted once the manager has acted on the request (a test may wait for it).
			s.Stats.Add("faults_served", 1)
			if fault.DelayMS > 0 {
				select {
				case <-time.After(time.Duration(fault.DelayMS) * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			}
			if fault.Lose {
				// Ends the connection (HTTP/1.1) or resets the stream (HTTP/2) unanswered.
				panic(http.ErrAbortHandler)
			}
			maps.Copy(w.Header(), rec.Header())
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			if fault.PadBytes > 0 {
				pad := bytes.Repeat([]byte(" "), 64<<10)
				for n := 0; n < fault.PadBytes && r.Context().Err() == nil; n += len(pad) {
					if _, err := w.Write(pad); err != nil {
						return
					}
				}
			}
			return
		}
		if fault != nil {
			s.Stats.Add("faults_served", 1)
			serveFaultTo(w, r, *fault)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// restartBody is what the API answers while its service restarts. The real body is not
// documented (PROTOCOLS.md: 503 any); this follows the ApiError shape.
const restartBody = `{"httpStatus":"SERVICE_UNAVAILABLE","error_code":503,"module_name":"common-services","error_message":"The API service is restarting. Please retry later."}`

// serveFaultTo answers r with the scripted fault f, including the answers that need the
// request: an echo, an endless body.
func (s *Server) control(self int, w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_fake/stats" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.StatsSnapshot())
	case r.URL.Path == "/_fake/issued" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.App.Issued())
	case r.URL.Path == "/_fake/expire-sessions" && r.Method == http.MethodPost:
		s.App.ExpireSessions()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_fake/reset" && r.Method == http.MethodPost:
		s.App.Reset()
		s.Stats.reset()
		s.mu.Lock()
		// Every setting back to how the server started, the injected latency included.
		s.answers, s.writes, s.expireIn, s.downUntil = nil, 0, 0, time.Time{}
		s.nodeDownUntil = make([]time.Time, len(s.nodes))
		s.latency, s.restartFor = s.start.Latency, s.start.Restart
		s.mu.Unlock()
		for i := range s.nodes {
			if i != self {
				_ = s.NodeUp(i)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_fake/faults" && r.Method == http.MethodPost:
		var f Faults
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			http.Error(w, "bad faults body: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		if f.Clear {
			s.answers, s.writes, s.expireIn, s.restartFor, s.downUntil = nil, 0, 0, 0, time.Time{}
			s.nodeDownUntil = make([]time.Time, len(s.nodes))
		}
		if f.RestartMS != nil {
			s.restartFor = time.Duration(*f.RestartMS) * time.Millisecond
		}
		for _, i := range append(append([]int(nil), f.NodeDown...), f.NodeUp...) {
			if i < 0 || i >= len(s.nodes) {
				s.mu.Unlock()
				http.Error(w, fmt.Sprintf("no node %d", i), http.StatusBadRequest)
				return
			}
		}
		if f.ExpireAfter != nil {
			s.expireIn = *f.ExpireAfter
		}
		s.answers = append(s.answers, f.Answers...)
		if f.LatencyMS != nil {
			s.latency = time.Duration(*f.LatencyMS) * time.Millisecond
		}
		if f.ConcurrentWrites != nil {
			s.writes = *f.ConcurrentWrites
		}
		s.mu.Unlock()
		for _, i := range f.NodeUp {
			if err := s.NodeUp(i); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		selfDown := false
		for _, i := range f.NodeDown {
			if i == self {
				selfDown = true
				continue
			}
			s.NodeDown(i)
		}
		w.WriteHeader(http.StatusNoContent)
		if selfDown {
			// A node taking itself down answers first; send such requests to another node
			// to be sure it is down when the answer arrives.
			_ = http.NewResponseController(w).Flush()
			go s.NodeDown(self)
		}
	default:
		if a, ok := s.App.(Controller); ok && a.Control(w, r) {
			return
		}
		http.Error(w, "unknown control endpoint", http.StatusNotFound)
	}
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
