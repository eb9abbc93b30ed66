package nsxt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// stateFrom is the resource's state from the documents read, by node (one, under "", for a
// cluster object): known values of keep stay (after a write: what was written, or what the
// plan promised), the rest comes from the documents, each field decoded with its value in
// prior; base supplies what no document says (a node not reached).
func (d *settings) stateFrom(ctx context.Context, docs map[string]*nsxtapi.Document, keep, prior, base values, diags *diag.Diagnostics) values {
	next := values{}
	maps.Copy(next, keep)
	plan := prior
	next[attrID] = types.StringValue(d.object.ID)
	if d.object.Scope == nsxtapi.Cluster {
		doc := docs[""]
		if doc == nil {
			settle(next, base)
			return next
		}
		read := d.decodeAll(ctx, doc, plan, diags)
		if d.revision {
			read[attrRevision] = revisionOf(doc)
		}
		if d.fill != nil {
			d.fill(ctx, doc, read, diags)
		}
		settle(next, read)
		return next
	}
	nt := d.nodeType()
	nodes := map[string]attr.Value{}
	if m, ok := base[attrNodes].(types.Map); ok && framework.Known(m) {
		for k, v := range m.Elements() {
			if framework.Known(v) {
				nodes[k] = v
			}
		}
	}
	hosts := make([]string, 0, len(docs))
	for host := range docs {
		hosts = append(hosts, host)
	}
	sort.Strings(hosts)
	per := map[string]values{}
	for _, host := range hosts {
		nv := d.decodeAll(ctx, docs[host], plan, diags)
		if d.revision {
			nv[attrRevision] = revisionOf(docs[host])
		}
		per[host] = nv
		obj, dd := types.ObjectValue(nt.AttrTypes, nodeValues(ctx, d, nv))
		if dd.HasError() {
			framework.AddBug(diags, "Unbuildable Node State", fmt.Sprintf("%s on node %s: %s", d.typeName, host, dd.Errors()[0].Detail()))
			return nil
		}
		nodes[host] = obj
	}
	// Nodes no longer configured are no longer managed.
	if p, ok := keep[attrNodes].(types.Map); ok && framework.Known(p) {
		for host := range nodes {
			if _, planned := p.Elements()[host]; !planned {
				delete(nodes, host)
			}
		}
	}
	nodesValue, dd := types.MapValue(nt, nodes)
	if dd.HasError() {
		framework.AddBug(diags, "Unbuildable Node State", fmt.Sprintf("%s: %s", d.typeName, dd.Errors()[0].Detail()))
		return nil
	}
	next[attrNodes] = nodesValue
	// The top level: what every node agrees on; where they differ, what the plan or the
	// state said (the difference shows under the nodes).
	for _, f := range d.fields {
		if f.nodeOnly {
			continue
		}
		if v, ok := next[f.name]; ok && v != nil && framework.WhollyKnown(v) {
			continue
		}
		var agreed attr.Value
		for i, host := range hosts {
			v := per[host][f.name]
			if i == 0 {
				agreed = v
			} else if !v.Equal(agreed) {
				agreed = nil
				break
			}
		}
		switch {
		case agreed != nil:
			next[f.name] = agreed
		case base[f.name] != nil && framework.Known(base[f.name]):
			next[f.name] = base[f.name]
		case len(hosts) > 0:
			next[f.name] = per[hosts[0]][f.name]
			diags.AddAttributeWarning(path.Root(f.name), "NSX Manager Nodes Disagree",
				fmt.Sprintf("The nodes hold different values of %s (see nodes); the top level shows %s's.", f.name, hosts[0]))
		}
	}
	if d.fill != nil && len(hosts) > 0 {
		d.fill(ctx, docs[hosts[0]], next, diags)
	}
	return next
}

func nodeValues(ctx context.Context, d *settings, nv values) values {
	out := values{}
	for _, f := range d.fields {
		out[f.name] = orNull(ctx, nv[f.name], f.typ())
	}
	if d.revision {
		out[attrRevision] = orNull(ctx, nv[attrRevision], types.Int64Type)
	}
	return out
}

// orNull is v, or t's null where there is no value.
func orNull(ctx context.Context, v attr.Value, t attr.Type) attr.Value {
	if v == nil {
		return framework.NullOf(ctx, t)
	}
	return v
}

