package nsxt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// How the fake refuses what it is sent, from one place: NSX's ApiError envelope (apiError),
// in plain words that name the field and what was expected, never the fake's own Go types or
// packages. NSX's exact words for a malformed body are not documented: these are the fake's.

// bodyProblem is what is wrong with a request body a decoder refused, in those words.
func bodyProblem(err error) string {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("The request body is not valid JSON (at character %d).", syntax.Offset)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return "The request body must be " + jsonKind(typeErr.Type) + "."
		}
		return fmt.Sprintf("Field %s must be %s, not %s.", field, jsonKind(typeErr.Type), jsonValueWord(typeErr.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "The request body is empty or cut short."
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("Field %s is not a field of this object.", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	case strings.HasPrefix(err.Error(), "json: "):
		return "The request body cannot be read as this object."
	}
	return err.Error() // the fake's own sentence
}

// jsonKind names what a Go type holds in JSON's words.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another kind of value"
}

// jsonValueWord is the json package's description of a value ("string", "number 1.5") in
// words: the kind only.
func jsonValueWord(v string) string {
	switch kind, _, _ := strings.Cut(v, " "); kind {
	case "string":
		return "a string"
	case "number":
		return "a number"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return "null"
}

// revision is a `_revision` as a client sends it: a number, or (the likelier reading of NSX,
// whose Java JSON binding takes a numeric string for an integer by default; not documented)
// a string that holds one. It is compared as its number.
type revision int64

func (r *revision) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: reflect.TypeFor[int64]()} // the decoder adds the field
	}
	*r = revision(n)
	return nil
}

// revisionOf is a decoded object's `_revision` (int64 from decodeJSONObject, or a numeric
// string as above); false where it is missing or not a whole number.
func revisionOf(v any) (int64, bool) {
	switch r := v.(type) {
	case int64:
		return r, true
	case string:
		n, err := strconv.ParseInt(r, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// staleRevision answers a write whose `_revision` is not the object's: NSX's 412 document.
func (f *Fake) staleRevision(w http.ResponseWriter) {
	f.stats.Add("stale_revisions", 1)
	apiError(w, http.StatusPreconditionFailed, errCodeStale, staleMessage)
}

// refusedWrite reports whether a write's answer is a refusal of what was sent (counted as
// rejected_writes): a 4xx but the session's (401, 403), a stale revision's (412, counted as
// stale_revisions) and the limits' (429).
func refusedWrite(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusPreconditionFailed, http.StatusTooManyRequests:
		return false
	}
	return status >= 400 && status < 500
}
