package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/vmihailenco/msgpack/v5"
)

// stateWriter writes a state in the msgpack form the protocol carries it in (objects as maps
// of attribute name to value, lists as arrays, maps as maps, strings as strings, null as nil),
// straight from the provider's own structs: for a list of thousands of objects, building
// Terraform values first and encoding them afterwards costs several times as much. Writers
// must write every attribute of an object, as Terraform requires.
type stateWriter struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error
}

func newStateWriter(sizeHint int) *stateWriter {
	w := &stateWriter{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf)
	return w
}

func (w *stateWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

// object starts an object of n attributes; each is a str key followed by its value.
func (w *stateWriter) object(n int) { w.keep(w.enc.EncodeMapLen(n)) }

// list starts a list (or the pairs of a map, with mapOf) of n elements.
func (w *stateWriter) list(n int)  { w.keep(w.enc.EncodeArrayLen(n)) }
func (w *stateWriter) mapOf(n int) { w.keep(w.enc.EncodeMapLen(n)) }
func (w *stateWriter) str(s string) {
	w.keep(w.enc.EncodeString(s))
}

// attr writes key and the string value v.
func (w *stateWriter) attr(key, v string) {
	w.str(key)
	w.str(v)
}

// value writes a framework value, as the framework would (for the few values of a state
// that come from the configuration).
func (w *stateWriter) value(ctx context.Context, v attr.Value) {
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		w.keep(err)
		return
	}
	dv, err := tfprotov6.NewDynamicValue(tv.Type(), tv)
	if err != nil {
		w.keep(err)
		return
	}
	w.buf.Write(dv.MsgPack) // the encoder writes to buf unbuffered: this lands in order
}

// bytes are what was written, or the first error.
func (w *stateWriter) bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

// finish is what was written; an error writing it is added to diags.
func (w *stateWriter) finish(diags *diag.Diagnostics) []byte {
	if w.err != nil {
		diags.AddError("Unable to Encode State", "This is a bug in the provider, please report it: "+w.err.Error())
	}
	return w.buf.Bytes()
}

// null writes a null value.
func (w *stateWriter) null() { w.keep(w.enc.EncodeNil()) }

// bool writes a boolean.
func (w *stateWriter) bool(b bool) { w.keep(w.enc.EncodeBool(b)) }

// tstr writes key and a framework string (null where it is null; never unknown in a state).
func (w *stateWriter) tstr(key string, v types.String) {
	w.str(key)
	if v.IsNull() || v.IsUnknown() {
		w.null()
		return
	}
	w.str(v.ValueString())
}

// configValues writes the attributes of a state that come from the configuration, as they
// are, by name.
func (w *stateWriter) configValues(ctx context.Context, values map[string]attr.Value) {
	for name, v := range values {
		w.str(name)
		w.value(ctx, v)
	}
}

// readEncodedInto is Read for a data source that builds its state encoded: it decodes the
// state into resp for the framework (the server's direct read takes the encoded state as it
// is, see directReads).
func readEncodedInto(ctx context.Context, r encodedReader, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state := r.readEncoded(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	raw, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(resp.State.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Unable to Decode State", "This is a bug in the provider, please report it: "+err.Error())
		return
	}
	resp.State.Raw = raw
}
