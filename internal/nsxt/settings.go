package nsxt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NSX keeps its management-plane settings as singleton objects: GET answers the object
// (with `_revision` where it is a managed resource), PUT replaces it whole, read-only fields
// are ignored on PUT, a newer release adds fields, some objects are cluster-wide and some
// exist once per manager node, and some writes restart the API service. This file is the one
// engine for all of them: an Object declares one, and the engine reads it, writes only the
// fields a caller changed over the object as read (everything else, fields this provider
// does not know included, goes back exactly as it came), reads again and retries once when
// someone else wrote in between, and waits out the restart a write causes.

// Scope is where a settings object lives.
type Scope int

const (
	// Cluster objects exist once and are read and written through any node.
	Cluster Scope = iota
	// Node objects exist once per manager node: each is read and written on its node,
	// through that node's own session.
	Node
)

func (s Scope) String() string {
	if s == Node {
		return "node"
	}
	return "cluster"
}

// Object declares one NSX settings object.
type Object struct {
	// Name is what messages call it: "auth policy".
	Name string
	// Path is its API path, e.g. "/api/v1/node/aaa/auth-policy".
	Path string
	// ID is the singleton's id, which import takes.
	ID    string
	Scope Scope
	// Restarts reports whether a write of these changed fields restarts the API service: of
	// the node written (Node scope) or of every node (Cluster scope). Nil: writes never do.
	Restarts func(changed []string) bool
	// Method writes the object (default PUT).
	Method string
	// Learn is told of every document read (the api-service tells the session layer its
	// idle timeout and limits).
	Learn func(c *Client, d *Document)
	// Reusable: a GET of the object serves the process until it writes to the manager.
	Reusable bool
	// Unsent are fields the manager answers but a write must not carry (beyond the
	// read-only underscore fields, which are never sent).
	Unsent []string
	// StaleRetries is how often a write is read again and redone when someone else wrote
	// the object between this client's read and its write (0: once).
	StaleRetries int
	// Service: the object is a node service's properties (/api/v1/node/services/<name>);
	// the service's runtime state is read from Path+"/status" and shows as the boolean
	// RunningPath, which a write sets with the service's start and stop actions.
	Service bool
	// WriteFallback is a second path for writes, tried once where the manager refuses the
	// method at Path (405, or its "not supported" document): the path that took a write is
	// kept for the client's process. Both refusing is an *UnwritableError.
	WriteFallback string
}

// RunningPath is the path of a service's running state in a Document (see Object.Service):
// true when the service's runtime_state is "running". It is never sent in a PUT.
const RunningPath = "@running"

// Along is a change sent with a write but never the reason for one: a secret the manager
// does not answer (a password, a passphrase), which must go with every write of the object
// that carries it and is no change when nothing else is.
type Along struct{ Value any }

// WriteMethod is the object's write method.
func (o *Object) WriteMethod() string {
	if o.Method != "" {
		return o.Method
	}
	return http.MethodPut
}

// Document is a settings object as the manager sent it.
type Document struct {
	Object *Object
	// Node is where it was read: the node's host for Node scope, the node that answered for
	// Cluster scope.
	Node   string
	fields map[string]json.RawMessage
	// state is a service's runtime_state ("running", "stopped"; Object.Service only).
	state string
}

// RuntimeState is a service's runtime_state as read ("" for an object that is no service).
func (d *Document) RuntimeState() string { return d.state }

// Revision is the document's `_revision` (ok false: it has none).
func (d *Document) Revision() (int64, bool) {
	raw, ok := d.fields["_revision"]
	if !ok {
		return 0, false
	}
	var r int64
	if json.Unmarshal(raw, &r) != nil {
		return 0, false
	}
	return r, true
}

// Raw is the JSON at path, a field name or a dotted path into nested objects
// ("service_properties.start_on_boot"), or RunningPath; ok false: absent.
func (d *Document) Raw(path string) (json.RawMessage, bool) {
	if path == RunningPath {
		if d.state == "" {
			return nil, false
		}
		return json.RawMessage(strconv.FormatBool(d.state == "running")), true
	}
	parts := strings.Split(path, ".")
	fields := d.fields
	for i, p := range parts {
		raw, ok := fields[p]
		if !ok {
			return nil, false
		}
		if i == len(parts)-1 {
			return raw, true
		}
		var next map[string]json.RawMessage
		if json.Unmarshal(raw, &next) != nil {
			return nil, false
		}
		fields = next
	}
	return nil, false
}

// Decode decodes the JSON at path into out; present false: absent (out unchanged). An answer
// of another shape is an error naming the object, the node and the field path (a
// *session.DecodeError within).
func (d *Document) Decode(path string, out any) (present bool, err error) {
	raw, ok := d.Raw(path)
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := session.Unmarshal(raw, out); err != nil {
		if de, ok := errors.AsType[*session.DecodeError](err); ok {
			err = de.At(path)
		}
		return true, &AnswerError{Object: d.Object, Node: d.Node, Err: err}
	}
	return true, nil
}

