package nsxv

import (
	"bytes"
	"context"
	"encoding/xml"
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
	// ErrNotFound: the user, its role or an object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrHasRole: the user already has a role (POST).
	ErrHasRole = errors.New("user already has a role")
	// ErrLocalRoleKept: NSX-v does not delete the role of a local (CLI) user.
	ErrLocalRoleKept = errors.New("role of a local user cannot be deleted")
	// ErrNoRole: the account authenticated but has no role on NSX Manager (403).
	ErrNoRole = errors.New("the account has no role on NSX Manager")
	// ErrNoSuchUser: a role write named a user NSX-v does not know (404).
	ErrNoSuchUser = errors.New("no such user")
	// ErrNoSuchObject: a role write named a scope object NSX-v does not know (404).
	ErrNoSuchObject = errors.New("no such object")
	// ErrRoleRefused: NSX-v refused the role for the user (400), e.g. a legacy role for a CLI user.
	ErrRoleRefused = errors.New("role refused")
)

// classified is an error that also matches a sentinel the answer alone cannot decide.
type classified struct {
	error
	sentinel error
}

func (c classified) Unwrap() error { return c.error }

func (c classified) Is(target error) bool { return target == c.sentinel }

// roleWriteErr classifies a refused role write: a 404 names a missing scope object when its
// details name one of r's objects, else the missing user.
func roleWriteErr(err error, r Role) error {
	var api *APIError
	if !errors.As(err, &api) {
		return err
	}
	switch {
	case api.Status == http.StatusNotFound:
		for _, id := range r.ResourceIDs {
			if strings.Contains(api.Details, id) {
				return classified{err, ErrNoSuchObject}
			}
		}
		return classified{err, ErrNoSuchUser}
	case api.Status == http.StatusBadRequest && !errors.Is(err, ErrHasRole) && !errors.Is(err, ErrLocalRoleKept):
		return classified{err, ErrRoleRefused}
	}
	return err
}

// APIError is an NSX-v error answer: <error><details/><errorCode/><moduleName/></error>.
type APIError struct {
	session.HTTPError
	Code    int
	Module  string
	Details string
}

func (e *APIError) Error() string {
	code := ""
	if e.Code != 0 {
		code = fmt.Sprintf("errorCode %d", e.Code)
		if e.Module != "" {
			code += ", module " + e.Module
		}
	}
	return e.Say("NSX-v", code, e.Details)
}

// Is maps answers onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	d := strings.ToLower(e.Details)
	switch target {
	case ErrNotFound:
		// NSX-v also reports a missing object as errorCode 202 with HTTP 500.
		return e.Status == http.StatusNotFound || e.Code == 202
	case ErrHasRole:
		return e.Code == 203 || strings.Contains(d, "already has a role")
	case ErrLocalRoleKept:
		return e.Status == http.StatusBadRequest && strings.Contains(d, "cannot be deleted")
	case ErrNoRole:
		return e.Status == http.StatusForbidden && noRole(e)
	}
	return false
}

type wireError struct {
	XMLName xml.Name `xml:"error"`
	Details string   `xml:"details"`
	Code    string   `xml:"errorCode"`
	Module  string   `xml:"moduleName"`
}

// DecodeError reads an NSX-v error answer.
func DecodeError(resp *session.Response) *APIError {
	e := &APIError{HTTPError: session.NewHTTPError(resp)}
	var w wireError
	if err := xml.Unmarshal(resp.Body, &w); err != nil {
		e.Body = session.DescribeBody(resp)
		return e
	}
	e.Code, _ = strconv.Atoi(strings.TrimSpace(w.Code))
	e.Details, e.Module = session.Quote(strings.TrimSpace(w.Details)), session.Quote(w.Module)
	return e
}

// Client is the typed NSX-v API client over a session.
type Client struct {
	s *session.Client
}

// NewClient wraps a session client.
func NewClient(s *session.Client) *Client { return &Client{s: s} }

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	req := &session.Request{Method: method, Path: path, Header: http.Header{"Accept": {"application/xml"}},
		Reusable: method == http.MethodGet && path == "/api/1.0/appliance-management/global/info"}
	if in != nil {
		b, err := xml.Marshal(in)
		if err != nil {
			return err
		}
		req.Body = append([]byte(xml.Header), b...)
		req.Header.Set("Content-Type", "application/xml")
	}
	resp, err := c.s.Checked(ctx, "", req, func(resp *session.Response) error { return DecodeError(resp) })
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	if err := xml.Unmarshal(resp.Body, out); err != nil {
		return fmt.Errorf("the nsxv manager at %s answered %s %s with HTTP %d and %s, not the XML expected (%w)",
			resp.Node, method, path, resp.StatusCode, session.DescribeBody(resp), err)
	}
	return nil
}

