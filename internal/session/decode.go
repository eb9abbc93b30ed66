package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"
)

// BodyError is a successful answer whose body is not the JSON the caller expected. Its
// message says what came instead, which is usually enough to tell what answered: a proxy's
// or single-sign-on page, the web UI, or an answer cut short.
type BodyError struct {
	Block   string
	Host    string
	Request string // "GET /path"
	Status  int
	Kind    string // "html", "truncated" or "not-json"
	Detail  string
}

func (e *BodyError) Error() string {
	lead := fmt.Sprintf("the %s manager at %s answered %s with HTTP %d", e.Block, e.Host, e.Request, e.Status)
	switch e.Kind {
	case "html":
		return lead + " and an HTML page " + e.Detail + " where JSON was expected; something other than the manager's API answered " +
			"(a proxy, a load balancer or a single-sign-on page), or the address points at the web interface"
	case "truncated":
		return lead + " but the JSON document " + e.Detail + "; the answer was cut short by the connection or a proxy"
	}
	return lead + " and something that is not JSON " + e.Detail + "."
}

// DecodeJSON decodes the body of resp, answered to request ("GET /path"), into out. When the
// body is not the JSON expected it returns a *BodyError that says what came instead.
func DecodeJSON(block, request string, resp *Response, out any) error {
	err := json.Unmarshal(resp.Body, out)
	if err == nil {
		return nil
	}
	e := &BodyError{Block: block, Host: resp.Node, Request: request, Status: resp.StatusCode}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case looksHTML(resp):
		e.Kind, e.Detail = "html", htmlTitle(resp.Body)
	case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syntax) && strings.Contains(err.Error(), "unexpected end")) || (len(bytes.TrimSpace(resp.Body)) == 0):
		e.Kind = "truncated"
		e.Detail = fmt.Sprintf("ends after %d bytes, before it is complete", len(resp.Body))
	case errors.As(err, &typeErr):
		e.Kind, e.Detail = "not-json", "in the expected shape: "+mismatchOf(err, resp.Body).Error()
	default:
		e.Kind, e.Detail = "not-json", fmt.Sprintf("(Content-Type %q): %s", resp.Header.Get("Content-Type"), BodyPreview(resp.Body))
	}
	return e
}

// DescribeBody is a short account of a body that is not the manager's own error object, for
// error messages: an HTML page is named by its title, anything else is excerpted.
func DescribeBody(resp *Response) string {
	if looksHTML(resp) {
		return "an HTML page " + htmlTitle(resp.Body) + " (not the manager's API: a proxy, a load balancer or a login page answered)"
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return "an empty body"
	}
	return BodyPreview(resp.Body)
}

func looksHTML(resp *Response) bool {
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	b := bytes.ToLower(bytes.TrimSpace(resp.Body))
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html"))
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func htmlTitle(body []byte) string {
	m := titleRE.FindSubmatch(body)
	if m == nil {
		return "without a title"
	}
	t := Truncate(strings.Join(strings.Fields(Clean(maskKnown(html.UnescapeString(string(m[1]))))), " "), 120)
	return fmt.Sprintf("titled %q", t)
}

// loginAnswerLimit bounds an Authenticator's answer (a login, a token, a logout).
const loginAnswerLimit = 1 << 20

// Exchange is how an Authenticator sends its request (a login, a token fetch, a logout) with
// the client it was given, and reads the answer: at most 1 MiB of it, with the response's
// headers. A request that got no answer is a *TransportError of block; an answer larger than
// 1 MiB is returned cut at 1 MiB beside a *TooLargeError, so that an Authenticator that needs
// only the headers (a session cookie) can still use it.
func Exchange(hc *http.Client, block string, req *http.Request) (*Response, error) {
	resp, err := hc.Do(req) //nolint:gosec // the configured manager, the Authenticator's own request
	if err != nil {
		return nil, &TransportError{Block: block, Host: req.URL.Host, Err: err, Abandoned: req.Context().Err() != nil}
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, loginAnswerLimit+1))
	if err != nil {
		return nil, &TransportError{Block: block, Host: req.URL.Host, Err: &CutOffError{
			Request: req.Method + " " + req.URL.Path, Status: resp.StatusCode, Got: len(body), Want: resp.ContentLength, Err: err,
		}}
	}
	answer := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Node: req.URL.Host, Request: req.Method + " " + req.URL.Path}
	if len(body) > loginAnswerLimit {
		answer.Body = body[:loginAnswerLimit]
		return answer, &TooLargeError{Block: block, Host: req.URL.Host, Request: req.Method + " " + req.URL.Path, Status: resp.StatusCode, Limit: loginAnswerLimit}
	}
	return answer, nil
}

// Cookies parses the Set-Cookie headers of the answer.
func (r *Response) Cookies() []*http.Cookie {
	return (&http.Response{Header: r.Header}).Cookies()
}

// MaxExcerpt bounds what a DecodeError quotes of an answer.
const MaxExcerpt = 64

