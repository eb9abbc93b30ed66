package nsxt

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// field is one modelled field of a settings object: a Terraform attribute, where its value
// sits in the object, and how the two convert. Attributes follow the API's field names.
type field struct {
	name string
	// path is the field's place in the object (see nsxt.Document.Raw); default name.
	path string
	attr schema.Attribute
	// decode is the attribute's value for the JSON at path (present false: the manager sent
	// none); prior is the value the state held, for fields whose value depends on it.
	decode func(ctx context.Context, raw json.RawMessage, present bool, prior attr.Value) (attr.Value, diag.Diagnostics)
	// encode is what to write for the configured value v, given the object as read.
	encode func(ctx context.Context, v attr.Value, d *nsxtapi.Document) (any, diag.Diagnostics)
	// nodeOnly: the field is shown per node only (in `nodes`), not at the top level.
	nodeOnly bool
	// same reports whether a configured value needs no write over the state's value (nil:
	// equal values); for values of which the configuration sets a part.
	same func(cfg, state attr.Value) bool
}

func (f field) jsonPath() string {
	if f.path != "" {
		return f.path
	}
	return f.name
}

// at puts the field at path in the object.
func (f field) at(path string) field { f.path = path; return f }

func (f field) typ() attr.Type { return f.attr.GetType() }

// value decodes raw as a T and makes the attribute value of it; absent is the value of an
// absent field.
func value[T any](toValue func(T) attr.Value, absent attr.Value) func(context.Context, json.RawMessage, bool, attr.Value) (attr.Value, diag.Diagnostics) {
	return func(_ context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, diag.Diagnostics) {
		var diags diag.Diagnostics
		if !present || string(raw) == "null" {
			return absent, diags
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			diags.AddError("Unexpected NSX Answer", fmt.Sprintf("The manager answered %s where the provider expects a %T: %v", string(raw), v, err))
			return absent, diags
		}
		return toValue(v), diags
	}
}

// plain writes a configured value as its Go value.
func plain(_ context.Context, v attr.Value, _ *nsxtapi.Document) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch v := v.(type) {
	case types.Int64:
		return v.ValueInt64(), diags
	case types.Bool:
		return v.ValueBool(), diags
	case types.String:
		return v.ValueString(), diags
	case types.List:
		var out []string
		diags.Append(v.ElementsAs(context.Background(), &out, false)...)
		if out == nil {
			out = []string{}
		}
		return out, diags
	case types.Set:
		var out []string
		diags.Append(v.ElementsAs(context.Background(), &out, false)...)
		sort.Strings(out)
		if out == nil {
			out = []string{}
		}
		return out, diags
	}
	diags.AddError("Unsupported Attribute Type", fmt.Sprintf("no plain encoding for %T; this is a bug in the provider", v))
	return nil, diags
}

// The fields of a settings object are Optional and Computed: an attribute left out of the
// configuration keeps the manager's value.

func intField(name, desc string, v ...validator.Int64) field {
	return field{name: name, attr: schema.Int64Attribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}, decode: value(func(n int64) attr.Value { return types.Int64Value(n) }, types.Int64Null()), encode: plain}
}

func boolField(name, desc string) field {
	return field{name: name, attr: schema.BoolAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}, decode: value(func(b bool) attr.Value { return types.BoolValue(b) }, types.BoolNull()), encode: plain}
}

func stringField(name, desc string, v ...validator.String) field {
	return field{name: name, attr: schema.StringAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}, decode: value(func(s string) attr.Value { return types.StringValue(s) }, types.StringValue("")), encode: plain}
}

func stringListField(name, desc string, v ...validator.List) field {
	return field{name: name, attr: schema.ListAttribute{
		Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	}, decode: value(func(l []string) attr.Value {
		elems := make([]attr.Value, len(l))
		for i, s := range l {
			elems[i] = types.StringValue(s)
		}
		return types.ListValueMust(types.StringType, elems)
	}, types.ListValueMust(types.StringType, []attr.Value{})), encode: plain}
}

// stringSetField is written sorted, so that the order of a set never counts as a change.
func stringSetField(name, desc string, v ...validator.Set) field {
	return field{name: name, attr: schema.SetAttribute{
		Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
	}, decode: value(func(l []string) attr.Value {
		elems := make([]attr.Value, len(l))
		for i, s := range l {
			elems[i] = types.StringValue(s)
		}
		return types.SetValueMust(types.StringType, elems)
	}, types.SetValueMust(types.StringType, []attr.Value{})), encode: plain}
}

// nodeAttribute is f as `nodes` shows it: computed, as read on that node.
func (f field) nodeAttribute() schema.Attribute {
	desc := "As read on this node."
	switch f.typ() {
	case types.Int64Type:
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	case types.BoolType:
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	case types.StringType:
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	switch t := f.typ().(type) {
	case types.ListType:
		return schema.ListAttribute{Computed: true, ElementType: t.ElemType, MarkdownDescription: desc}
	case types.SetType:
		return schema.SetAttribute{Computed: true, ElementType: t.ElemType, MarkdownDescription: desc}
	case types.MapType:
		return schema.MapAttribute{Computed: true, ElementType: t.ElemType, MarkdownDescription: desc}
	case types.ObjectType:
		return schema.ObjectAttribute{Computed: true, AttributeTypes: t.AttrTypes, MarkdownDescription: desc}
	}
	panic(fmt.Sprintf("field %s: no node attribute for %s", f.name, f.typ()))
}

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

// jsonField is a field of any type, decoded and encoded by its type (see fromJSON, toJSON):
// nested objects and lists of them.
func jsonField(name, at string, a schema.Attribute) field {
	return field{name: name, path: at, attr: a,
		decode: func(_ context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, diag.Diagnostics) {
			var diags diag.Diagnostics
			if !present {
				raw = nil
			}
			v, err := fromJSON(a.GetType(), raw)
			if err != nil {
				diags.AddError("Unexpected NSX Answer", fmt.Sprintf("The manager answered %s for %s where the provider expects a %s: %v",
					session.Quote(string(raw)), name, a.GetType(), err))
				return nil, diags
			}
			return v, diags
		},
		encode: func(_ context.Context, v attr.Value, _ *nsxtapi.Document) (any, diag.Diagnostics) {
			var diags diag.Diagnostics
			j, err := toJSON(v)
			if err != nil {
				diags.AddAttributeError(path.Root(name), "Unwritable Value", err.Error())
			}
			return j, diags
		},
	}
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

// objectField is a nested object at path whose type is named by its discriminator field
// (e.g. resource_type): a write of the same type sets the configured attributes over the
// object as read (the manager's values of the others stay), a write of another type
// replaces the object.
func objectField(name, at, discriminator, desc string, attrs map[string]schema.Attribute, v ...validator.Object) field {
	a := schema.SingleNestedAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Attributes: attrs, Validators: v,
		PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
	}
	f := jsonField(name, at, a)
	f.same = subsetEqual
	f.encode = func(_ context.Context, v attr.Value, doc *nsxtapi.Document) (any, diag.Diagnostics) {
		var diags diag.Diagnostics
		j, err := toJSON(v)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unwritable Value", err.Error())
			return nil, diags
		}
		set, _ := j.(map[string]any)
		var read map[string]any
		if raw, ok := doc.Raw(at); ok {
			_ = json.Unmarshal(raw, &read)
		}
		if read == nil || set == nil || (set[discriminator] != nil && set[discriminator] != read[discriminator]) {
			return j, diags
		}
		for k, x := range set {
			read[k] = x
		}
		return read, diags
	}
	return f
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
