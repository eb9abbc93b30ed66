package illumio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Errors matched with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	// ErrGone: the label was deleted already (406 on DELETE).
	ErrGone = errors.New("already deleted")
	// ErrDuplicateLabel: a label with that key and value exists (406, token *duplicate*).
	ErrDuplicateLabel = errors.New("label exists already")
	// ErrUnknownLabelType: the PCE knows no label type (key) of that name (406, token *label_key*).
	ErrUnknownLabelType = errors.New("unknown label type")
)

// APIError is a PCE error answer: a list of {token, message}, or {"error": "..."}.
type APIError struct {
	session.HTTPError
	Tokens []string
	Msgs   []string
}

// Message is the PCE's own words, or a description of the body.
func (e *APIError) Message() string {
	if len(e.Msgs) > 0 {
		return strings.Join(e.Msgs, "; ")
	}
	if len(e.Tokens) > 0 {
		return strings.Join(e.Tokens, "; ")
	}
	if e.Body != "" {
		return e.Body
	}
	return http.StatusText(e.Status)
}

func (e *APIError) Error() string {
	return e.Say("the PCE", strings.Join(e.Tokens, ", "), e.Message())
}

// Is maps answers onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrGone:
		return e.Status == http.StatusNotAcceptable && strings.Contains(strings.ToLower(e.Message()), "deleted")
	case ErrDuplicateLabel:
		return e.Status == http.StatusNotAcceptable && e.hasToken("duplicate")
	case ErrUnknownLabelType:
		return e.Status == http.StatusNotAcceptable && e.hasToken("label_key")
	}
	return false
}

func (e *APIError) hasToken(part string) bool {
	for _, t := range e.Tokens {
		if strings.Contains(t, part) {
			return true
		}
	}
	return false
}

// maxQuotedErrors is how many of the errors in one answer a message quotes.
const maxQuotedErrors = 10

// DecodeError reads a PCE error answer.
func DecodeError(resp *session.Response) *APIError {
	e := &APIError{HTTPError: session.NewHTTPError(resp)}
	var list []struct {
		Token   string `json:"token"`
		Message string `json:"message"`
	}
	if json.Unmarshal(resp.Body, &list) == nil && len(list) > 0 {
		for _, x := range list[:min(len(list), maxQuotedErrors)] {
			if x.Token != "" {
				e.Tokens = append(e.Tokens, session.Quote(x.Token))
			}
			if x.Message != "" {
				e.Msgs = append(e.Msgs, session.Quote(x.Message))
			}
		}
		return e
	}
	var obj struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(resp.Body, &obj) == nil && obj.Error != "" {
		e.Msgs = []string{session.Quote(obj.Error)}
		return e
	}
	if len(strings.TrimSpace(string(resp.Body))) > 0 {
		e.Body = session.DescribeBody(resp)
	}
	return e
}

// Client is the typed PCE client over a session.
type Client struct {
	s *session.Client
}

// NewClient wraps a session client.
func NewClient(s *session.Client) *Client { return &Client{s: s} }

func (c *Client) do(ctx context.Context, method, p string, hdr http.Header, in, out any) (*session.Response, error) {
	req, err := session.JSONRequest(method, "/api/v2"+p, in)
	if err != nil {
		return nil, err
	}
	req.Reusable = method == http.MethodGet && p == "/product_version"
	maps.Copy(req.Header, hdr)
	resp, err := c.s.Checked(ctx, "", req, func(resp *session.Response) error { return DecodeError(resp) })
	if err != nil {
		return resp, err
	}
	if out != nil && resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusAccepted {
		if err := session.DecodeJSON("illumio", method+" "+req.Path, resp, out); err != nil {
			return resp, err
		}
	}
	return resp, nil
}

// Orgs returns the organizations of the logged-in user, from the login answer. An API key
// has no login answer: nil.
func (c *Client) Orgs(ctx context.Context) ([]Org, error) {
	facts, err := c.s.LoginFacts(ctx)
	if err != nil {
		return nil, err
	}
	if facts[FactOrgs] == "" {
		return nil, nil
	}
	var orgs []Org
	if err := json.Unmarshal([]byte(facts[FactOrgs]), &orgs); err != nil {
		return nil, err
	}
	return orgs, nil
}

// Version is GET /api/v2/product_version.
type Version struct {
	Version      string `json:"version"`
	Build        int64  `json:"build"`
	LongDisplay  string `json:"long_display"`
	ShortDisplay string `json:"short_display"`
}

