package nsxt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
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
	// item is the rule of each element of a "list", maxItems its most elements (0: any).
	item     *rule
	maxItems int
	minLen   int
	// required: a write must carry the field (within an object value); def is the value
	// of one left out.
	required bool
	def      any
	// ref names the struct of an object value in the policy schema (policy_schema.json),
	// whose fields it then takes.
	ref string
}

// need is r required; or is r with default v; most is r with at most n items.
func (r rule) need() rule      { r.required = true; return r }
func (r rule) or(v any) rule   { r.def = v; return r }
func (r rule) most(n int) rule { r.maxItems = n; return r }

func intRule(lo, hi int64) rule              { return rule{kind: "int", min: lo, max: hi} }
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
	// secrets are the paths (dotted; "[]" steps into each item of a list) of values the
	// manager keeps but never answers: GET leaves them out, and a PUT that leaves one out
	// keeps what is stored for the same item (see keep), where NSX documents "when
	// updating, do not include this field".
	secrets []string
	// keep, for a list of items under secrets, is the field that identifies an item.
	keep map[string]string
	// check refuses a PUT whose object as written NSX refuses as a whole (a cross-field
	// rule), f.mu held; node is the node written.
	check func(f *Fake, node int, next map[string]any) error
	// derive sets the read-only fields that follow from the others (f.mu held).
	derive func(next map[string]any)
	// present fills, in an answer, the read-only fields that come from elsewhere (f.mu held).
	present func(f *Fake, node int, o map[string]any)
	// bare: the object's model has no _schema, _self and _links (BackupConfiguration).
	bare bool
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

// Tamper is a change another client makes to the object at Path on Node (0-based) right
// after the next write of it there has been answered: Field (dotted) set to Value, with a
// new `_revision`, as a write of its own would.
type Tamper struct {
	Path  string `json:"path"`
	Node  int    `json:"node"`
	Field string `json:"field"`
	Value any    `json:"value"`
}

// TamperAfterWrite arms t (POST /_fake/tamper).
func (f *Fake) TamperAfterWrite(t Tamper) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tampers = append(f.tampers, t)
}

// tamper applies the change armed for path on node, if any; f.mu is held.
func (f *Fake) tamper(path string, node int) {
	for i, t := range f.tampers {
		if t.Path != path || t.Node != node {
			continue
		}
		f.tampers = append(f.tampers[:i], f.tampers[i+1:]...)
		o := copyMap(f.object(path, node))
		setField(o, strings.Split(t.Field, "."), normalize(t.Value))
		if rev, ok := o["_revision"].(int64); ok {
			o["_revision"] = rev + 1
		}
		f.setObject(path, node, o)
		f.stats.Add("tampered", 1)
		return
	}
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
		if d.present != nil {
			d.present(f, node, o)
		}
		f.mu.Unlock()
		hideSecrets(o, d.secrets)
		if !d.bare {
			o["_schema"] = d.schema
			o["_self"] = map[string]any{"href": strings.TrimPrefix(strings.TrimPrefix(d.path, "/api/v1"), "/policy/api/v1"), "rel": "self"}
			o["_links"] = []map[string]any{{"href": d.path, "rel": "self"}}
		}
		writeJSON(w, http.StatusOK, o)
	}
}

