package nsxt

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The hierarchical policy API: GET /policy/api/v1/infra answers the tree of the types a
// type_filter ("Tier0;LocaleServices") or filter ("Type-Tier0|LocaleServices", Java regular
// expressions separated by ';') names, each object wrapped as NSX wraps it ({"resource_type":
// "ChildTier0", "Tier0": {…, "children": […]}}), an object only under a parent that is
// answered too; with neither, Infra alone. PATCH /policy/api/v1/infra creates, changes
// (merging, as a PATCH does) and deletes (marked_for_delete) any part of the tree in one
// request, every part checked before any is made; ChildResourceReference descends into an
// object without changing it; _revision is compared only with enforce_revision_check=true.

// maxTreeDepth bounds how deep a hierarchical body may nest.
const maxTreeDepth = 12

func (f *Fake) getInfra(w http.ResponseWriter, r *http.Request) {
	q := rawQuery(r)
	base := q.Get("base_path")
	if base == "" {
		base = "/infra"
	}
	var match func(typ string) bool
	switch {
	case q.Get("type_filter") != "":
		types := strings.Split(q.Get("type_filter"), ";")
		match = func(typ string) bool { return slices.Contains(types, typ) }
	case q.Get("filter") != "":
		var res []*regexp.Regexp
		for part := range strings.SplitSeq(q.Get("filter"), ";") {
			re, err := regexp.Compile(`^(?:` + strings.TrimPrefix(part, "Type-") + `)$`)
			if err != nil || !strings.HasPrefix(part, "Type-") {
				apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("The filter %q is not Type- followed by a regular expression.", part))
				return
			}
			res = append(res, re)
		}
		match = func(typ string) bool {
			return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(typ) })
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if base != "/infra" && f.policy[base] == nil {
		apiError(w, http.StatusNotFound, errCodePolicyPath, fmt.Sprintf("The path=[%s] is invalid.", base))
		return
	}
	var root map[string]any
	if base == "/infra" {
		root = map[string]any{"resource_type": "Infra", "id": "infra", "display_name": "infra", "path": "/infra", "relative_path": "infra",
			"marked_for_delete": false, "overridden": false, "_revision": int64(0), "_system_owned": false, "_protection": "NOT_PROTECTED"}
	} else {
		root = f.answer(base)
	}
	f.stats.Add("hierarchical_reads", 1)
	if match != nil {
		if children := f.childrenOf(base, match); len(children) > 0 {
			root["children"] = children
		}
	}
	writeJSON(w, http.StatusOK, root)
}

// childrenOf wraps every object directly under parent whose type matches, with its own.
func (f *Fake) childrenOf(parent string, match func(string) bool) []any {
	var out []any
	for _, p := range slices.Sorted(maps.Keys(f.policy)) {
		o := f.policy[p]
		if parentOf(p, o.kind) != parent || !match(o.kind.typ) {
			continue
		}
		obj := f.answer(p)
		if children := f.childrenOf(p, match); len(children) > 0 {
			obj["children"] = children
		}
		out = append(out, map[string]any{"resource_type": "Child" + o.kind.typ, o.kind.typ: obj, "marked_for_delete": false, "mark_for_override": false})
	}
	return out
}

func (f *Fake) patchInfra(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeObject(w, r)
	if !ok {
		return
	}
	if t, ok := in["resource_type"].(string); ok && t != "Infra" {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Field resource_type has value %q; it must be Infra.", t))
		return
	}
	enforce := rawQuery(r).Get("enforce_revision_check") == "true"
	f.mu.Lock()
	defer f.mu.Unlock()
	var ops []*policyOp
	planned := map[string]bool{}
	if refusal := f.planChildren("/infra", in["children"], enforce, planned, &ops, f.userOf(r), 0); refusal != nil {
		f.refuse(w, refusal)
		return
	}
	f.apply(ops)
	f.stats.Add("hierarchical_writes", 1)
	w.WriteHeader(http.StatusOK)
}

