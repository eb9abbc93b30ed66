package framework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Value helpers several types share.

// NullIfEmpty is s, or null when a manager answered it empty (an absent optional field).
func NullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// Optional is a configured string as an optional field of a request body (nil: left out).
func Optional(s types.String) *string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	v := s.ValueString()
	return &v
}

// Matches reports whether v passes filter (null: everything does).
func Matches(filter types.String, v string) bool {
	return filter.IsNull() || filter.ValueString() == v
}

// IsFalse reports whether b is known and false.
func IsFalse(b types.Bool) bool { return !b.IsNull() && !b.IsUnknown() && !b.ValueBool() }

// BoolMap converts a known map; ok is false for null or unknown maps or unknown elements.
func BoolMap(ctx context.Context, m types.Map) (map[string]bool, bool) {
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

// AnyTrue reports whether any value of m is true.
func AnyTrue(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return true
		}
	}
	return false
}

// SortedKeys are m's keys, sorted.
func SortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Digest is a short id that stays the same while a data source's filter does.
func Digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// Int64Or is v, or dflt where v is null or unknown.
func Int64Or(v types.Int64, dflt int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return dflt
	}
	return v.ValueInt64()
}

// Known reports whether v is neither null nor unknown.
func Known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// Assigned is a resource's string attribute the manager assigns (an id, a creation time):
// computed, and known in a plan as the state holds it.
func Assigned(desc string) rschema.StringAttribute {
	return rschema.StringAttribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// ComputedString is a computed string attribute of a data source.
func ComputedString(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

// FilterString is an optional string argument of a data source that filters what it lists:
// when set, never empty (an empty filter is a mistake, not "everything").
func FilterString(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
}