// AnswerError is an answer of an object that does not have the shape NSX documents.
type AnswerError struct {
	Object *Object
	Node   string
	Err    error
}

func (e *AnswerError) Error() string {
	return fmt.Sprintf("GET %s on node %s answered what the provider cannot take: %v", e.Object.Path, e.Node, e.Err)
}

func (e *AnswerError) Unwrap() error { return e.Err }

// Fields are the names of the document's top-level fields, sorted.
func (d *Document) Fields() []string {
	out := make([]string, 0, len(d.fields))
	for k := range d.fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Changes are the values a write sets, by path (see Raw); anything JSON encodes.
type Changes map[string]any

// body is the document with ch written over it, less the read-only underscore fields (but
// `_revision`) and the declared unsent ones; changed lists the paths whose value ch changes.
func (d *Document) body(ch Changes) ([]byte, []string, error) {
	out := make(map[string]json.RawMessage, len(d.fields))
	for k, v := range d.fields {
		if strings.HasPrefix(k, "_") && k != "_revision" {
			continue
		}
		out[k] = v
	}
	for _, k := range d.Object.Unsent {
		delete(out, k)
	}
	var changed []string
	var along []string
	for _, p := range sortedPaths(ch) {
		if _, ok := ch[p].(Along); ok {
			along = append(along, p)
			continue
		}
		if strings.HasPrefix(p, "@") {
			if !sameChange(d, p, ch[p]) {
				changed = append(changed, p)
			}
			continue
		}
		enc, err := json.Marshal(ch[p])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		before, present := d.Raw(p)
		if sameJSON(before, present, enc) {
			continue
		}
		changed = append(changed, p)
		if err := setPath(out, strings.Split(p, "."), enc); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	if sendsBody(changed) {
		for _, p := range along {
			enc, err := json.Marshal(ch[p].(Along).Value) //nolint:forcetypeassert // sorted into along for being one
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", p, err)
			}
			if err := setPath(out, strings.Split(p, "."), enc); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", p, err)
			}
		}
	}
	b, err := json.Marshal(out)
	return b, changed, err
}

// sameChange reports whether v is what d holds at the pseudo-path p already.
func sameChange(d *Document, p string, v any) bool {
	enc, err := json.Marshal(v)
	if err != nil {
		return false
	}
	before, present := d.Raw(p)
	return present && sameJSON(before, present, enc)
}

// sendsBody reports whether changed holds a path that the object's PUT carries.
func sendsBody(changed []string) bool {
	for _, p := range changed {
		if !strings.HasPrefix(p, "@") {
			return true
		}
	}
	return false
}

func sortedPaths(ch Changes) []string {
	out := make([]string, 0, len(ch))
	for k := range ch {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameJSON reports whether enc is the value before already is: equal as JSON values, or
// empty (null, "", [], {}) where the field is absent.
func sameJSON(before json.RawMessage, present bool, enc []byte) bool {
	if !present {
		switch string(bytes.TrimSpace(enc)) {
		case "null", `""`, "[]", "{}":
			return true
		}
		return false
	}
	var a, b any
	if json.Unmarshal(before, &a) != nil || json.Unmarshal(enc, &b) != nil {
		return bytes.Equal(before, enc)
	}
	ca, _ := json.Marshal(a)
	cb, _ := json.Marshal(b)
	return bytes.Equal(ca, cb)
}

// setPath writes v at the dotted path in fields, keeping the other keys of every object on
// the way.
func setPath(fields map[string]json.RawMessage, parts []string, v json.RawMessage) error {
	if len(parts) == 1 {
		fields[parts[0]] = v
		return nil
	}
	next := map[string]json.RawMessage{}
	if raw, ok := fields[parts[0]]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &next); err != nil {
			return fmt.Errorf("%s is not an object", parts[0])
		}
	}
	if err := setPath(next, parts[1:], v); err != nil {
		return err
	}
	b, err := json.Marshal(next)
	if err != nil {
		return err
	}
	fields[parts[0]] = b
	return nil
}

// Secrets masks secrets the caller sends (write-only values) in every log and error text.
func (c *Client) Secrets(secrets ...string) { c.s.AddSecrets(secrets...) }

// Nodes are the hosts of the manager nodes the client was configured with.
func (c *Client) Nodes() []string { return c.s.Nodes() }