// decodeAll decodes every field of doc, each with its prior value from prior. A field whose
// answer does not fit is null and one error on its attribute, naming the object, the node
// and the path within the field (see unexpected).
func (d *settings) decodeAll(ctx context.Context, doc *nsxtapi.Document, prior values, diags *diag.Diagnostics) values {
	out := values{}
	for _, f := range d.fields {
		v, err := d.decodeField(ctx, f, doc, prior[f.name])
		if err != nil {
			d.unexpected(diags, f, doc.Node, err)
		}
		out[f.name] = v
	}
	return out
}

// decodeField is f's value in doc (never nil: t's null where the answer does not fit).
func (d *settings) decodeField(ctx context.Context, f field, doc *nsxtapi.Document, prior attr.Value) (attr.Value, error) {
	raw, present := doc.Raw(f.jsonPath())
	v, err := f.decode(ctx, raw, present, prior)
	if err != nil || v == nil {
		return framework.NullOf(ctx, f.typ()), err
	}
	return v, nil
}

// unexpected reports an answer of field f, read on node, that the provider cannot take, in
// the words of nsxt.AnswerError.
func (d *settings) unexpected(diags *diag.Diagnostics, f field, node string, err error) {
	if de, ok := errors.AsType[*session.DecodeError](err); ok {
		err = de.At(f.name)
	} else {
		err = fmt.Errorf("%s: %w", f.name, err)
	}
	diags.AddAttributeError(path.Root(f.name), "Unexpected NSX Answer", (&nsxtapi.AnswerError{Object: d.object, Node: node, Err: err}).Error()+
		". Nothing of this answer was recorded. If the manager runs a release newer than this provider knows, a newer provider may read it.")
}

func revisionOf(doc *nsxtapi.Document) attr.Value {
	if r, ok := doc.Revision(); ok {
		return types.Int64Value(r)
	}
	return types.Int64Null()
}

// settle fills what next leaves unknown or unset from read.
func settle(next, read values) {
	for k, r := range read {
		if v, ok := next[k]; (!ok || v == nil || !framework.WhollyKnown(v)) && r != nil {
			next[k] = r
		}
	}
}

func isTrue(v attr.Value) bool {
	b, ok := v.(types.Bool)
	return ok && framework.Known(b) && b.ValueBool()
}

// titled is a name in Title Case, for summaries: "auth policy" → "Auth Policy".
func titled(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if w == strings.ToLower(w) && len(w) > 0 {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// read is a plan's, state's or configuration's attributes; ok is false where they could not
// be read (the reason in diags).
func read(ctx context.Context, s interface{ Type() attr.Type }, raw tftypes.Value, diags *diag.Diagnostics) (vals values, ok bool) {
	v, err := s.Type().ValueFromTerraform(ctx, raw)
	if err != nil {
		framework.AddBug(diags, "Unreadable Resource Data", err.Error())
		return nil, false
	}
	obj, isObj := v.(types.Object)
	if !isObj {
		framework.AddBug(diags, "Unreadable Resource Data", fmt.Sprintf("the resource's data is a %T", v))
		return nil, false
	}
	return values(obj.Attributes()), true
}

// write sets the state to vals.
func write(ctx context.Context, st *tfsdk.State, vals values) diag.Diagnostics {
	raw, diags := encode(ctx, st.Schema.Type(), vals)
	if !diags.HasError() {
		st.Raw = raw
	}
	return diags
}

// writePlan sets the plan to vals.
func writePlan(ctx context.Context, p *tfsdk.Plan, vals values) diag.Diagnostics {
	raw, diags := encode(ctx, p.Schema.Type(), vals)
	if !diags.HasError() {
		p.Raw = raw
	}
	return diags
}

func encode(ctx context.Context, t attr.Type, vals values) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	ot, ok := t.(types.ObjectType)
	if !ok {
		framework.AddBug(&diags, "Unwritable Resource Data", fmt.Sprintf("the schema's type is a %T", t))
		return tftypes.Value{}, diags
	}
	obj, d := types.ObjectValue(ot.AttrTypes, vals)
	diags.Append(d...)
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		framework.AddBug(&diags, "Unwritable Resource Data", err.Error())
	}
	return raw, diags
}
