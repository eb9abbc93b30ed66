package nsxt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Errors matched with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrStaleRevision = errors.New("stale _revision")
	// ErrCursorCycle: a paged listing answered a cursor it had answered before.
	ErrCursorCycle = errors.New("NSX repeated a page cursor")
	// ErrRepeatedItem: a listing answered the same object twice.
	ErrRepeatedItem = errors.New("NSX listed an object twice")
	// ErrPasswordRefused: the password breaks the node's password policy.
	ErrPasswordRefused = errors.New("password refused by the password policy")
	// ErrOldPasswordRefused: a password change without the user's current password, or
	// with a wrong one.
	ErrOldPasswordRefused = errors.New("the current password is missing or wrong")
	// ErrProtected: the object was created by a principal identity as protected; another
	// user changes it only with X-Allow-Overwrite: true.
	ErrProtected = errors.New("object protected by a principal identity")
)

// APIError is an NSX error answer (the ApiError shape).
type APIError struct {
	session.HTTPError
	Code    int
	Module  string
	Message string
	Details string
}

func (e *APIError) Error() string {
	code := ""
	if e.Code != 0 {
		code = fmt.Sprintf("error_code %d", e.Code)
		if e.Module != "" {
			code += ", module " + e.Module
		}
	}
	return e.Say("NSX", code, strings.TrimSpace(e.Message+" "+e.Details))
}

// Is maps statuses onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrProtected:
		// UNCONFIRMED code; NSX's words name the owner and "allowOverwrite": either reading
		// is taken (TestUnconfirmedRefusalsReadBothWays).
		return e.Code == errCodeProtected || strings.Contains(e.Message, "allowOverwrite") || strings.Contains(e.Message, "doesn't own")
	case ErrPasswordRefused:
		// The code (290) is UNCONFIRMED, NSX's words name the password: either reading.
		return e.Status == http.StatusBadRequest && !e.Is(ErrOldPasswordRefused) &&
			(e.Code == 290 || strings.Contains(strings.ToLower(e.Message), "password"))
	case ErrOldPasswordRefused:
		// UNCONFIRMED: NSX's words for it are not documented; they name the old password or
		// its field (both tested, TestUnconfirmedRefusalsReadBothWays).
		msg := strings.ToLower(e.Message)
		return e.Status == http.StatusBadRequest && (strings.Contains(msg, "old password") || strings.Contains(msg, "old_password"))
	case ErrStaleRevision:
		return e.Status == http.StatusPreconditionFailed || e.Status == http.StatusConflict ||
			(e.Status == http.StatusBadRequest && (e.Code == 500087 || e.Code == 500232 || e.Code == 100148))
	}
	return false
}

// errCodeProtected is the error_code of a change refused because a principal identity
// protects the object (UNCONFIRMED: no primary source states it; the fake answers it).
const errCodeProtected = 289

type wireError struct {
	Code    json.RawMessage `json:"error_code"`
	Module  string          `json:"module_name"`
	Message string          `json:"error_message"`
	Details string          `json:"details"`
}

// DecodeError reads an NSX error answer (the ApiError shape), or describes a body that is not one.
func DecodeError(resp *session.Response) *APIError {
	e := &APIError{HTTPError: session.NewHTTPError(resp)}
	var w wireError
	if err := json.Unmarshal(resp.Body, &w); err != nil {
		e.Body = session.DescribeBody(resp)
		return e
	}
	// error_code is a number in most answers and a string in some.
	e.Code, _ = strconv.Atoi(strings.Trim(string(w.Code), `"`))
	e.Module, e.Message, e.Details = session.Quote(w.Module), session.Quote(w.Message), session.Quote(w.Details)
	return e
}

// Client is the typed NSX API client over a session.
type Client struct {
	s *session.Client
}

// NewClient wraps a session client.
func NewClient(s *session.Client) *Client { return &Client{s: s} }

