package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Value helpers several resources and data sources share.

// nullIfEmpty is s, or null when a manager answered it empty (an absent optional field).
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// optional is a configured string as an optional field of a request body (nil: left out).
func optional(s types.String) *string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	v := s.ValueString()
	return &v
}

func matches(filter types.String, v string) bool {
	return filter.IsNull() || filter.ValueString() == v
}

func isFalse(b types.Bool) bool { return !b.IsNull() && !b.IsUnknown() && !b.ValueBool() }

// boolMap converts a known map; ok is false for null or unknown maps or unknown elements.
func boolMap(ctx context.Context, m types.Map) (map[string]bool, bool) {
	if m.IsNull() || m.IsUnknown() {
		return nil, false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return nil, false
		}
	}
	out := map[string]bool{}
	if diags := m.ElementsAs(ctx, &out, false); diags.HasError() {
		return nil, false
	}
	return out, true
}

func anyTrue(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// digest is a short id that stays the same while a data source's filter does.
func digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