// DocumentOf is resp, the answer to a GET of obj, as a Document; an answer that is no JSON
// object is a *session.BodyError.
func DocumentOf(obj *Object, resp *session.Response) (*Document, error) {
	d := &Document{Object: obj, Node: resp.Node}
	if err := session.DecodeJSON("nsxt", "GET "+obj.Path, resp, &d.fields); err != nil {
		return nil, err
	}
	if d.fields == nil {
		return nil, &session.BodyError{Block: "nsxt", Host: resp.Node, Request: "GET " + obj.Path, Status: resp.StatusCode, Kind: "not-json",
			Detail: "(the answer is not an object): " + session.BodyPreview(resp.Body)}
	}
	return d, nil
}

// ReadSettings reads obj: on node for Node scope (a host of Nodes), through any node for
// Cluster scope (node ignored).
func (c *Client) ReadSettings(ctx context.Context, obj *Object, node string) (*Document, error) {
	req := &session.Request{Method: http.MethodGet, Path: obj.Path, Header: http.Header{"Accept": {"application/json"}},
		Reusable: obj.Reusable}
	resp, err := c.send(ctx, obj, node, req)
	if err != nil {
		return nil, err
	}
	d, err := DocumentOf(obj, resp)
	if err != nil {
		return nil, err
	}
	if obj.Service {
		st, err := c.ServiceStatus(ctx, obj, resp.Node)
		if err != nil {
			return nil, err
		}
		d.state = st.RuntimeState
	}
	if obj.Learn != nil {
		obj.Learn(c, d)
	}
	return d, nil
}

// ServiceStatus is a node service's status, GET Path+"/status" on node.
type ServiceStatus struct {
	RuntimeState        string `json:"runtime_state"`
	Health              string `json:"health,omitempty"`
	Reason              string `json:"reason,omitempty"`
	MonitorRuntimeState string `json:"monitor_runtime_state,omitempty"`
}

// ServiceStatus reads the status of the service obj on node.
func (c *Client) ServiceStatus(ctx context.Context, obj *Object, node string) (*ServiceStatus, error) {
	req := &session.Request{Method: http.MethodGet, Path: obj.Path + "/status", Header: http.Header{"Accept": {"application/json"}}}
	resp, err := c.send(ctx, &Object{Scope: Node}, node, req)
	if err != nil {
		return nil, err
	}
	var st ServiceStatus
	if err := session.DecodeJSON("nsxt", "GET "+obj.Path+"/status", resp, &st); err != nil {
		return nil, err
	}
	st.RuntimeState = session.Clean(st.RuntimeState)
	switch st.RuntimeState {
	case "running", "stopped":
	default:
		if st.RuntimeState == "" {
			st.RuntimeState = "unknown"
		}
	}
	return &st, nil
}