// planChildren checks the children of a hierarchical body under parent, appending the
// operations they make.
func (f *Fake) planChildren(parent string, v any, enforce bool, planned map[string]bool, ops *[]*policyOp, user string, depth int) *httpRefusal {
	if v == nil {
		return nil
	}
	children, ok := v.([]any)
	if !ok {
		return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, "Field children of " + parent + " must be a list."}
	}
	if depth > maxTreeDepth {
		return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, "The tree under " + parent + " is nested too deeply."}
	}
	for i, c := range children {
		child, ok := c.(map[string]any)
		wrapper, _ := child["resource_type"].(string)
		if !ok || wrapper == "" {
			return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Child %d of %s has no resource_type.", i, parent)}
		}
		if wrapper == "ChildResourceReference" {
			id, _ := child["id"].(string)
			typ, _ := child["target_type"].(string)
			path, ok := childPath(parent, typ, id)
			if !ok || (f.policy[path] == nil && !planned[path]) {
				return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("ChildResourceReference %s %q names nothing under %s.", typ, id, parent)}
			}
			if refusal := f.planChildren(path, child["children"], enforce, planned, ops, user, depth+1); refusal != nil {
				return refusal
			}
			continue
		}
		typ := strings.TrimPrefix(wrapper, "Child")
		obj, ok := child[typ].(map[string]any)
		if !ok || typ == wrapper {
			return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Child %d of %s, %s, does not hold the object %s.", i, parent, wrapper, typ)}
		}
		id, _ := obj["id"].(string)
		path, ok := childPath(parent, typ, id)
		if !ok {
			return &httpRefusal{http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("A %s with id %q cannot be under %s.", typ, id, parent)}
		}
		if child["marked_for_delete"] == true || obj["marked_for_delete"] == true {
			del, refusal := f.planDelete(path, planned)
			if refusal != nil {
				return refusal
			}
			*ops = append(*ops, del...)
			continue
		}
		body := map[string]any{}
		for k, v := range obj {
			if k != "children" && (k != "_revision" || enforce) {
				body[k] = v
			}
		}
		op, refusal := f.planWrite(path, body, true, planned, user)
		if refusal != nil {
			return refusal
		}
		*ops = append(*ops, op)
		planned[path] = true
		if refusal := f.planChildren(path, obj["children"], enforce, planned, ops, user, depth+1); refusal != nil {
			return refusal
		}
	}
	return nil
}

// childPath is the path of the object of type typ and id under parent.
func childPath(parent, typ, id string) (string, bool) {
	for i := range policyKinds {
		k := &policyKinds[i]
		if k.typ != typ {
			continue
		}
		parts := strings.Split(k.pattern, "/")
		var path string
		if k.singleton() {
			path = parent + "/" + parts[len(parts)-1]
		} else {
			path = parent + "/" + parts[len(parts)-2] + "/" + id
		}
		if matchPattern(k.pattern, path) {
			return path, true
		}
	}
	return "", false
}

// rawQuery is r's query split at '&' only: NSX takes a literal ';' inside a value (its
// documents write type_filter=Domain;Group), where Go's URL.Query drops such a pair.
func rawQuery(r *http.Request) url.Values {
	out := url.Values{}
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if k != "" && err1 == nil && err2 == nil {
			out.Add(k, v)
		}
	}
	return out
}

// startingInfra applies Options.Infra as PATCH /policy/api/v1/infra would (f.mu held).
func (f *Fake) startingInfra() error {
	if len(f.opts.Infra) == 0 {
		return nil
	}
	in, err := decodeJSONObject(f.opts.Infra)
	if err != nil {
		return fmt.Errorf("fake nsxt: the starting infra: %s", bodyProblem(err))
	}
	var ops []*policyOp
	if refusal := f.planChildren("/infra", in["children"], false, map[string]bool{}, &ops, "admin", 0); refusal != nil {
		return fmt.Errorf("fake nsxt: the starting infra: %s", refusal.msg)
	}
	f.apply(ops)
	return nil
}
