package nsxt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
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

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// field is one modelled field of a settings object: a Terraform attribute, where its value
// sits in the object, and how the two convert. Attributes follow the API's field names.
type field struct {
	name string
	// path is the field's place in the object (see nsxt.Document.Raw); default name.
	path string
	attr schema.Attribute
	// decode is the attribute's value for the JSON at path (present false: the manager sent
	// none); prior is the value the state held, for fields whose value depends on it. A value
	// that does not fit is an error (a *framework.DecodeError naming the path within the
	// field), never a nil value.
	decode func(ctx context.Context, raw json.RawMessage, present bool, prior attr.Value) (attr.Value, error)
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

// valueOf decodes raw as a value of t (see framework.FromJSON); absent is the value of a
// field the manager left out or answered null.
func valueOf(t attr.Type, absent attr.Value) func(context.Context, json.RawMessage, bool, attr.Value) (attr.Value, error) {
	return func(ctx context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, error) {
		if !present || string(bytes.TrimSpace(raw)) == "null" {
			return absent, nil
		}
		return framework.FromJSON(ctx, t, raw)
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

func intField(name, desc string, v ...validator.Int64) field {
	return field{name: name, attr: schema.Int64Attribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}, decode: valueOf(types.Int64Type, types.Int64Null()), encode: plain}
}

func boolField(name, desc string) field {
	return field{name: name, attr: schema.BoolAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}, decode: valueOf(types.BoolType, types.BoolNull()), encode: plain}
}

func stringField(name, desc string, v ...validator.String) field {
	return field{name: name, attr: schema.StringAttribute{
		Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}, decode: valueOf(types.StringType, types.StringValue("")), encode: plain}
}

func stringListField(name, desc string, v ...validator.List) field {
	return field{name: name, attr: schema.ListAttribute{
		Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	}, decode: valueOf(types.ListType{ElemType: types.StringType}, types.ListValueMust(types.StringType, []attr.Value{})), encode: plain}
}

// stringSetField is written sorted, so that the order of a set never counts as a change.
func stringSetField(name, desc string, v ...validator.Set) field {
	return field{name: name, attr: schema.SetAttribute{
		Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc, Validators: v,
		PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
	}, decode: valueOf(types.SetType{ElemType: types.StringType}, types.SetValueMust(types.StringType, []attr.Value{})), encode: plain}
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

// jsonField is a field of any type, decoded and encoded by its type (see framework.FromJSON
// and ToJSON):
// nested objects and lists of them.
func jsonField(name, at string, a schema.Attribute) field {
	return field{name: name, path: at, attr: a,
		decode: func(ctx context.Context, raw json.RawMessage, present bool, _ attr.Value) (attr.Value, error) {
			if !present {
				raw = nil
			}
			return framework.FromJSON(ctx, a.GetType(), raw)
		},
		encode: func(_ context.Context, v attr.Value, _ *nsxtapi.Document) (any, diag.Diagnostics) {
			var diags diag.Diagnostics
			j, err := framework.ToJSON(v)
			if err != nil {
				diags.AddAttributeError(path.Root(name), "Unwritable Value", err.Error())
			}
			return j, diags
		},
	}
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
	f.same = framework.SubsetEqual
	f.encode = func(_ context.Context, v attr.Value, doc *nsxtapi.Document) (any, diag.Diagnostics) {
		var diags diag.Diagnostics
		j, err := framework.ToJSON(v)
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
		maps.Copy(read, set)
		return read, diags
	}
	return f
}
