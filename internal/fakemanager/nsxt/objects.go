package nsxt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// NSX's settings objects beyond the api-service, as this fake holds them: one per node where
// NSX keeps them per node (the auth policy, the node's properties, its services), one for the
// cluster otherwise (the login banner). GET answers the object with its read-only links;
// PUT replaces it: read-only fields are ignored (and counted), a field the schema does not
// name is refused (additionalProperties: false), as is a value of the wrong type or out of
// its documented range; a field left out returns to its default; `_revision` is checked
// where the object carries one. Each object starts as a fresh manager has it.

// rule is what a field accepts.
type rule struct {
	kind     string // "int", "bool", "string", "strings", "object", "list"
	min, max int64  // for ints (min == max == 0: any)
	enum     []string
	maxLen   int
	pattern  *regexp.Regexp
	// fields are the writable fields of an object value (kind "object"), readOnly its
	// read-only ones.
	fields   map[string]rule
	readOnly map[string]bool
	// item is the rule of each element of a "list".
	item *rule
}

func intRule(min, max int64) rule            { return rule{kind: "int", min: min, max: max} }
func enumRule(values ...string) rule         { return rule{kind: "string", enum: values} }
func boolRule() rule                         { return rule{kind: "bool"} }
func stringRule(maxLen int) rule             { return rule{kind: "string", maxLen: maxLen} }
func stringsRule(item rule) rule             { return rule{kind: "list", item: &item} }
func objectRule(fields map[string]rule) rule { return rule{kind: "object", fields: fields} }

// objectDef declares one object.
type objectDef struct {
	path     string
	schema   string
	perNode  bool
	revision bool
	fields   map[string]rule
	readOnly map[string]bool
	// defaults is the object a fresh manager holds on node.
	defaults func(f *Fake, node int) map[string]any
	// written is called, f.mu held, with the object before and after a PUT on node; it
	// enforces what the object says (it may restart the node's API service).
	written func(f *Fake, node int, before, after map[string]any) (restart bool)
	// status is the HTTP status a successful PUT answers (default 200).
	status int
}

// objectStore holds each object's values: one per node, or one (index 0) for the cluster.
type objectStore map[string][]map[string]any

func (f *Fake) resetObjects() {
	f.objects = objectStore{}
	for _, d := range f.defs {
		n := 1
		if d.perNode {
			n = len(f.sessions)
		}
		vals := make([]map[string]any, n)
		for i := range vals {
			vals[i] = d.defaults(f, i)
			if d.revision {
				vals[i]["_revision"] = int64(0)
			}
		}
		f.objects[d.path] = vals
	}
}

// object is the object at path as node holds it (f.mu held).
func (f *Fake) object(path string, node int) map[string]any {
	vals := f.objects[path]
	if len(vals) == 1 {
		return vals[0]
	}
	return vals[node]
}

func (f *Fake) setObject(path string, node int, v map[string]any) {
	vals := f.objects[path]
	if len(vals) == 1 {
		vals[0] = v
		return
	}
	vals[node] = v
}

// Object is the object at path as node holds it, for tests.
func (f *Fake) Object(path string, node int) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return copyMap(f.object(path, node))
}

// SetObjectField changes one field of the object at path on node, as someone working on that
// node alone (its CLI) would, without a revision or a restart.
func (f *Fake) SetObjectField(path string, node int, field string, v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := copyMap(f.object(path, node))
	setField(o, strings.Split(field, "."), v)
	f.setObject(path, node, o)
}

func setField(o map[string]any, parts []string, v any) {
	if len(parts) == 1 {
		o[parts[0]] = v
		return
	}
	next, _ := o[parts[0]].(map[string]any)
	if next == nil {
		next = map[string]any{}
	}
	next = copyMap(next)
	setField(next, parts[1:], v)
	o[parts[0]] = next
}

func copyMap(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	_ = d.Decode(&out)
	return normalize(out).(map[string]any) //nolint:forcetypeassert // an object stays an object
}

// normalize turns json.Numbers into int64 (or float64), recursively.
func normalize(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	}
	return v
}

func (f *Fake) getObject(d *objectDef, node int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		o := copyMap(f.object(d.path, node))
		f.mu.Unlock()
		o["_schema"] = d.schema
		o["_self"] = map[string]any{"href": strings.TrimPrefix(strings.TrimPrefix(d.path, "/api/v1"), "/policy/api/v1"), "rel": "self"}
		o["_links"] = []map[string]any{{"href": d.path, "rel": "self"}}
		writeJSON(w, http.StatusOK, o)
	}
}

