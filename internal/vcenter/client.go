package vcenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// ErrNotFound is matched with errors.Is.
var ErrNotFound = errors.New("not found")

// Is maps statuses onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// Client is the typed vCenter client over a session. It uses /api, or /rest where the login
// found a vCenter older than 7.0 U2.
type Client struct {
	s    *session.Client
	auth *Auth
}

// NewClient wraps a session client whose Authenticator is auth.
func NewClient(s *session.Client, auth *Auth) *Client { return &Client{s: s, auth: auth} }

// get reads path (of the family in use: p for /api, legacy for /rest, whose answers are
// wrapped in {"value": …}) into out.
func (c *Client) get(ctx context.Context, p, legacy string, out any) error {
	// Log in first: the login decides the family.
	if _, err := c.s.LoginFacts(ctx); err != nil {
		return err
	}
	path := p
	if c.auth.Legacy() {
		path = legacy
	}
	req, _ := session.JSONRequest(http.MethodGet, path, nil)
	req.Reusable = strings.HasSuffix(path, "/appliance/system/version")
	resp, err := c.s.Checked(ctx, "", req, func(resp *session.Response) error { return DecodeError(resp) })
	if err != nil {
		return err
	}
	if c.auth.Legacy() {
		wrapped := struct {
			Value any `json:"value"`
		}{Value: out}
		return session.DecodeJSON("vcenter", "GET "+path, resp, &wrapped)
	}
	return session.DecodeJSON("vcenter", "GET "+path, resp, out)
}

// Legacy reports whether the client talks to /rest (vCenter before 7.0 U2). It is known after
// the first call.
func (c *Client) Legacy() bool { return c.auth.Legacy() }

// Version is the appliance's version.
type Version struct {
	Version     string `json:"version"`
	Product     string `json:"product"`
	Build       string `json:"build"`
	Type        string `json:"type"`
	Summary     string `json:"summary"`
	ReleaseDate string `json:"releasedate"`
	InstallTime string `json:"install_time"`
}

// Version reads GET /api/appliance/system/version (legacy /rest/appliance/system/version).
func (c *Client) Version(ctx context.Context) (*Version, error) {
	var v Version
	if err := c.get(ctx, "/api/appliance/system/version", "/rest/appliance/system/version", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Category is a tag category.
type Category struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Cardinality     string   `json:"cardinality"`
	AssociableTypes []string `json:"associable_types"`
}

// Tag is a vSphere tag.
type Tag struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	CategoryID   string `json:"category_id"`
	CategoryName string `json:"-"`
}

// tagFetchers bounds the parallel reads of single tags and categories.
const tagFetchers = 8

// ErrRepeatedItem: a listing answered the same object twice.
var ErrRepeatedItem = errors.New("vCenter listed an object twice")

// Tags lists every tag with its category's name: the category and tag ids, then each of them
// (the tagging API has no bulk read), a few at a time.
func (c *Client) Tags(ctx context.Context) ([]Tag, []Category, error) {
	var catIDs, tagIDs []string
	if err := c.get(ctx, "/api/cis/tagging/category", "/rest/com/vmware/cis/tagging/category", &catIDs); err != nil {
		return nil, nil, err
	}
	if err := c.get(ctx, "/api/cis/tagging/tag", "/rest/com/vmware/cis/tagging/tag", &tagIDs); err != nil {
		return nil, nil, err
	}
	if err := c.s.CountItems(ctx, len(catIDs)+len(tagIDs)); err != nil {
		return nil, nil, fmt.Errorf("listing the tags: %w", err)
	}
	for what, ids := range map[string][]string{"category": catIDs, "tag": tagIDs} {
		seen := make(map[string]bool, len(ids))
		for _, id := range ids {
			if seen[id] {
				return nil, nil, fmt.Errorf("%w: the %s listing names %q twice", ErrRepeatedItem, what, session.Truncate(session.Clean(id), 80))
			}
			seen[id] = true
		}
	}
	cats := make([]Category, len(catIDs))
	tags := make([]Tag, len(tagIDs))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(tagFetchers)
	for i, id := range catIDs {
		g.Go(func() error {
			var cat Category
			esc := url.PathEscape(id)
			if err := c.get(gctx, "/api/cis/tagging/category/"+esc, "/rest/com/vmware/cis/tagging/category/id:"+esc, &cat); err != nil {
				return err
			}
			mu.Lock()
			cats[i] = cat
			mu.Unlock()
			return nil
		})
	}
	for i, id := range tagIDs {
		g.Go(func() error {
			var t Tag
			esc := url.PathEscape(id)
			if err := c.get(gctx, "/api/cis/tagging/tag/"+esc, "/rest/com/vmware/cis/tagging/tag/id:"+esc, &t); err != nil {
				// A tag deleted between the list and the read is not an error.
				if errors.Is(err, ErrNotFound) {
					return nil
				}
				return err
			}
			mu.Lock()
			tags[i] = t
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, cat := range cats {
		names[cat.ID] = cat.Name
	}
	out := tags[:0]
	for _, t := range tags {
		if t.ID == "" {
			continue
		}
		t.CategoryName = names[t.CategoryID]
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CategoryName != out[j].CategoryName {
			return out[i].CategoryName < out[j].CategoryName
		}
		return out[i].Name < out[j].Name
	})
	return out, cats, nil
}
