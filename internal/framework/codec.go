package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The codec between Terraform values and the JSON a manager reads and writes: FromJSON
// decodes an answer into a value of an attribute type, ToJSON encodes a configured value.
// A value that does not fit is a *DecodeError naming the attribute path; FromJSON never
// returns a nil value, so nothing built from its answer can panic.

// DecodeError is a value of a manager's answer that does not fit the attribute type.
type DecodeError = session.DecodeError

// FromJSON is raw (absent or null: a null) as a value of t: strings, whole numbers,
// booleans, lists, sets, maps and objects of them. Fields raw has that t does not are
// ignored, fields t has that raw lacks are null. On a mismatch the value is t's null and the
// error a *DecodeError.
func FromJSON(ctx context.Context, t attr.Type, raw json.RawMessage) (attr.Value, error) {
	v, err := fromJSON(ctx, t, raw)
	if err != nil {
		return NullOf(ctx, t), err
	}
	return v, nil
}

func mismatch(want string, raw json.RawMessage) *DecodeError {
	return &DecodeError{Want: want, Got: session.Excerpt(raw)}
}

func fromJSON(ctx context.Context, t attr.Type, raw json.RawMessage) (attr.Value, *DecodeError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return NullOf(ctx, t), nil
	}
	switch t := t.(type) {
	case basetypes.StringType:
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return nil, mismatch("a string", raw)
		}
		return types.StringValue(s), nil
	case basetypes.Int64Type:
		n, ok := wholeNumber(raw)
		if !ok {
			return nil, mismatch("a whole number from -9223372036854775808 to 9223372036854775807", raw)
		}
		return types.Int64Value(n), nil
	case basetypes.BoolType:
		switch string(raw) {
		case "true":
			return types.BoolValue(true), nil
		case "false":
			return types.BoolValue(false), nil
		}
		return nil, mismatch("true or false", raw)
	case basetypes.ListType, basetypes.SetType:
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			return nil, mismatch("a list", raw)
		}
		elemType := ElemOf(t)
		elems := make([]attr.Value, 0, len(items))
		for i, it := range items {
			v, err := fromJSON(ctx, elemType, it)
			if err != nil {
				return nil, err.Under("[" + strconv.Itoa(i) + "]")
			}
			elems = append(elems, v)
		}
		if _, ok := t.(basetypes.ListType); ok {
			v, d := types.ListValue(elemType, elems)
			if d.HasError() {
				return nil, mismatch("a list of one type", raw)
			}
			return v, nil
		}
		v, d := types.SetValue(elemType, elems)
		if d.HasError() {
			return nil, mismatch("a set of one type", raw)
		}
		return v, nil
	case basetypes.MapType:
		var items map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &items) != nil {
			return nil, mismatch("an object", raw)
		}
		elems := make(map[string]attr.Value, len(items))
		for _, k := range slices.Sorted(maps.Keys(items)) {
			v, err := fromJSON(ctx, t.ElemType, items[k])
			if err != nil {
				return nil, err.Under("[" + strconv.Quote(k) + "]")
			}
			elems[k] = v
		}
		v, d := types.MapValue(t.ElemType, elems)
		if d.HasError() {
			return nil, mismatch("an object of one type", raw)
		}
		return v, nil
	case basetypes.ObjectType:
		var fields map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &fields) != nil {
			return nil, mismatch("an object", raw)
		}
		vals := make(map[string]attr.Value, len(t.AttrTypes))
		for _, name := range slices.Sorted(maps.Keys(t.AttrTypes)) {
			v, err := fromJSON(ctx, t.AttrTypes[name], fields[name])
			if err != nil {
				return nil, err.Under(name)
			}
			vals[name] = v
		}
		v, d := types.ObjectValue(t.AttrTypes, vals)
		if d.HasError() {
			return nil, mismatch("an object", raw)
		}
		return v, nil
	}
	return nil, &DecodeError{Want: fmt.Sprintf("a value of a type the provider can decode (%s)", t), Got: session.Excerpt(raw)}
}

// wholeNumber is raw as an int64: a JSON number without a fraction, in range ("3.0" and
// "1e3" are whole numbers; "1e300" and "1.5" are not).
func wholeNumber(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if len(s) > 64 || !json.Valid(raw) || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return 0, false
	}
	f, _, err := big.ParseFloat(s, 10, 128, big.ToNearestEven)
	if err != nil || !f.IsInt() {
		return 0, false
	}
	n, acc := f.Int64()
	return n, acc == big.Exact
}

// ElemOf is the element type of a list or set type (nil for another type).
func ElemOf(t attr.Type) attr.Type {
	if et, ok := t.(attr.TypeWithElementType); ok {
		return et.ElementType()
	}
	return nil
}

