package nsxt

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// PageSize is the largest page NSX serves.
const PageSize = 1000

type page[T any] struct {
	Results []T    `json:"results"`
	Cursor  string `json:"cursor"`
}

// List follows the cursor of an NSX listing at path through every page and returns every
// item, with the number of pages read. Nothing a manager answers makes it loop or grow
// without end: a cursor handed out before would page forever (ErrCursorCycle), an item
// listed twice (by id) is a listing that does not hold still (ErrRepeatedItem), and every
// page counts against the read's budget of items and bytes.
func List[T any](ctx context.Context, c *Client, path, what string, id func(T) string) ([]T, int, error) {
	var all []T
	cursor := ""
	seenCursor := map[string]int{}
	seenID := map[string]int{}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for pages := 1; ; pages++ {
		q := url.Values{"page_size": {strconv.Itoa(PageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var p page[T]
		if err := c.do(ctx, http.MethodGet, path+sep+q.Encode(), nil, &p); err != nil {
			return nil, pages, err
		}
		if err := c.s.CountItems(ctx, len(p.Results)); err != nil {
			return nil, pages, fmt.Errorf("listing the %s (%d pages, %d so far): %w", what, pages, len(all), err)
		}
		if p.Cursor != "" {
			if first, ok := seenCursor[p.Cursor]; ok || p.Cursor == cursor {
				if !ok {
					first = pages
				}
				return nil, pages, fmt.Errorf("%w: page %d of the %s answered the cursor %q that page %d had answered already; "+
					"following it would read the same pages forever, so the listing stopped after %d pages and %d %s",
					ErrCursorCycle, pages, what, session.Truncate(session.Clean(p.Cursor), 40), first, pages, len(all)+len(p.Results), what)
			}
		}
		for _, item := range p.Results {
			key := id(item)
			if first, dup := seenID[key]; dup {
				return nil, pages, fmt.Errorf("%w: the %s listing answered %q on page %d and again on page %d; a listing that does not hold still "+
					"cannot be read whole, so the read stopped after %d pages (run again once the manager's listing is stable)",
					ErrRepeatedItem, what, session.Truncate(session.Clean(key), 80), first, pages, pages)
			}
			seenID[key] = pages
		}
		all = append(all, p.Results...)
		if p.Cursor == "" {
			return all, pages, nil
		}
		seenCursor[p.Cursor] = pages
		cursor = p.Cursor
	}
}
