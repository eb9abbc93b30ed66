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
		e.Kind, e.Detail = "not-json", fmt.Sprintf("in the expected shape (%v): %s", err, BodyPreview(resp.Body))
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