// NullOf is the null value of t, as the framework makes it.
func NullOf(ctx context.Context, t attr.Type) attr.Value {
	return fromTerraform(ctx, t, nil)
}

// UnknownOf is the unknown value of t, as the framework makes it.
func UnknownOf(ctx context.Context, t attr.Type) attr.Value {
	return fromTerraform(ctx, t, tftypes.UnknownValue)
}

func fromTerraform(ctx context.Context, t attr.Type, v any) attr.Value {
	out, err := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), v))
	if err != nil || out == nil {
		// Every type of the framework makes its null and unknown values; a custom type that
		// does not is a bug in the type, said where it is built.
		panic(fmt.Sprintf("the type %s has no value for %v: %v", t, v, err))
	}
	return out
}

// ToJSON is v as the JSON value a manager takes: null attributes of an object are left
// out, a set's elements in sorted order (so that order is never a change). An unknown value
// anywhere in v is an error naming its path.
func ToJSON(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("the value is not known yet")
	}
	switch v := v.(type) {
	case basetypes.StringValue:
		return v.ValueString(), nil
	case basetypes.Int64Value:
		return v.ValueInt64(), nil
	case basetypes.BoolValue:
		return v.ValueBool(), nil
	case basetypes.ListValue:
		return elemsJSON(v.Elements(), false)
	case basetypes.SetValue:
		return elemsJSON(v.Elements(), true)
	case basetypes.MapValue:
		out := map[string]any{}
		for k, e := range v.Elements() {
			j, err := ToJSON(e)
			if err != nil {
				return nil, fmt.Errorf("[%q]: %w", k, err)
			}
			out[k] = j
		}
		return out, nil
	case basetypes.ObjectValue:
		out := map[string]any{}
		for k, e := range v.Attributes() {
			if e.IsNull() {
				continue
			}
			j, err := ToJSON(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = j
		}
		return out, nil
	}
	return nil, fmt.Errorf("no JSON encoding for %T", v)
}

func elemsJSON(elems []attr.Value, sorted bool) (any, error) {
	out := make([]any, 0, len(elems))
	for i, e := range elems {
		j, err := ToJSON(e)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, j)
	}
	if sorted {
		keys := make([]string, len(out))
		for i, x := range out {
			b, _ := json.Marshal(x)
			keys[i] = string(b)
		}
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
		sortedOut := make([]any, len(out))
		for i, j := range idx {
			sortedOut[i] = out[j]
		}
		out = sortedOut
	}
	return out, nil
}

// WhollyKnown reports whether v and everything in it is known.
func WhollyKnown(v attr.Value) bool {
	if v == nil || v.IsUnknown() {
		return false
	}
	if v.IsNull() {
		return true
	}
	for _, e := range children(v) {
		if !WhollyKnown(e) {
			return false
		}
	}
	return true
}

func children(v attr.Value) []attr.Value {
	switch v := v.(type) {
	case basetypes.ListValue:
		return v.Elements()
	case basetypes.SetValue:
		return v.Elements()
	case basetypes.MapValue:
		out := make([]attr.Value, 0, len(v.Elements()))
		for _, e := range v.Elements() {
			out = append(out, e)
		}
		return out
	case basetypes.ObjectValue:
		out := make([]attr.Value, 0, len(v.Attributes()))
		for _, e := range v.Attributes() {
			out = append(out, e)
		}
		return out
	}
	return nil
}

// SubsetEqual reports whether what cfg sets equals what state holds: the attributes an
// object in cfg leaves null are the manager's to choose, lists compare item by item, sets
// element by element in any order.
func SubsetEqual(cfg, state attr.Value) bool {
	if cfg == nil || cfg.IsNull() {
		return true
	}
	if state == nil || state.IsNull() || state.IsUnknown() || cfg.IsUnknown() {
		return false
	}
	switch c := cfg.(type) {
	case basetypes.ObjectValue:
		s, ok := state.(basetypes.ObjectValue)
		if !ok {
			return false
		}
		for k, v := range c.Attributes() {
			if !SubsetEqual(v, s.Attributes()[k]) {
				return false
			}
		}
		return true
	case basetypes.ListValue:
		s, ok := state.(basetypes.ListValue)
		if !ok || len(s.Elements()) != len(c.Elements()) {
			return false
		}
		for i, v := range c.Elements() {
			if !SubsetEqual(v, s.Elements()[i]) {
				return false
			}
		}
		return true
	case basetypes.SetValue:
		s, ok := state.(basetypes.SetValue)
		if !ok || len(s.Elements()) != len(c.Elements()) {
			return false
		}
		for _, v := range c.Elements() {
			found := false
			for _, w := range s.Elements() {
				if SubsetEqual(v, w) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return cfg.Equal(state)
}