// AccessControlEntry is the role body of /api/2.0/services/usermgmt/role/{userId}.
type AccessControlEntry struct {
	XMLName   xml.Name   `xml:"accessControlEntry"`
	Role      string     `xml:"role"`
	Resources []Resource `xml:"resource,omitempty"`
}

// Resource is a role's scope.
type Resource struct {
	IDs []string `xml:"resourceId"`
}

// Role is a user's role and the objects it applies to.
type Role struct {
	Role        string
	ResourceIDs []string
}

// Scoped reports whether role takes a resource scope: NSX-v sends and accepts one only for
// auditor and security_admin.
func Scoped(role string) bool { return role == "auditor" || role == "security_admin" }

// GlobalRoot is the scope of the whole system.
const GlobalRoot = "globalroot-0"

// EntryFor is the body that assigns r: the scope goes only with a role that takes one.
func EntryFor(r Role) AccessControlEntry {
	e := AccessControlEntry{Role: r.Role}
	if Scoped(r.Role) {
		ids := r.ResourceIDs
		if len(ids) == 0 {
			ids = []string{GlobalRoot}
		}
		e.Resources = []Resource{{IDs: ids}}
	}
	return e
}

// RoleOf is the role an answer describes.
func RoleOf(e AccessControlEntry) *Role {
	r := &Role{Role: strings.TrimSpace(e.Role)}
	for _, res := range e.Resources {
		for _, id := range res.IDs {
			if id = strings.TrimSpace(id); id != "" {
				r.ResourceIDs = append(r.ResourceIDs, id)
			}
		}
	}
	return r
}

func rolePath(userID string, cli bool) string {
	p := "/api/2.0/services/usermgmt/role/" + url.PathEscape(userID)
	if cli {
		p += "?isCli=true"
	}
	return p
}

// GetRole reads the role of userID. A user that does not exist, or has no role, matches
// ErrNotFound.
func (c *Client) GetRole(ctx context.Context, userID string) (*Role, error) {
	var e AccessControlEntry
	if err := c.do(ctx, http.MethodGet, rolePath(userID, false), nil, &e); err != nil {
		return nil, err
	}
	return RoleOf(e), nil
}

// CreateRole assigns a role to the local CLI user userID (204 No Content).
func (c *Client) CreateRole(ctx context.Context, userID string, r Role) error {
	err := c.do(ctx, http.MethodPost, rolePath(userID, true), EntryFor(r), nil)
	return roleWriteErr(err, r)
}

// UpdateRole changes the role of the CLI user userID and returns the role as NSX-v echoes it.
func (c *Client) UpdateRole(ctx context.Context, userID string, r Role) (*Role, error) {
	var e AccessControlEntry
	if err := c.do(ctx, http.MethodPut, rolePath(userID, true), EntryFor(r), &e); err != nil {
		return nil, roleWriteErr(err, r)
	}
	if e.Role == "" {
		// Some releases answer without a body; the request stands for the answer.
		return &r, nil
	}
	return RoleOf(e), nil
}

// DeleteRole removes the role of userID. NSX-v refuses it for local users (ErrLocalRoleKept).
func (c *Client) DeleteRole(ctx context.Context, userID string) error {
	err := c.do(ctx, http.MethodDelete, rolePath(userID, true), nil, nil)
	return err
}

// GlobalInfo is GET /api/1.0/appliance-management/global/info.
type GlobalInfo struct {
	XMLName             xml.Name    `xml:"globalInfo"`
	CurrentLoggedInUser string      `xml:"currentLoggedInUser"`
	VersionInfo         VersionInfo `xml:"versionInfo"`
}

// VersionInfo is the version part of GlobalInfo.
type VersionInfo struct {
	Major string `xml:"majorVersion"`
	Minor string `xml:"minorVersion"`
	Patch string `xml:"patchVersion"`
	Build string `xml:"buildNumber"`
}

// Version is major.minor.patch, and .build when the manager names one.
func (v VersionInfo) Version() string {
	s := strings.Join([]string{v.Major, v.Minor, v.Patch}, ".")
	if v.Build != "" {
		s += "." + v.Build
	}
	return s
}

// GlobalInfo reads the manager's version and the user the call ran as.
func (c *Client) GlobalInfo(ctx context.Context) (*GlobalInfo, error) {
	var g GlobalInfo
	if err := c.do(ctx, http.MethodGet, "/api/1.0/appliance-management/global/info", nil, &g); err != nil {
		return nil, err
	}
	if g.VersionInfo.Major == "" {
		return nil, fmt.Errorf("the nsxv manager's global/info answer has no versionInfo")
	}
	return &g, nil
}