func (f *Fake) putObject(d *objectDef, node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			apiError(w, http.StatusUnsupportedMediaType, errCodeBadRequest, "Content type "+ct+" is not supported; send application/json.")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Invalid request body: "+err.Error())
			return
		}
		var in map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Invalid request body: "+err.Error())
			return
		}
		in = normalize(in).(map[string]any) //nolint:forcetypeassert // decoded as an object
		f.mu.Lock()
		answered := false
		defer func() {
			if !answered {
				f.mu.Unlock()
			}
		}()
		before := f.object(d.path, node)
		if d.revision {
			rev, _ := in["_revision"].(int64)
			if _, given := in["_revision"]; !given || rev != before["_revision"] {
				f.stats.Add("stale_revisions", 1)
				apiError(w, http.StatusPreconditionFailed, errCodeStale, staleMessage)
				return
			}
		}
		next, err := f.checked(d.fields, d.readOnly, in, d.defaults(f, node), before, "")
		if err != nil {
			f.stats.Add("rejected_writes", 1)
			apiError(w, http.StatusBadRequest, errCodeBadRequest, err.Error())
			return
		}
		if d.revision {
			next["_revision"] = before["_revision"].(int64) + 1 //nolint:forcetypeassert // stored as int64
		}
		restart := false
		if d.written != nil {
			restart = d.written(f, node, before, next)
		}
		f.setObject(d.path, node, next)
		f.stats.Add("object_writes", 1)
		f.stats.Add("object_writes "+d.path, 1)
		status := d.status
		if status == 0 {
			status = http.StatusOK
		}
		out := copyMap(next)
		answered = true
		f.mu.Unlock()
		writeJSON(w, status, out)
		if srv := f.srv.Load(); restart && srv != nil {
			// With the answer written (it reaches the client as the handler returns), the
			// node's API service restarts.
			srv.RestartNode(node)
		}
	}
}

// checked is in as the object it writes: every field checked against its rule, read-only
// ones (and underscore ones) dropped and counted, fields left out at their default; before
// keeps the read-only fields as they were. at prefixes field names in messages.
func (f *Fake) checked(fields map[string]rule, readOnly map[string]bool, in, defaults, before map[string]any, at string) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range before {
		if readOnly[k] {
			out[k] = v
		}
	}
	for k, v := range in {
		switch {
		case strings.HasPrefix(k, "_") || readOnly[k]:
			f.stats.Add("ignored_read_only_fields", 1)
			continue
		case fields[k].kind == "":
			return nil, badRequest("Field %s%s is not allowed.", at, k)
		}
		cv, err := f.checkValue(fields[k], v, at+k, before[k])
		if err != nil {
			return nil, err
		}
		out[k] = cv
	}
	for k := range fields {
		if _, ok := out[k]; !ok {
			if dv, ok := defaults[k]; ok {
				out[k] = dv
			}
		}
	}
	return out, nil
}

// checkValue is v as rule r accepts it, or the 400's message.
func (f *Fake) checkValue(r rule, v any, name string, before any) (any, error) {
	switch r.kind {
	case "int":
		n, ok := v.(int64)
		if !ok {
			return nil, badRequest("Field %s must be an integer, not %s.", name, jsonText(v))
		}
		if (r.min != 0 || r.max != 0) && (n < r.min || n > r.max) {
			return nil, badRequest("Field %s has value %d outside the range %d to %d.", name, n, r.min, r.max)
		}
		return n, nil
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return nil, badRequest("Field %s must be a boolean, not %s.", name, jsonText(v))
		}
		return b, nil
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, badRequest("Field %s must be a string, not %s.", name, jsonText(v))
		}
		if len(r.enum) > 0 && !contains(r.enum, s) {
			return nil, badRequest("Field %s has value %q; it must be one of %s.", name, s, strings.Join(r.enum, ", "))
		}
		if r.maxLen > 0 && len(s) > r.maxLen {
			return nil, badRequest("Field %s is longer than %d characters.", name, r.maxLen)
		}
		if r.pattern != nil && !r.pattern.MatchString(s) {
			return nil, badRequest("Field %s has the invalid value %q.", name, s)
		}
		return s, nil
	case "list":
		items, ok := v.([]any)
		if !ok {
			return nil, badRequest("Field %s must be a list, not %s.", name, jsonText(v))
		}
		out := make([]any, 0, len(items))
		for i, it := range items {
			cv, err := f.checkValue(*r.item, it, fmt.Sprintf("%s[%d]", name, i), nil)
			if err != nil {
				return nil, err
			}
			out = append(out, cv)
		}
		return out, nil
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("Field %s must be an object, not %s.", name, jsonText(v))
		}
		prev, _ := before.(map[string]any)
		return f.checked(r.fields, r.readOnly, obj, map[string]any{}, prev, name+".")
	}
	return v, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// registerObjects serves every declared object on mux for node.
func (f *Fake) registerObjects(mux *http.ServeMux, node int) {
	for _, d := range f.defs {
		mux.HandleFunc("GET "+d.path, f.authed(node, f.getObject(d, node)))
		mux.HandleFunc("PUT "+d.path, f.authed(node, f.putObject(d, node)))
	}
}
