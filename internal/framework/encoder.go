package framework

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// A data source whose state is a list of thousands of objects builds an ordinary model (the
// struct with tfsdk tags that State.Set takes) and the provider's server encodes that model
// itself, straight into the msgpack the protocol carries: building Terraform values first and
// passing them through the framework's generic passes over a new state (a deep copy, a
// conversion of every value for semantic equality, a comparison and a walk for null blocks)
// costs seconds for 20,000 segments, the encoding milliseconds. The encoder is compiled once
// per model type against the schema's type, so a model that lacks an attribute, has one too
// many or one of another type is refused before anything is encoded.

// ModelReader is a data source read through its model: ReadModel returns the model of the
// state for req (nil when diags have an error). Its Read sets that model as the state
// (ModelDataSource gives it one); the provider's server answers ReadDataSource with the model
// encoded by a StateEncoder instead.
type ModelReader interface {
	datasource.DataSourceWithConfigure
	readsModel
}

type readsModel interface {
	ReadModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) any
}

// modelType is a data source type read through its model, with all a data source has but
// Read.
type modelType interface {
	Metadata(context.Context, datasource.MetadataRequest, *datasource.MetadataResponse)
	Schema(context.Context, datasource.SchemaRequest, *datasource.SchemaResponse)
	Configure(context.Context, datasource.ConfigureRequest, *datasource.ConfigureResponse)
	readsModel
}

// modelRead is a modelType with its Read.
type modelRead struct{ modelType }

// Read is the framework's read of the model: ReadModel's answer set as the state.
func (d modelRead) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	model := d.ReadModel(ctx, req, &resp.Diagnostics)
	if model == nil || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

// ModelDataSource is DataSource for a type read through its model (ReadModel, no Read of its
// own): the data source made is a ModelReader. The type may have no other optional method of
// a data source (ValidateConfig, ConfigValidators): the wrapper would hide it, so making one
// panics, and the provider's tests, which make every type, fail.
func ModelDataSource[T any, P interface {
	*T
	modelType
	named
}](name string) func() datasource.DataSource {
	return func() datasource.DataSource {
		p := made[T, P](name)
		switch any(p).(type) {
		case interface {
			ValidateConfig(context.Context, datasource.ValidateConfigRequest, *datasource.ValidateConfigResponse)
		}, interface {
			ConfigValidators(context.Context) []datasource.ConfigValidator
		}:
			panic(name + ": a ModelDataSource cannot have ValidateConfig or ConfigValidators")
		}
		return modelRead{p}
	}
}

// StateEncoder writes values of one model type as the msgpack of one Terraform type.
type StateEncoder struct {
	typ    tftypes.Type
	goType reflect.Type
	write  encodeFunc
}

type encodeFunc func(w *msgpackWriter, v reflect.Value) error

// msgpackWriter is a msgpack encoder over a buffer it writes to unbuffered, so that a value
// encoded elsewhere can be written between its own values.
type msgpackWriter struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
}

var encoders sync.Map // encoderKey → *StateEncoder

type encoderKey struct {
	goType reflect.Type
	typ    string
}

// EncoderFor is the encoder of model's type (a struct or a pointer to one) for typ, compiled
// on first use and checked against typ.
func EncoderFor(model any, typ tftypes.Type) (*StateEncoder, error) {
	t := reflect.TypeOf(model)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil, fmt.Errorf("no model")
	}
	key := encoderKey{t, typ.String()}
	if e, ok := encoders.Load(key); ok {
		return e.(*StateEncoder), nil //nolint:forcetypeassert // only StateEncoders are stored
	}
	write, err := compile(t, typ, tftypes.NewAttributePath())
	if err != nil {
		return nil, fmt.Errorf("model %s does not fit the schema: %w", t, err)
	}
	e := &StateEncoder{typ: typ, goType: t, write: write}
	encoders.Store(key, e)
	return e, nil
}