// send is req on node for Node scope, through any node for Cluster scope.
func (c *Client) send(ctx context.Context, obj *Object, node string, req *session.Request) (*session.Response, error) {
	var resp *session.Response
	var err error
	if obj.Scope == Node {
		resp, err = c.s.DoOn(ctx, node, req)
	} else {
		resp, err = c.s.Do(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.answerError(resp)
	}
	return resp, nil
}

// Write is what WriteSettings did.
type Write struct {
	// Before is the object as last read before the write, After as read once the write
	// (and the restart it caused) was done; After is Before when nothing changed.
	Before, After *Document
	// Changed are the paths the write changed; none: nothing was sent.
	Changed []string
	// Attempts counts the writes sent (a stale `_revision` costs one more).
	Attempts int
	// Restarted: the write restarted the API service, and Waited is how long it took to
	// answer again.
	Restarted bool
	Waited    time.Duration
	want      Changes
	answered  *Document
}

// Wrote reports whether the manager took a write.
func (w *Write) Wrote() bool { return w != nil && len(w.Changed) > 0 && w.Attempts > 0 }

// WriteSettings reads obj (on node, for Node scope), lets change say what to set over what it
// read, and writes the result when it changes anything; nothing changed, nothing is sent. A
// stale `_revision` is read again and the change applied once more (obj.StaleRetries times). A write that restarts
// the API service is waited out for at most within, the node (or, for Cluster scope, the
// cluster) answering again with its sessions renewed once; then the object is read again.
// An error after the manager took the write comes with the Write, so that the caller knows
// what it holds.
func (c *Client) WriteSettings(ctx context.Context, obj *Object, node string, within time.Duration,
	change func(*Document) (Changes, error)) (*Write, error) {
	w := &Write{}
	for {
		before, err := c.ReadSettings(ctx, obj, node)
		if err != nil {
			return nil, err
		}
		w.Before, w.After = before, before
		ch, err := change(before)
		if err != nil {
			return nil, err
		}
		w.want = ch
		body, changed, err := before.body(ch)
		if err != nil {
			return nil, err
		}
		w.Changed = changed
		if len(changed) == 0 {
			return w, nil
		}
		if !sendsBody(changed) {
			break
		}
		w.Attempts++
		var resp *session.Response
		resp, err = c.put(ctx, obj, before.Node, body)
		if err == nil {
			w.answered = answerOf(obj, resp, before)
		}
		if errors.Is(err, ErrStaleRevision) && w.Attempts <= max(obj.StaleRetries, 1) {
			tflog.Info(ctx, "settings changed by someone else between read and write; reading again", map[string]any{
				"object": obj.Name, "node": before.Node, "attempt": w.Attempts,
			})
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(w.Attempts) * 200 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			if errors.Is(err, ErrStaleRevision) {
				err = fmt.Errorf("someone else kept changing the %s between this provider's read and its write (%d attempts): %w", obj.Name, w.Attempts, err)
			}
			return nil, err
		}
		break
	}
	tflog.Debug(ctx, "settings written", map[string]any{"object": obj.Name, "node": w.Before.Node, "changed": w.Changed, "attempts": w.Attempts})
	if obj.Service {
		for _, p := range w.Changed {
			if p != RunningPath {
				continue
			}
			w.Attempts++
			if err := c.setRunning(ctx, obj, w.Before.Node, w.want[RunningPath] == true, within); err != nil {
				return w, err
			}
		}
	}
	if obj.Restarts != nil && obj.Restarts(w.Changed) {
		w.Restarted = true
		start := time.Now()
		err := c.s.AwaitAvailable(ctx, within, func(ctx context.Context) error {
			d, err := c.ReadSettings(ctx, obj, w.Before.Node)
			if err == nil {
				w.After = d
			}
			return err
		})
		w.Waited = time.Since(start)
		if err != nil {
			return w, fmt.Errorf("the %s was written; the API service then restarted and did not answer again within %s: %w",
				obj.Name, w.Waited.Round(time.Second), err)
		}
		return w, nil
	}
	// NSX answers a PUT with the object as it now holds it: that is the read back. Where it
	// answers nothing readable, or only the service's state changed, the object is read
	// again (the state itself was read by the wait for it).
	if after := w.answered; after != nil || (!sendsBody(w.Changed) && obj.Service) {
		if after == nil {
			after = &Document{Object: obj, Node: w.Before.Node, fields: w.Before.fields}
		}
		after.state = w.Before.state
		if running, ok := w.want[RunningPath].(bool); ok && slices.Contains(w.Changed, RunningPath) {
			after.state = map[bool]string{true: "running", false: "stopped"}[running]
		}
		if obj.Learn != nil {
			obj.Learn(c, after)
		}
		w.After = after
		return w, nil
	}
	after, err := c.ReadSettings(ctx, obj, w.Before.Node)
	if err != nil {
		return w, fmt.Errorf("the %s was written; reading it back failed: %w", obj.Name, err)
	}
	w.After = after
	return w, nil
}

// answerOf is the object a write's answer holds (nil: none that reads as the object, such
// as an empty 202).
func answerOf(obj *Object, resp *session.Response, before *Document) *Document {
	d := &Document{Object: obj, Node: before.Node}
	if len(bytes.TrimSpace(resp.Body)) == 0 || session.DecodeJSON("nsxt", obj.WriteMethod()+" "+obj.Path, resp, &d.fields) != nil || len(d.fields) == 0 {
		return nil
	}
	return d
}

// setRunning starts or stops the service obj on node and waits, for at most within, until its
// status says so: a service takes some seconds to start.
func (c *Client) setRunning(ctx context.Context, obj *Object, node string, running bool, within time.Duration) error {
	action, want := "stop", "stopped"
	if running {
		action, want = "start", "running"
	}
	if err := c.Act(ctx, obj, node, obj.Path, action); err != nil {
		return fmt.Errorf("the %s service's %s action failed: %w", obj.Name, action, err)
	}
	wctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	last := ""
	for attempt := 0; ; attempt++ {
		st, err := c.ServiceStatus(wctx, obj, node)
		if err == nil && st.RuntimeState == want {
			return nil
		}
		if err != nil && !session.Unavailable(err) {
			return fmt.Errorf("reading the %s service's status after its %s action: %w", obj.Name, action, err)
		}
		if st != nil {
			last = st.RuntimeState
		}
		wait := min(time.Duration(attempt+1)*250*time.Millisecond, 2*time.Second)
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("the %s service was asked to %s but still reported %s %s later", obj.Name, action, session.Quote(last), within.Round(time.Second))
		case <-time.After(wait):
		}
	}
}

// Act posts an action on obj (POST path?action=name) on node for Node scope; a services'
// start and stop are actions.
func (c *Client) Act(ctx context.Context, obj *Object, node, path, action string) error {
	req := &session.Request{Method: http.MethodPost, Path: path + "?action=" + action, Header: http.Header{"Accept": {"application/json"}}}
	_, err := c.send(ctx, obj, node, req)
	return err
}