func (f *Fake) putObject(d *objectDef, node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, ok := decodeObject(w, r)
		if !ok {
			return
		}
		f.mu.Lock()
		answered := false
		defer func() {
			if !answered {
				f.mu.Unlock()
			}
		}()
		before := f.object(d.path, node)
		if d.revision {
			if rev, ok := revisionOf(in["_revision"]); !ok || rev != before["_revision"] {
				f.staleRevision(w)
				return
			}
			in["_revision"] = before["_revision"] // read as its number
		}
		next, err := f.checked(d.fields, d.readOnly, in, d.defaults(f, node), before, "")
		if err == nil {
			err = keepSecrets(next, before, d.secrets, d.keep)
		}
		if err == nil && d.derive != nil {
			d.derive(next)
		}
		if err == nil && d.check != nil {
			err = d.check(f, node, next)
		}
		if err != nil {
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
		if d.present != nil {
			d.present(f, node, out)
		}
		hideSecrets(out, d.secrets)
		f.tamper(d.path, node) // after the answer was made: the next read shows it
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
	for k, r := range fields {
		if _, ok := out[k]; ok {
			continue
		}
		switch dv, ok := defaults[k]; {
		case ok:
			out[k] = dv
		case r.required:
			return nil, badRequest("Field %s%s is required.", at, k)
		case r.def != nil:
			out[k] = r.def
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
		if len(s) < r.minLen {
			return nil, badRequest("Field %s is shorter than %d characters.", name, r.minLen)
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
		if r.maxItems > 0 && len(items) > r.maxItems {
			return nil, badRequest("Field %s has %d items; at most %d are allowed.", name, len(items), r.maxItems)
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
	case "number":
		switch v.(type) {
		case int64, float64:
			return v, nil
		}
		return nil, badRequest("Field %s must be a number, not %s.", name, jsonText(v))
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, badRequest("Field %s must be an object, not %s.", name, jsonText(v))
		}
		prev, _ := before.(map[string]any)
		fields := r.fields
		if r.ref != "" {
			fields = policySchema()[r.ref]
		}
		return f.checked(fields, r.readOnly, obj, map[string]any{}, prev, name+".")
	}
	return v, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func contains(list []string, s string) bool {
	return slices.Contains(list, s)
}

// registerObjects serves every declared object on mux for node.
func (f *Fake) registerObjects(mux *http.ServeMux, node int) {
	for _, d := range f.defs {
		mux.HandleFunc("GET "+d.path, f.authed(node, f.getObject(d, node)))
		if d.path != BannerWritePath { // its writes depend on Options.BannerWrite (Handler)
			mux.HandleFunc("PUT "+d.path, f.authed(node, f.putObject(d, node)))
		}
	}
}

// hideSecrets removes the values at paths from o (see objectDef.secrets).
func hideSecrets(o map[string]any, paths []string) {
	for _, p := range paths {
		walkSecret(o, strings.Split(p, "."), func(parent map[string]any, key string) { delete(parent, key) })
	}
}

// walkSecret calls at for the parent object and key of every value at parts in o.
func walkSecret(o map[string]any, parts []string, at func(parent map[string]any, key string)) {
	if len(parts) == 1 {
		if _, ok := o[parts[0]]; ok {
			at(o, parts[0])
		}
		return
	}
	key := strings.TrimSuffix(parts[0], "[]")
	switch next := o[key].(type) {
	case map[string]any:
		walkSecret(next, parts[1:], at)
	case []any:
		for _, it := range next {
			if m, ok := it.(map[string]any); ok {
				walkSecret(m, parts[1:], at)
			}
		}
	}
}

// keepSecrets gives each secret next leaves out the value before stores for the same item
// (the same object, or the list item with the same keep field); a new list item without its
// secret is refused, as NSX documents the field "required when adding". Whether an object's
// own secret is required is its check's to say.
func keepSecrets(next, before map[string]any, paths []string, keep map[string]string) error {
	for _, p := range paths {
		parts := strings.Split(p, ".")
		if err := keepSecret(next, before, parts, keep, ""); err != nil {
			return err
		}
	}
	return nil
}

func keepSecret(next, before map[string]any, parts []string, keep map[string]string, at string) error {
	if len(parts) == 1 {
		if _, given := next[parts[0]]; given {
			return nil
		}
		if v, ok := before[parts[0]]; ok {
			next[parts[0]] = v
		}
		return nil
	}
	key := strings.TrimSuffix(parts[0], "[]")
	if strings.HasSuffix(parts[0], "[]") {
		items, _ := next[key].([]any)
		prev, _ := before[key].([]any)
		id := keep[key]
		for i, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			var old map[string]any
			for _, pv := range prev {
				if pm, ok := pv.(map[string]any); ok && id != "" && pm[id] == m[id] {
					old = pm
				}
			}
			if old == nil {
				if _, given := m[parts[len(parts)-1]]; !given && len(parts) == 2 {
					return badRequest("Field %s%s[%d].%s is required when adding an item.", at, key, i, parts[1])
				}
			}
			if err := keepSecret(m, old, parts[1:], keep, fmt.Sprintf("%s%s[%d].", at, key, i)); err != nil {
				return err
			}
		}
		return nil
	}
	n, _ := next[key].(map[string]any)
	if n == nil {
		return nil
	}
	b, _ := before[key].(map[string]any)
	return keepSecret(n, b, parts[1:], keep, at+key+".")
}

// decodeJSONObject is body as a JSON object, its numbers int64 (or float64).
func decodeJSONObject(body []byte) (map[string]any, error) {
	var in map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, fmt.Errorf("the body is not an object")
	}
	return normalize(in).(map[string]any), nil //nolint:forcetypeassert // decoded as an object
}