// ProductVersion reads the PCE's version.
func (c *Client) ProductVersion(ctx context.Context) (*Version, error) {
	var v Version
	if _, err := c.do(ctx, http.MethodGet, "/product_version", nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Label is a PCE label.
type Label struct {
	Href                  string `json:"href"`
	Key                   string `json:"key"`
	Value                 string `json:"value"`
	Deleted               bool   `json:"deleted"`
	ExternalDataSet       string `json:"external_data_set,omitempty"`
	ExternalDataReference string `json:"external_data_reference,omitempty"`
	CreatedAt             string `json:"created_at"`
	UpdatedAt             string `json:"updated_at"`
}

// ID is the label's numeric id, the last element of its href.
func (l Label) ID() string { return path.Base(l.Href) }

// LabelFilter is what the PCE filters labels by: key exactly, value partially.
type LabelFilter struct {
	Key            string
	Value          string
	IncludeDeleted bool
}

// SyncLimit is the most labels a synchronous GET returns.
const SyncLimit = 500

// ListStats says how a listing was read.
type ListStats struct {
	Total    int  // X-Total-Count
	Requests int  // HTTP requests made (not counting retries)
	Async    bool // read through an async collection job
}

// Labels returns every label of org matching f. A synchronous GET returns at most 500; when
// X-Total-Count says there are more, the collection is requested asynchronously
// (Prefer: respond-async), the job polled as its Retry-After says, and its result fetched.
func (c *Client) Labels(ctx context.Context, org int64, f LabelFilter) ([]Label, ListStats, error) {
	q := url.Values{}
	if f.Key != "" {
		q.Set("key", f.Key)
	}
	if f.Value != "" {
		q.Set("value", f.Value)
	}
	if f.IncludeDeleted {
		q.Set("include_deleted", "true")
	}
	collection := fmt.Sprintf("/orgs/%d/labels", org)
	var st ListStats
	sync := url.Values{}
	maps.Copy(sync, q)
	sync.Set("max_results", strconv.Itoa(SyncLimit))
	var labels []Label
	resp, err := c.do(ctx, http.MethodGet, collection+"?"+sync.Encode(), nil, nil, &labels)
	st.Requests++
	if err != nil {
		return nil, st, err
	}
	st.Total = len(labels)
	if tc := resp.Header.Get("X-Total-Count"); tc != "" {
		n, err := strconv.Atoi(tc)
		if err != nil {
			return nil, st, fmt.Errorf("the PCE's X-Total-Count %q is not a number", tc)
		}
		st.Total = n
	}
	if st.Total <= len(labels) {
		labels, err = checkedLabels(ctx, c, labels)
		return labels, st, err
	}

	// More than a synchronous answer holds: the async collection.
	st.Async = true
	resp, err = c.do(ctx, http.MethodGet, collection+"?"+q.Encode(), http.Header{"Prefer": {"respond-async"}}, nil, nil)
	st.Requests++
	if err != nil {
		return nil, st, err
	}
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Location") == "" {
		return nil, st, fmt.Errorf("the PCE answered the async request for %s with HTTP %d and no job Location", collection, resp.StatusCode)
	}
	job, err := c.apiPath(resp.Header.Get("Location"))
	if err != nil {
		return nil, st, fmt.Errorf("the PCE's async answer for %s: job Location %w", collection, err)
	}
	start := time.Now()
	wait := pollWait(resp.Header, 5*time.Second)
	for {
		select {
		case <-ctx.Done():
			return nil, st, fmt.Errorf("the PCE's label job %s was still not done after %s (%d polls): %w",
				job, time.Since(start).Round(time.Second), st.Requests-2, ctx.Err())
		case <-time.After(wait):
		}
		var status struct {
			Status string `json:"status"`
			Result struct {
				Href string `json:"href"`
			} `json:"result"`
		}
		resp, err := c.do(ctx, http.MethodGet, job, nil, nil, &status)
		st.Requests++
		if err != nil {
			return nil, st, err
		}
		switch status.Status {
		case "done", "completed":
			result, err := c.apiPath(status.Result.Href)
			if err != nil {
				return nil, st, fmt.Errorf("the PCE's label job %s is done, but its result.href %w", job, err)
			}
			var all []Label
			_, err = c.do(ctx, http.MethodGet, result, nil, nil, &all)
			st.Requests++
			if err != nil {
				return nil, st, err
			}
			if len(all) < st.Total {
				return nil, st, fmt.Errorf("the PCE's label job returned %d labels, but X-Total-Count said %d", len(all), st.Total)
			}
			all, err = checkedLabels(ctx, c, all)
			return all, st, err
		case "failed":
			return nil, st, fmt.Errorf("the PCE's label job %s failed", job)
		}
		wait = pollWait(resp.Header, wait)
	}
}

// checkedLabels counts a listing against the read's budget and refuses one that names a
// label twice (by href): state would hold it twice.
func checkedLabels(ctx context.Context, c *Client, labels []Label) ([]Label, error) {
	if err := c.s.CountItems(ctx, len(labels)); err != nil {
		return nil, fmt.Errorf("listing the labels: %w", err)
	}
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		if seen[l.Href] {
			return nil, fmt.Errorf("%w: the label listing names %q twice", ErrRepeatedItem, session.Truncate(session.Clean(l.Href), 80))
		}
		seen[l.Href] = true
	}
	return labels, nil
}