// Encode writes model as the protocol's msgpack.
func (e *StateEncoder) Encode(model any, sizeHint int) ([]byte, error) {
	v := reflect.ValueOf(model)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("nil model")
		}
		v = v.Elem()
	}
	if v.Type() != e.goType {
		return nil, fmt.Errorf("encoder of %s given a %s", e.goType, v.Type())
	}
	w := &msgpackWriter{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf)
	if err := e.write(w, v); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

var (
	attrValueType = reflect.TypeFor[attr.Value]()
	stringValue   = reflect.TypeFor[basetypes.StringValue]()
	boolValue     = reflect.TypeFor[basetypes.BoolValue]()
	int64Value    = reflect.TypeFor[basetypes.Int64Value]()
)

// compile builds the writer of Go type t as Terraform type typ; at names the place, for
// messages.
func compile(t reflect.Type, typ tftypes.Type, at *tftypes.AttributePath) (encodeFunc, error) {
	mismatch := func() error { return at.NewErrorf("a Go %s cannot hold a Terraform %s", t, typ) }
	switch {
	case t == stringValue && typ.Is(tftypes.String):
		return func(w *msgpackWriter, v reflect.Value) error {
			s := v.Interface().(basetypes.StringValue) //nolint:forcetypeassert // t is StringValue
			return w.known(s, func() error { return w.enc.EncodeString(s.ValueString()) })
		}, nil
	case t == boolValue && typ.Is(tftypes.Bool):
		return func(w *msgpackWriter, v reflect.Value) error {
			b := v.Interface().(basetypes.BoolValue) //nolint:forcetypeassert // t is BoolValue
			return w.known(b, func() error { return w.enc.EncodeBool(b.ValueBool()) })
		}, nil
	case t == int64Value && typ.Is(tftypes.Number):
		return func(w *msgpackWriter, v reflect.Value) error {
			n := v.Interface().(basetypes.Int64Value) //nolint:forcetypeassert // t is Int64Value
			return w.known(n, func() error { return w.enc.EncodeInt(n.ValueInt64()) })
		}, nil
	case t.Implements(attrValueType):
		// Any other framework value (a timeouts object, a configured map): encoded as the
		// framework encodes it.
		return func(w *msgpackWriter, v reflect.Value) error {
			av := v.Interface().(attr.Value) //nolint:forcetypeassert // t implements attr.Value
			tv, err := av.ToTerraformValue(context.Background())
			if err != nil {
				return at.NewError(err)
			}
			dv, err := tfprotov6.NewDynamicValue(typ, tv)
			if err != nil {
				return at.NewError(err)
			}
			w.buf.Write(dv.MsgPack)
			return nil
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		if !typ.Is(tftypes.String) {
			return nil, mismatch()
		}
		return func(w *msgpackWriter, v reflect.Value) error { return w.enc.EncodeString(v.String()) }, nil
	case reflect.Bool:
		if !typ.Is(tftypes.Bool) {
			return nil, mismatch()
		}
		return func(w *msgpackWriter, v reflect.Value) error { return w.enc.EncodeBool(v.Bool()) }, nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		if !typ.Is(tftypes.Number) {
			return nil, mismatch()
		}
		return func(w *msgpackWriter, v reflect.Value) error { return w.enc.EncodeInt(v.Int()) }, nil
	case reflect.Pointer:
		elem, err := compile(t.Elem(), typ, at)
		if err != nil {
			return nil, err
		}
		return func(w *msgpackWriter, v reflect.Value) error {
			if v.IsNil() {
				return w.enc.EncodeNil()
			}
			return elem(w, v.Elem())
		}, nil
	case reflect.Slice:
		var et tftypes.Type
		switch {
		case typ.Is(tftypes.List{}):
			et = typ.(tftypes.List).ElementType //nolint:forcetypeassert // Is says so
		case typ.Is(tftypes.Set{}):
			et = typ.(tftypes.Set).ElementType //nolint:forcetypeassert // Is says so
		default:
			return nil, mismatch()
		}
		elem, err := compile(t.Elem(), et, at.WithElementKeyInt(0))
		if err != nil {
			return nil, err
		}
		return func(w *msgpackWriter, v reflect.Value) error {
			if v.IsNil() {
				return w.enc.EncodeNil()
			}
			if err := w.enc.EncodeArrayLen(v.Len()); err != nil {
				return err
			}
			for i := 0; i < v.Len(); i++ {
				if err := elem(w, v.Index(i)); err != nil {
					return err
				}
			}
			return nil
		}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String || !typ.Is(tftypes.Map{}) {
			return nil, mismatch()
		}
		elem, err := compile(t.Elem(), typ.(tftypes.Map).ElementType, at.WithElementKeyString("*")) //nolint:forcetypeassert // Is says so
		if err != nil {
			return nil, err
		}
		return func(w *msgpackWriter, v reflect.Value) error {
			if v.IsNil() {
				return w.enc.EncodeNil()
			}
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
			if err := w.enc.EncodeMapLen(len(keys)); err != nil {
				return err
			}
			for _, k := range keys {
				if err := w.enc.EncodeString(k.String()); err != nil {
					return err
				}
				if err := elem(w, v.MapIndex(k)); err != nil {
					return err
				}
			}
			return nil
		}, nil
	case reflect.Struct:
		obj, ok := typ.(tftypes.Object)
		if !ok {
			return nil, mismatch()
		}
		return compileObject(t, obj, at)
	}
	return nil, mismatch()
}

// objectField is one attribute of an object: its name and where the struct holds it.
type objectField struct {
	name  string
	index []int
	write encodeFunc
}

// compileObject writes a struct as an object, its attributes sorted by name as Terraform
// sorts them, each found by its tfsdk tag (embedded structs' fields included).
func compileObject(t reflect.Type, obj tftypes.Object, at *tftypes.AttributePath) (encodeFunc, error) {
	byName := map[string][]int{}
	if err := tagged(t, nil, byName); err != nil {
		return nil, at.NewError(err)
	}
	var fields []objectField
	for name, typ := range obj.AttributeTypes {
		index, ok := byName[name]
		if !ok {
			return nil, at.NewErrorf("%s has no field tagged tfsdk:%q", t, name)
		}
		w, err := compile(t.FieldByIndex(index).Type, typ, at.WithAttributeName(name))
		if err != nil {
			return nil, err
		}
		fields = append(fields, objectField{name: name, index: index, write: w})
		delete(byName, name)
	}
	if len(byName) > 0 {
		extra := make([]string, 0, len(byName))
		for name := range byName {
			extra = append(extra, name)
		}
		sort.Strings(extra)
		return nil, at.NewErrorf("%s has fields for attributes the schema does not have: %s", t, strings.Join(extra, ", "))
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	return func(w *msgpackWriter, v reflect.Value) error {
		if err := w.enc.EncodeMapLen(len(fields)); err != nil {
			return err
		}
		for _, f := range fields {
			if err := w.enc.EncodeString(f.name); err != nil {
				return err
			}
			if err := f.write(w, v.FieldByIndex(f.index)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// tagged collects the tfsdk-tagged fields of t by name, descending into embedded structs as
// the framework does.
func tagged(t reflect.Type, prefix []int, into map[string][]int) error {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("tfsdk")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if err := tagged(f.Type, index, into); err != nil {
				return err
			}
			continue
		}
		if tag == "" || tag == "-" {
			continue
		}
		if _, dup := into[tag]; dup {
			return fmt.Errorf("%s tags two fields tfsdk:%q", t, tag)
		}
		into[tag] = index
	}
	return nil
}

// known writes a framework value's null as nil and refuses an unknown one (a state holds
// none); write writes a known value.
func (w *msgpackWriter) known(v attr.Value, write func() error) error {
	switch {
	case v.IsUnknown():
		return fmt.Errorf("an unknown value in a state")
	case v.IsNull():
		return w.enc.EncodeNil()
	}
	return write()
}
