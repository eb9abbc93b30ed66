package nsxt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// apply writes what cfg sets: once for a cluster object, on every node for a node-scoped one
// (one after the other, so that a write that restarts a node's API service never takes the
// whole cluster's API down at once). Whatever the manager took is recorded in the state even
// when a later step fails, so that nothing it holds is forgotten.
func (r *settingsResource) apply(ctx context.Context, op string, config tfsdk.Config, planData tfsdk.Plan, prior values,
	out *tfsdk.State, diags *diag.Diagnostics) {
	d := r.decl
	plan, planOK := read(ctx, planData.Schema, planData.Raw, diags)
	cfg, cfgOK := read(ctx, config.Schema, config.Raw, diags)
	if !planOK || !cfgOK {
		return
	}
	ctx, done, ok := r.begin(ctx, plan, op, diags)
	defer done()
	if !ok {
		return
	}
	c, dd := framework.Use(ctx, r.Managers, Manager, d.typeName)
	diags.Append(dd...)
	if dd.HasError() {
		return
	}
	c.Secrets(d.writeOnlyValues(cfg)...)
	change := func(doc *nsxtapi.Document) (nsxtapi.Changes, error) {
		ch := nsxtapi.Changes{}
		var cd diag.Diagnostics
		for _, f := range d.fields {
			v := cfg[f.name]
			if v == nil || !framework.Known(v) || f.encode == nil {
				continue
			}
			enc, ed := f.encode(ctx, v, doc)
			cd.Append(ed...)
			if enc != nil {
				ch[f.jsonPath()] = enc
			}
		}
		for _, sec := range d.secrets {
			v, ok := cfg[sec.name].(types.String)
			if !ok || !framework.Known(v) {
				continue
			}
			if rotating(sec.version, cfg, prior) {
				ch[sec.path] = v.ValueString()
			} else {
				ch[sec.path] = nsxtapi.Along{Value: v.ValueString()}
			}
		}
		if d.compose != nil && !cd.HasError() {
			d.compose(ctx, composeInput{cfg: cfg, prior: prior, doc: doc}, ch, &cd)
		}
		if d.check != nil && !cd.HasError() {
			d.check(ctx, doc, ch, &cd)
		}
		diags.Append(cd...)
		if cd.HasError() {
			return nil, errDiagnosed
		}
		return ch, nil
	}
	docs := map[string]*nsxtapi.Document{}
	wrote := false
	var failed error
	failedAt := ""
	for _, host := range r.hosts(c) {
		w, err := c.WriteSettings(ctx, d.object, host, min(restartWait, time.Until(deadline(ctx))), change)
		if w != nil {
			docs[host] = w.After
			if w.Wrote() {
				wrote = true
				r.verify(ctx, w, cfg, prior, diags)
				if err == nil && d.after != nil {
					d.after(ctx, r, c, w, diags)
				}
			}
		}
		if err != nil {
			failed, failedAt = err, host
			break
		}
	}
	writePath := ""
	if d.object.WriteFallback != "" {
		writePath = c.WritePath(d.object)
	}
	var unwritable *nsxtapi.UnwritableError
	if tolerate, _ := cfg[d.unwritable].(types.Bool); errors.As(failed, &unwritable) && d.unwritable != "" && framework.IsFalse(tolerate) {
		// Tolerated: said, and the object recorded as the manager holds it.
		diags.AddWarning("NSX "+titled(d.object.Name)+" Not Written", failed.Error()+
			". "+d.unwritable+" = false: the apply goes on with write_path empty; the state holds the configured values (Terraform "+
			"requires it of an apply), and the next refresh reads the "+d.object.Name+" as NSX holds it, so the next plan shows what differs.")
		doc, err := c.ReadSettings(ctx, d.object, failedAt)
		if err != nil {
			r.Managers.ReadFailed(diags, "the NSX "+titled(d.object.Name), "Reading "+d.object.Path, err)
			return
		}
		docs[failedAt], failed, wrote, writePath = doc, nil, true, ""
	}
	if failed != nil {
		if !errors.Is(failed, errDiagnosed) {
			r.Managers.Failed(diags, "Writing the NSX "+titled(d.object.Name)+" Failed", r.writing(failedAt, wrote), failed)
		}
		if !wrote {
			return // nothing taken: the state stays as it was
		}
	}
	base := prior
	if base == nil {
		base = plan
	}
	next := d.stateFrom(ctx, docs, plan, plan, base, diags)
	if next == nil {
		return
	}
	if d.object.WriteFallback != "" {
		next[attrWritePath] = types.StringValue(writePath)
	}
	diags.Append(write(ctx, out, next)...)
}

