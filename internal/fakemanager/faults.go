package fakemanager

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Fault is a scripted answer: the next Count requests matching PathPrefix (or, when Path is
// set, that path only; and Method, when set) get Status with Body instead of reaching the API. Body defaults to an ApiError-shaped
// JSON object; ContentType to application/json. Truncate declares the whole body's length but
// sends only its first half and drops the connection, as a proxy cut off mid-answer would.
type Fault struct {
	Status      int    `json:"status"`
	Count       int    `json:"count"`
	RetryAfter  int    `json:"retry_after,omitempty"`
	PathPrefix  string `json:"path_prefix,omitempty"`
	Path        string `json:"path,omitempty"`
	Method      string `json:"method,omitempty"`
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Truncate    bool   `json:"truncate,omitempty"`
	// RetryAfterHeader is sent as the Retry-After header as is ("0", an HTTP date, a day in
	// seconds), where RetryAfter only sends positive seconds.
	RetryAfterHeader string `json:"retry_after_header,omitempty"`
	// Endless streams a JSON array that never ends, until the client goes away.
	Endless bool `json:"endless,omitempty"`
	// BodyBytes pads the answer to this many bytes (a valid JSON array of strings).
	BodyBytes int `json:"body_bytes,omitempty"`
	// Echo answers with the whole request quoted back, headers and body: a manager that
	// echoes what it was sent, secrets included.
	Echo bool `json:"echo,omitempty"`
	// Lose lets the request through to the manager, which acts on it (a login is counted,
	// a session opened), and then loses the answer: the connection is closed before a byte
	// of it is sent. With Status 0 nothing else is scripted.
	Lose bool `json:"lose,omitempty"`
	// DelayMS holds the answer this long, the manager having acted on the request (a login
	// slower than the client's timeout); the request then goes through as usual.
	DelayMS int `json:"delay_ms,omitempty"`
	// PadBytes lets the request through and pads the manager's answer with this many spaces
	// (a login answer, cookies and all, too large to read).
	PadBytes int `json:"pad_bytes,omitempty"`
}

// Faults is the body of POST /_fake/faults. Fields left out leave that fault as it is.
type Faults struct {
	Answers          []Fault `json:"answers,omitempty"`
	LatencyMS        *int    `json:"latency_ms,omitempty"`
	ConcurrentWrites *int    `json:"concurrent_writes,omitempty"`
	// ExpireAfter drops every session once, just before the N-th API request from now, so
	// that sessions die in the middle of one provider run.
	ExpireAfter *int  `json:"expire_sessions_after,omitempty"`
	NodeDown    []int `json:"node_down,omitempty"`
	NodeUp      []int `json:"node_up,omitempty"`
	// RestartMS is how long the API service is unavailable after each write that restarts
	// it: NSX restarts its API service on every node after a PUT to
	// /api/v1/cluster/api-service, and a node's after a change of its API lockout fields.
	// Every session of the nodes restarted is dropped and every API request to them, logins
	// included, gets 503 until the window ends. 0 turns restarts off.
	RestartMS *int `json:"restart_ms,omitempty"`
	Clear     bool `json:"clear,omitempty"`
}

func serveFaultTo(w http.ResponseWriter, r *http.Request, f Fault) {
	if f.RetryAfterHeader != "" {
		w.Header().Set("Retry-After", f.RetryAfterHeader)
	}
	switch {
	case f.Echo:
		reqBody, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var hdr strings.Builder
		for _, k := range slices.Sorted(maps.Keys(r.Header)) {
			for _, v := range r.Header[k] {
				fmt.Fprintf(&hdr, "%s: %s; ", k, v)
			}
		}
		msg := fmt.Sprintf("Invalid request %s %s (headers: %s body: %s)", r.Method, r.URL.RequestURI(), hdr.String(), reqBody)
		b, _ := json.Marshal(map[string]any{"httpStatus": "BAD_REQUEST", "error_code": f.Status, "module_name": "common-services", "error_message": msg})
		f.Body = string(b)
	case f.Endless:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		chunk := []byte(strings.Repeat(`"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",`, 1024))
		_, _ = w.Write([]byte("["))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case f.BodyBytes > 0:
		var b strings.Builder
		b.Grow(f.BodyBytes)
		b.WriteString("[")
		for b.Len() < f.BodyBytes-70 {
			b.WriteString(`"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",`)
		}
		b.WriteString(`"end"]`)
		f.Body = b.String()
	}
	serveFault(w, f)
}

func serveFault(w http.ResponseWriter, f Fault) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
	}
	body := f.Body
	if body == "" {
		body = fmt.Sprintf(`{"httpStatus":%q,"error_code":%d,"module_name":"common-services","error_message":"Injected fault."}`,
			strings.ToUpper(strings.ReplaceAll(http.StatusText(f.Status), " ", "_")), f.Status)
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	if !f.Truncate {
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(body))
		return
	}
	// Promise the whole body, send half, then drop the connection.
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body[:len(body)/2]))
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}
