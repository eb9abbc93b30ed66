package nsxt

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// The Policy search API, GET /policy/api/v1/search/query, as other NSX clients use it to find
// segments (the vendor's provider looks a segment up with
// `resource_type:Segment AND display_name:<name>* AND marked_for_delete:false`, or with
// `id:<id>` in place of display_name). The query is Lucene syntax; this fake understands the
// subset those clients send: terms `field:value` joined by AND, a value quoted or with
// backslash-escaped special characters, and a trailing `*` for a prefix. A field the object
// lacks matches nothing, as on the product. OR, NOT and ranges are refused with 400, so that a
// client relying on them finds out here rather than being told nothing matched.

type searchTerm struct {
	field, value string
	prefix       bool
}

func parseQuery(q string) ([]searchTerm, error) {
	if strings.TrimSpace(q) == "" {
		return nil, badRequest("Field query is required.")
	}
	var terms []searchTerm
	for _, part := range splitAnd(q) {
		part = strings.TrimSpace(part)
		if part == "" || strings.HasPrefix(part, "NOT ") || strings.Contains(part, " OR ") || strings.HasPrefix(part, "(") {
			return nil, badRequest("This fake's search understands only terms joined by AND; got %q.", part)
		}
		field, value, ok := cutUnescaped(part, ':')
		if !ok {
			return nil, badRequest("Invalid search query term %q: expected field:value.", part)
		}
		t := searchTerm{field: field}
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			t.value = value[1 : len(value)-1]
		} else {
			if strings.HasSuffix(value, "*") && !strings.HasSuffix(value, `\*`) {
				t.prefix, value = true, strings.TrimSuffix(value, "*")
			}
			t.value = unescapeLucene(value)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// splitAnd splits on " AND " outside quotes.
func splitAnd(q string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(q); i++ {
		switch {
		case q[i] == '\\':
			i++
		case q[i] == '"':
			quoted = !quoted
		case !quoted && strings.HasPrefix(q[i:], " AND "):
			out = append(out, q[start:i])
			start = i + len(" AND ")
			i += len(" AND ") - 1
		}
	}
	return append(out, q[start:])
}

func cutUnescaped(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func unescapeLucene(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// fieldValues returns the values of a dotted field ("tags.scope") in obj, as strings.
func fieldValues(obj any, field string) []string {
	head, rest, nested := strings.Cut(field, ".")
	switch v := obj.(type) {
	case map[string]any:
		x, ok := v[head]
		if !ok {
			return nil
		}
		if nested {
			return fieldValues(x, rest)
		}
		return scalars(x)
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fieldValues(e, field)...)
		}
		return out
	}
	return nil
}

func scalars(x any) []string {
	switch v := x.(type) {
	case string:
		return []string{v}
	case bool:
		return []string{strconv.FormatBool(v)}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, scalars(e)...)
		}
		return out
	}
	return nil
}

func matches(obj map[string]any, terms []searchTerm) bool {
	for _, t := range terms {
		found := false
		for _, v := range fieldValues(obj, t.field) {
			// Search matches case-insensitively on the analysed fields clients use.
			if (t.prefix && strings.HasPrefix(strings.ToLower(v), strings.ToLower(t.value))) ||
				(!t.prefix && strings.EqualFold(v, t.value)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (f *Fake) searchQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	terms, err := parseQuery(q.Get("query"))
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, err.Error())
		return
	}
	pageSize, offset, ok := pageOf(w, q, offsetCursor)
	if !ok {
		return
	}
	f.mu.Lock()
	all := f.segments
	f.mu.Unlock()
	var hits []map[string]any
	for _, s := range all {
		b, _ := json.Marshal(s)
		var obj map[string]any
		_ = json.Unmarshal(b, &obj)
		if matches(obj, terms) {
			hits = append(hits, obj)
		}
	}
	offset = min(offset, len(hits))
	end := min(offset+pageSize, len(hits))
	body := map[string]any{"results": append([]map[string]any{}, hits[offset:end]...), "result_count": len(hits)}
	if end < len(hits) {
		body["cursor"] = strconv.Itoa(end)
	}
	f.stats.Add("search_queries", 1)
	writeJSON(w, http.StatusOK, body)
}
