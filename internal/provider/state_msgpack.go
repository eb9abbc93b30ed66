package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
