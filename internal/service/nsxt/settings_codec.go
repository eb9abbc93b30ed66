package nsxt

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// fromJSON is raw (absent or null: a null) as a value of t: strings, numbers, booleans,
// lists, sets, maps and objects of them, as NSX answers them; fields raw has that t does
// not are ignored, fields t has that raw lacks are null.
func fromJSON(t attr.Type, raw json.RawMessage) (attr.Value, error) {
	null := len(raw) == 0 || string(raw) == "null"
	switch t := t.(type) {
	case basetypes.StringType:
		if null {
			return types.StringNull(), nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return types.StringValue(s), nil
	case basetypes.Int64Type:
		if null {
			return types.Int64Null(), nil
		}
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, err
		}
		return types.Int64Value(n), nil
	case basetypes.BoolType:
		if null {
			return types.BoolNull(), nil
		}
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, err
		}
		return types.BoolValue(b), nil
	case types.ListType, types.SetType:
		elemType := elemOf(t)
		var items []json.RawMessage
		if !null {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, err
			}
		}
		elems := make([]attr.Value, 0, len(items))
		for _, it := range items {
			v, err := fromJSON(elemType, it)
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		if lt, ok := t.(types.ListType); ok {
			v, d := types.ListValue(lt.ElemType, elems)
			return v, diagErr(d)
		}
		v, d := types.SetValue(elemType, elems)
		return v, diagErr(d)
	case types.MapType:
		var items map[string]json.RawMessage
		if !null {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, err
			}
		}
		elems := make(map[string]attr.Value, len(items))
		for k, it := range items {
			v, err := fromJSON(t.ElemType, it)
			if err != nil {
				return nil, err
			}
			elems[k] = v
		}
		v, d := types.MapValue(t.ElemType, elems)
		return v, diagErr(d)
	case types.ObjectType:
		if null {
			return types.ObjectNull(t.AttrTypes), nil
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, err
		}
		vals := make(map[string]attr.Value, len(t.AttrTypes))
		for name, at := range t.AttrTypes {
			v, err := fromJSON(at, fields[name])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			vals[name] = v
		}
		v, d := types.ObjectValue(t.AttrTypes, vals)
		return v, diagErr(d)
	}
	return nil, fmt.Errorf("no JSON decoding for %s", t)
}

func elemOf(t attr.Type) attr.Type {
	switch t := t.(type) {
	case types.ListType:
		return t.ElemType
	case types.SetType:
		return t.ElemType
	}
	return nil
}

func diagErr(d diag.Diagnostics) error {
	if d.HasError() {
		return fmt.Errorf("%s", d.Errors()[0].Detail())
	}
	return nil
}

// toJSON is v as the JSON value NSX takes: null attributes of an object are left out, a
// set's elements in sorted order (so that order is never a change).
func toJSON(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("the value is not known yet")
	}
	switch v := v.(type) {
	case types.String:
		return v.ValueString(), nil
	case types.Int64:
		return v.ValueInt64(), nil
	case types.Bool:
		return v.ValueBool(), nil
	case types.List:
		return elemsJSON(v.Elements(), false)
	case types.Set:
		return elemsJSON(v.Elements(), true)
	case types.Map:
		out := map[string]any{}
		for k, e := range v.Elements() {
			j, err := toJSON(e)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	case types.Object:
		out := map[string]any{}
		for k, e := range v.Attributes() {
			if e.IsNull() {
				continue
			}
			j, err := toJSON(e)
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
	for _, e := range elems {
		j, err := toJSON(e)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	if sorted {
		sort.SliceStable(out, func(i, j int) bool {
			a, _ := json.Marshal(out[i])
			b, _ := json.Marshal(out[j])
			return string(a) < string(b)
		})
	}
	return out, nil
}

// whollyKnown reports whether v and everything in it is known.
func whollyKnown(v attr.Value) bool {
	if v.IsUnknown() {
		return false
	}
	if v.IsNull() {
		return true
	}
	var elems []attr.Value
	switch v := v.(type) {
	case types.List:
		elems = v.Elements()
	case types.Set:
		elems = v.Elements()
	case types.Map:
		for _, e := range v.Elements() {
			elems = append(elems, e)
		}
	case types.Object:
		for _, e := range v.Attributes() {
			elems = append(elems, e)
		}
	}
	for _, e := range elems {
		if !whollyKnown(e) {
			return false
		}
	}
	return true
}

// unknownOf is the unknown value of t.
func unknownOf(t attr.Type) attr.Value {
	switch t := t.(type) {
	case types.ListType:
		return types.ListUnknown(t.ElemType)
	case types.SetType:
		return types.SetUnknown(t.ElemType)
	case types.MapType:
		return types.MapUnknown(t.ElemType)
	case types.ObjectType:
		return types.ObjectUnknown(t.AttrTypes)
	case basetypes.StringType:
		return types.StringUnknown()
	case basetypes.Int64Type:
		return types.Int64Unknown()
	case basetypes.BoolType:
		return types.BoolUnknown()
	}
	return nil
}

// subsetEqual reports whether what cfg sets equals what state holds: the attributes an
// object in cfg leaves null are the manager's to choose, lists compare item by item, sets
// element by element in any order.
func subsetEqual(cfg, state attr.Value) bool {
	if cfg == nil || cfg.IsNull() {
		return true
	}
	if state == nil || state.IsNull() || state.IsUnknown() || cfg.IsUnknown() {
		return false
	}
	switch c := cfg.(type) {
	case types.Object:
		s, ok := state.(types.Object)
		if !ok {
			return false
		}
		for k, v := range c.Attributes() {
			if !subsetEqual(v, s.Attributes()[k]) {
				return false
			}
		}
		return true
	case types.List:
		s, ok := state.(types.List)
		if !ok || len(s.Elements()) != len(c.Elements()) {
			return false
		}
		for i, v := range c.Elements() {
			if !subsetEqual(v, s.Elements()[i]) {
				return false
			}
		}
		return true
	case types.Set:
		s, ok := state.(types.Set)
		if !ok || len(s.Elements()) != len(c.Elements()) {
			return false
		}
		for _, v := range c.Elements() {
			found := false
			for _, w := range s.Elements() {
				if subsetEqual(v, w) {
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

// nullOf is the null value of t.
func nullOf(t attr.Type) attr.Value {
	switch t := t.(type) {
	case types.ListType:
		return types.ListNull(t.ElemType)
	case types.SetType:
		return types.SetNull(t.ElemType)
	case types.MapType:
		return types.MapNull(t.ElemType)
	case types.ObjectType:
		return types.ObjectNull(t.AttrTypes)
	case basetypes.StringType:
		return types.StringNull()
	case basetypes.Int64Type:
		return types.Int64Null()
	case basetypes.BoolType:
		return types.BoolNull()
	}
	return nil
}