// ErrRepeatedItem: a listing answered the same object twice.
var ErrRepeatedItem = errors.New("the PCE listed an object twice")

// Polls of an async job are spaced by the PCE's Retry-After, within these bounds: a
// Retry-After of 0 must not turn the poll into a busy loop, nor one of a day into a hang.
const (
	minPoll = time.Second
	maxPoll = 30 * time.Second
)

func pollWait(h http.Header, dflt time.Duration) time.Duration {
	return min(max(retryAfter(h, dflt), minPoll), maxPoll)
}

func retryAfter(h http.Header, dflt time.Duration) time.Duration {
	if d, ok := session.RetryAfter(h); ok {
		return d
	}
	return dflt
}

// apiPath turns a reference the PCE gives (a job Location, a result href) into a path below
// /api/v2. The PCE documents two forms of Location: relative to the API version
// ("/orgs/1/jobs/<uuid>") and absolute ("https://pce.example:8443/api/v2/orgs/1/jobs/<uuid>");
// "/api/v2/orgs/…" is taken too. An absolute reference to another scheme or host than the
// configured PCE is refused: the session's credentials are never sent anywhere else.
func (c *Client) apiPath(ref string) (string, error) {
	if ref == "" {
		return "", errors.New("is empty")
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", ref, err)
	}
	if u.IsAbs() || u.Host != "" {
		if !c.s.SameOrigin(u) {
			return "", fmt.Errorf("%q points away from the configured PCE; not following it with the session's credentials", redactURL(u))
		}
		u = &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	for seg := range strings.SplitSeq(u.EscapedPath(), "/") {
		if d, err := url.PathUnescape(seg); err != nil || d == "." || d == ".." {
			return "", fmt.Errorf("%q has a dot segment or a bad escape; not following it", ref)
		}
	}
	if strings.HasPrefix(p, "/api/v2/") {
		p = strings.TrimPrefix(p, "/api/v2")
	}
	if strings.HasPrefix(p, "/orgs/") || strings.HasPrefix(p, "/users/") {
		return p, nil
	}
	return "", fmt.Errorf("%q is in no form the PCE documents (/orgs/…, /api/v2/orgs/… or https://<pce>/api/v2/orgs/…)", ref)
}

// redactURL drops userinfo from u for messages.
func redactURL(u *url.URL) string {
	cp := *u
	cp.User = nil
	return cp.String()
}

// LabelWrite is the body of a label create or update.
type LabelWrite struct {
	Key                   string  `json:"key,omitempty"`
	Value                 string  `json:"value"`
	ExternalDataSet       *string `json:"external_data_set,omitempty"`
	ExternalDataReference *string `json:"external_data_reference,omitempty"`
}

// CreateLabel creates a label in org.
func (c *Client) CreateLabel(ctx context.Context, org int64, w LabelWrite) (*Label, error) {
	var l Label
	if _, err := c.do(ctx, http.MethodPost, fmt.Sprintf("/orgs/%d/labels", org), nil, w, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// GetLabel reads the label at href (e.g. /orgs/1/labels/12).
func (c *Client) GetLabel(ctx context.Context, href string) (*Label, error) {
	var l Label
	if _, err := c.do(ctx, http.MethodGet, href, nil, nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// UpdateLabel changes the value and external data of the label at href (the key cannot change).
func (c *Client) UpdateLabel(ctx context.Context, href string, w LabelWrite) error {
	w.Key = ""
	_, err := c.do(ctx, http.MethodPut, href, nil, w, nil)
	return err
}

// DeleteLabel deletes the label at href. A label deleted already matches ErrGone.
func (c *Client) DeleteLabel(ctx context.Context, href string) error {
	_, err := c.do(ctx, http.MethodDelete, href, nil, nil, nil)
	return err
}