// writeOnlyValues are the configured values of the write-only attributes, which the
// session layer then masks wherever they could show.
func (d *settings) writeOnlyValues(cfg values) []string {
	var out []string
	add := func(v attr.Value) {
		switch v := v.(type) {
		case types.String:
			if framework.Known(v) {
				out = append(out, v.ValueString())
			}
		case types.Map:
			if framework.Known(v) {
				for _, e := range v.Elements() {
					if s, ok := e.(types.String); ok && framework.Known(s) {
						out = append(out, s.ValueString())
					}
				}
			}
		}
	}
	for _, sec := range d.secrets {
		add(cfg[sec.name])
	}
	for name, a := range d.locals {
		if a.IsWriteOnly() {
			add(cfg[name])
		}
	}
	return out
}

// verify warns about each configured value the node reports differently after the write
// than the configuration asks, compared as a plan compares them (what the configuration leaves
// out is the manager's to fill in): someone changed it in the meantime, and the next plan will
// show it. Only fields this write sent count; an answer the provider cannot read is reported
// by the state built from it.
func (r *settingsResource) verify(ctx context.Context, w *nsxtapi.Write, cfg, prior values, diags *diag.Diagnostics) {
	d := r.decl
	if w.After == w.Before {
		return
	}
	// Decoded as the next refresh will: a value whose shape depends on the state (the names
	// a map manages) takes it from the configuration just written.
	read := values{}
	for _, f := range d.fields {
		p := cfg[f.name]
		if p == nil || !framework.WhollyKnown(p) {
			p = prior[f.name]
		}
		if v, err := d.decodeField(ctx, f, w.After, p); err == nil {
			read[f.name] = v
		}
	}
	if d.fill != nil {
		var ignored diag.Diagnostics // the state built from the same answer reports it
		d.fill(ctx, w.After, read, &ignored)
	}
	var diffs []string
	for _, f := range d.fields {
		want, got := cfg[f.name], read[f.name]
		if want == nil || !framework.WhollyKnown(want) || want.IsNull() || got == nil || !written(w, f.jsonPath()) {
			continue
		}
		same := d.sameFor(f)
		if (same != nil && same(want, read)) || (same == nil && want.Equal(got)) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s: configured %s, the node now reports %s", f.name, session.Excerpt([]byte(want.String())),
			session.Excerpt([]byte(got.String()))))
	}
	if len(diffs) > 0 {
		node := w.After.Node
		diags.AddWarning("NSX "+titled(d.object.Name)+" Changed After the Write",
			"The settings were written to node "+node+", but reading them back there shows different values, so someone else changed them in the meantime: "+
				strings.Join(diffs, "; ")+". The next plan will show the difference.")
	}
	tflog.Debug(ctx, "settings read back", map[string]any{"object": d.object.Name, "node": w.After.Node, "restarted": w.Restarted, "waited_ms": w.Waited.Milliseconds()})
}

// written reports whether the write sent the field at p (or a part of it).
func written(w *nsxtapi.Write, p string) bool {
	for _, c := range w.Changed {
		if c == p || strings.HasPrefix(c, p+".") || strings.HasPrefix(p, c+".") {
			return true
		}
	}
	return false
}

func compact(b json.RawMessage) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// hosts are the nodes to read and write: every node for a node-scoped object, the one ""
// (any node) for a cluster object.
func (r *settingsResource) hosts(c *nsxtapi.Client) []string {
	if r.decl.object.Scope == nsxtapi.Node {
		return c.Nodes()
	}
	return []string{""}
}

func (r *settingsResource) reading(host string) string {
	return "Reading " + r.decl.object.Path + onNode(r.decl.object, host)
}

func (r *settingsResource) writing(host string, wroteSome bool) string {
	lead := "Writing " + r.decl.object.Path + onNode(r.decl.object, host)
	if wroteSome {
		lead += " (the nodes written before it hold the new settings, and the state records them)"
	}
	return lead
}

func onNode(obj *nsxtapi.Object, host string) string {
	if obj.Scope == nsxtapi.Node && host != "" {
		return " on node " + host
	}
	return ""
}

func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(restartWait)
}