// reusable are GETs of manager-wide, read-only facts: one answer serves the process until it
// writes to the manager.
var reusable = map[string]bool{"/api/v1/node/version": true}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	return c.doOn(ctx, "", method, path, in, out)
}

// putCurrent writes body over the object at path as NSX holds it now: it reads the object's
// `_revision` into *revision (a field of body) and sends body with it; a write refused for a
// stale `_revision` (someone wrote in between) is read and sent once more. A read that fails
// says it was reading the `_revision`.
func putCurrent[T any](ctx context.Context, c *Client, path string, body *T, revision *int64) (*T, error) {
	for attempt := 1; ; attempt++ {
		var cur struct {
			Revision int64 `json:"_revision"`
		}
		if err := c.do(ctx, http.MethodGet, path, nil, &cur); err != nil {
			return nil, fmt.Errorf("reading its _revision: %w", err)
		}
		*revision = cur.Revision
		var out T
		err := c.do(ctx, http.MethodPut, path, body, &out)
		if errors.Is(err, ErrStaleRevision) && attempt == 1 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &out, nil
	}
}

// doOn sends method path with in as JSON on node ("": any node) and decodes the answer
// into out (nil: none).
func (c *Client) doOn(ctx context.Context, node, method, path string, in, out any) error {
	req, err := session.JSONRequest(method, path, in)
	if err != nil {
		return err
	}
	req.Reusable = method == http.MethodGet && reusable[path] && node == ""
	resp, err := c.s.Checked(ctx, node, req, c.answerError)
	if err != nil || out == nil {
		return err
	}
	return session.DecodeJSON("nsxt", method+" "+strings.SplitN(path, "?", 2)[0], resp, out)
}

// answerError is NSX's error answer with the provider's advice where it has some (a
// protected object, a refused certificate).
func (c *Client) answerError(resp *session.Response) error {
	return c.s.Explain(DecodeError(resp))
}

// NodeVersion is GET /api/v1/node/version.
type NodeVersion struct {
	NodeVersion    string `json:"node_version"`
	ProductVersion string `json:"product_version"`
}

// NodeVersion reads the version of the node the session is on.
func (c *Client) NodeVersion(ctx context.Context) (*NodeVersion, error) {
	var v NodeVersion
	if err := c.do(ctx, http.MethodGet, "/api/v1/node/version", nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Subnet is a segment subnet.
type Subnet struct {
	GatewayAddress string `json:"gateway_address"`
	Network        string `json:"network"`
}

// Segment is a policy segment.
type Segment struct {
	ID                string   `json:"id"`
	DisplayName       string   `json:"display_name"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	Subnets           []Subnet `json:"subnets"`
	ConnectivityPath  string   `json:"connectivity_path"`
	TransportZonePath string   `json:"transport_zone_path"`
	AdminState        string   `json:"admin_state"`
	ReplicationMode   string   `json:"replication_mode"`
	VlanIDs           []string `json:"vlan_ids"`
	UniqueID          string   `json:"unique_id"`
}

// GetSegment reads the segment /infra/segments/<id>; one that does not exist matches
// ErrNotFound.
func (c *Client) GetSegment(ctx context.Context, id string) (*Segment, error) {
	var s Segment
	if err := c.do(ctx, http.MethodGet, "/policy/api/v1/infra/segments/"+url.PathEscape(id), nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ListSegments lists every policy segment (see List), with the number of pages read.
func (c *Client) ListSegments(ctx context.Context) ([]Segment, int, error) {
	return List(ctx, c, "/policy/api/v1/infra/segments", "segments", func(s Segment) string { return s.ID })
}

// KnownProtocolVersions and KnownCipherSuites are the names NSX releases are known to offer.
// The provider rejects other names at plan time; whether a given manager offers a name is
// checked against the manager's own list before anything is written.
var (
	KnownProtocolVersions = []string{"TLSv1.1", "TLSv1.2", "TLSv1.3"}
	KnownCipherSuites     = []string{
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
		"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
		"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
		"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
		"TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
		"TLS_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
		"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	}
)