// DecodeError is a value of a manager's answer that does not fit what the provider expects:
// where it is, what was expected and a short excerpt of what came, in words (never a Go
// type). The object and the node are the caller's to say.
type DecodeError struct {
	// Path is the field path within the decoded value ("" for the value itself), as
	// Terraform writes it: "targets[0].port", "levels[\"syslog\"]".
	Path string
	// Want says what was expected: "a whole number", "a string", "a list".
	Want string
	// Got is a short, masked and cleaned excerpt of what was answered, or its kind.
	Got string
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("the answer is %s where %s is expected", e.Got, e.Want)
	}
	return fmt.Sprintf("%s is %s where %s is expected", e.Path, e.Got, e.Want)
}

// At is a copy of e placed under the field name.
func (e *DecodeError) At(name string) *DecodeError {
	out := *e
	out.Path = JoinPath(name, e.Path)
	return &out
}

// Under places e under step (a field name, or an index in brackets) and returns it.
func (e *DecodeError) Under(step string) *DecodeError {
	e.Path = JoinPath(step, e.Path)
	return e
}

// JoinPath is child's path under parent: "a" + "b" is "a.b", "a" + "[0]" is "a[0]".
func JoinPath(parent, child string) string {
	switch {
	case child == "":
		return parent
	case parent == "":
		return child
	case child[0] == '[':
		return parent + child
	}
	return parent + "." + child
}

// Excerpt is raw as an error may quote it: masked, without control characters, at most
// MaxExcerpt bytes.
func Excerpt(raw []byte) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 4*MaxExcerpt+4096 {
		s = s[:4*MaxExcerpt+4096]
	}
	s = Clean(maskKnown(s))
	if len(s) > MaxExcerpt {
		s = Truncate(s, MaxExcerpt)
	}
	return s
}

// Unmarshal decodes raw into out like json.Unmarshal, but a body of another shape is a
// *DecodeError naming the field and what was expected, in words.
func Unmarshal(raw []byte, out any) error {
	err := json.Unmarshal(raw, out)
	if err == nil {
		return nil
	}
	return mismatchOf(err, raw)
}

// mismatchOf is err, json.Unmarshal's about raw, as a *DecodeError.
func mismatchOf(err error, raw []byte) error {
	if typeErr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		got := typeErr.Value
		if typeErr.Offset > 0 && typeErr.Offset <= int64(len(raw)) {
			got = Excerpt(tokenBefore(raw, int(typeErr.Offset)))
		}
		return &DecodeError{Path: typeErr.Field, Want: wantOf(typeErr.Type), Got: got}
	}
	return &DecodeError{Want: "a JSON document", Got: Excerpt(raw)}
}

// tokenBefore is the JSON value that ends at offset in raw (where the decoder stopped).
func tokenBefore(raw []byte, offset int) []byte {
	start := offset - 1
	for start > 0 && !bytes.ContainsRune([]byte(":,[{"), rune(raw[start-1])) {
		start--
	}
	return raw[start:offset]
}

// wantOf says in words what a value of Go type t is.
func wantOf(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("a whole number from %d to %d", minOf(t.Bits()), maxOf(t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another kind of value"
}

func minOf(bits int) int64 { return -1 << (bits - 1) }
func maxOf(bits int) int64 { return 1<<(bits-1) - 1 }

// ProductOf names the product an answer comes from, by what is distinctive in its body (the
// error shapes the managers document, SD-WAN Manager's login page), for an error that says
// another product answered an address; "" where nothing is. NSX is named "NSX".
func ProductOf(resp *Response) string {
	body := resp.Body[:min(len(resp.Body), 64<<10)]
	var obj map[string]json.RawMessage
	var arr []map[string]json.RawMessage
	switch {
	case json.Unmarshal(body, &obj) == nil:
		_, code := obj["error_code"]
		_, module := obj["module_name"]
		_, message := obj["error_message"]
		_, errType := obj["error_type"]
		_, messages := obj["messages"]
		switch {
		case code && (module || message):
			return "NSX" // ApiError
		case errType && messages, bytes.Contains(body, []byte("com.vmware.vapi.std.errors")):
			return "vCenter" // vAPI's error, /api and the legacy /rest
		}
	case json.Unmarshal(body, &arr) == nil && len(arr) > 0:
		_, token := arr[0]["token"]
		_, message := arr[0]["message"]
		if token && message {
			return "an Illumio PCE" // the PCE's error list
		}
	case bytes.Contains(body, []byte("<errorCode>")) && bytes.Contains(body, []byte("<error>")):
		return "NSX for vSphere" // its XML error
	case looksHTML(resp) && (bytes.Contains(body, []byte("j_security_check")) || bytes.Contains(body, []byte("SD-WAN")) ||
		bytes.Contains(body, []byte("vManage"))):
		return "Cisco Catalyst SD-WAN Manager" // its login page
	}
	return ""
}

// SessionCookie is the last non-empty cookie name the answer sets (a form login's
// JSESSIONID), as the only cookie a client sends back; nil where there is none.
func SessionCookie(answer *Response, name string) *http.Cookie {
	var found *http.Cookie
	for _, c := range answer.Cookies() {
		if c.Name == name && c.Value != "" {
			found = &http.Cookie{Name: name, Value: c.Value} //nolint:gosec // a cookie this client sends; Secure/HttpOnly are the server's attributes
		}
	}
	return found
}
