package session

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// MaxResponseBytes bounds one answer; a listing is many answers, and a manager that hands out
// a fresh cursor on every page, or a list of ids each worth a large answer, would grow a read
// without end (3 GB in 30 s, before this). A Budget bounds one read of a type as a whole: the
// bytes of all its answers and the items of all its listings. It travels in the operation's
// context; the first client that serves the operation applies its configured limits.

// Budget is what one read may take at most (0: no bound).
type Budget struct {
	Bytes int64
	Items int64
}

// Defaults of the provider's max_read_mib and max_read_items.
const (
	DefaultReadBytes = 512 << 20
	DefaultReadItems = 1_000_000
)

// spending is the budget of one operation and what it has spent.
type spending struct {
	once  sync.Once
	limit Budget
	bytes atomic.Int64
	items atomic.Int64
}

type budgetKey struct{}

// WithBudget starts a budget for the operation of ctx; the first client to serve it sets its
// limits (its Config.ReadBudget).
func WithBudget(ctx context.Context) context.Context {
	return context.WithValue(ctx, budgetKey{}, &spending{})
}

func budgetOf(ctx context.Context, limit Budget) *spending {
	s, ok := ctx.Value(budgetKey{}).(*spending)
	if !ok {
		return nil
	}
	s.once.Do(func() { s.limit = limit })
	return s
}

// OverBudgetError is a read that took more than its budget: bytes or items.
type OverBudgetError struct {
	Block string
	What  string // "bytes" or "items"
	Limit int64
	Spent int64
}

func (e *OverBudgetError) Error() string {
	if e.What == "bytes" {
		return fmt.Sprintf("the %s manager's answers to this read add up to more than the provider's limit of %s for one read (max_read_mib); the read stopped there",
			e.Block, mib(e.Limit))
	}
	return fmt.Sprintf("the %s manager's listings for this read hold more than the provider's limit of %d items for one read (max_read_items); the read stopped there",
		e.Block, e.Limit)
}

// spendBytes counts n bytes of an answer against the operation's budget.
func (c *Client) spendBytes(ctx context.Context, n int) error {
	s := budgetOf(ctx, c.cfg.ReadBudget)
	if s == nil || s.limit.Bytes <= 0 {
		return nil
	}
	if spent := s.bytes.Add(int64(n)); spent > s.limit.Bytes {
		return &OverBudgetError{Block: c.cfg.Block, What: "bytes", Limit: s.limit.Bytes, Spent: spent}
	}
	return nil
}

// CountItems counts n items of a listing against the operation's budget; manager clients call
// it for every page they decode. The error says the limit.
func (c *Client) CountItems(ctx context.Context, n int) error {
	s := budgetOf(ctx, c.cfg.ReadBudget)
	if s == nil || s.limit.Items <= 0 {
		return nil
	}
	if spent := s.items.Add(int64(n)); spent > s.limit.Items {
		return c.explain(&OverBudgetError{Block: c.cfg.Block, What: "items", Limit: s.limit.Items, Spent: spent})
	}
	return nil
}
