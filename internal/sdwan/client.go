package sdwan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// IdleTimeout is the manager's default session inactivity timeout (the document's 30 min).
const IdleTimeout = 30 * time.Minute

// ErrNotFound is matched with errors.Is.
var ErrNotFound = errors.New("not found")

// APIError is an SD-WAN Manager error answer: {"error":{"message","details","code"}}, or
// {"message"} from the API gateway.
type APIError struct {
	session.HTTPError
	Message string
	Details string
	Code    string
}

func (e *APIError) Error() string {
	words := e.Message
	if e.Message != "" && e.Details != "" && e.Details != e.Message {
		words += ": " + e.Details
	}
	return e.Say("SD-WAN Manager", e.Code, words)
}

// Is maps statuses onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

type wireError struct {
	Error *struct {
		Message string `json:"message"`
		Details string `json:"details"`
		Code    string `json:"code"`
	} `json:"error"`
	Message string `json:"message"`
}

// DecodeError reads an SD-WAN Manager error answer.
func DecodeError(resp *session.Response) *APIError {
	e := &APIError{HTTPError: session.NewHTTPError(resp)}
	var w wireError
	if err := json.Unmarshal(resp.Body, &w); err != nil || (w.Error == nil && w.Message == "") {
		e.Body = session.DescribeBody(resp)
		return e
	}
	if w.Error != nil {
		e.Message, e.Details, e.Code = session.Quote(w.Error.Message), session.Quote(w.Error.Details), session.Quote(w.Error.Code)
	} else {
		e.Message = session.Quote(w.Message)
	}
	return e
}

// Client is the typed SD-WAN Manager API client over a session.
type Client struct {
	s *session.Client
}

// NewClient wraps a session client.
func NewClient(s *session.Client) *Client { return &Client{s: s} }

func (c *Client) get(ctx context.Context, path string, out any) error {
	// The manager's own facts (/dataservice/client/about, /server) serve the process until
	// it writes.
	req, _ := session.JSONRequest(http.MethodGet, path, nil)
	req.Reusable = strings.HasPrefix(path, "/dataservice/client/")
	resp, err := c.s.Checked(ctx, "", req, func(resp *session.Response) error { return DecodeError(resp) })
	if err != nil {
		return err
	}
	if IsLoginPage(resp) {
		return fmt.Errorf("the sdwan manager at %s answered GET %s with its login page even after a new login: the account may lack the rights to this API", resp.Node, path)
	}
	// Some releases report failures in an error object with a 2xx status.
	var w wireError
	if json.Unmarshal(resp.Body, &w) == nil && w.Error != nil && w.Error.Code != "" {
		e := DecodeError(resp)
		return e
	}
	return session.DecodeJSON("sdwan", "GET "+path, resp, out)
}

// Version is the manager's version from /dataservice/client/about (data.version), or from
// /dataservice/client/server (data.platformVersion) where about does not say.
func (c *Client) Version(ctx context.Context) (string, error) {
	var about struct {
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	}
	err := c.get(ctx, "/dataservice/client/about", &about)
	if err == nil && about.Data.Version != "" {
		return about.Data.Version, nil
	}
	var server struct {
		Data struct {
			PlatformVersion string `json:"platformVersion"`
		} `json:"data"`
	}
	if serr := c.get(ctx, "/dataservice/client/server", &server); serr != nil || server.Data.PlatformVersion == "" {
		if err == nil {
			err = serr
		}
		if err == nil {
			err = errors.New("neither /dataservice/client/about nor /dataservice/client/server reports a version")
		}
		return "", err
	}
	return server.Data.PlatformVersion, nil
}

// Device is one device of /dataservice/device.
type Device struct {
	SystemIP     string `json:"system-ip"`
	HostName     string `json:"host-name"`
	DeviceModel  string `json:"device-model"`
	DeviceType   string `json:"device-type"`
	Version      string `json:"version"`
	Reachability string `json:"reachability"`
	SiteID       string `json:"site-id"`
	UUID         string `json:"uuid"`
}

// Devices lists every device the manager knows.
func (c *Client) Devices(ctx context.Context) ([]Device, error) {
	var out struct {
		Data []Device `json:"data"`
	}
	if err := c.get(ctx, "/dataservice/device", &out); err != nil {
		return nil, err
	}
	if err := c.s.CountItems(ctx, len(out.Data)); err != nil {
		return nil, fmt.Errorf("listing the devices: %w", err)
	}
	seen := make(map[string]bool, len(out.Data))
	for _, d := range out.Data {
		if d.UUID == "" {
			continue
		}
		if seen[d.UUID] {
			return nil, fmt.Errorf("%w: the device listing names the device %q twice", ErrRepeatedItem, session.Truncate(session.Clean(d.UUID), 80))
		}
		seen[d.UUID] = true
	}
	return out.Data, nil
}

// ErrRepeatedItem: a listing answered the same object twice.
var ErrRepeatedItem = errors.New("SD-WAN Manager listed an object twice")

// DefaultRateLimit is half of the 100 requests a second SD-WAN Manager allows for general
// APIs from 20.6 on.
const DefaultRateLimit = 50
