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
)

// apply writes what cfg sets: once for a cluster object, on every node for a node-scoped one
// (one after the other, so that a write that restarts a node's API service never takes the
// whole cluster's API down at once). Whatever the manager took is recorded in the state even
// when a later step fails, so that nothing it holds is forgotten.
func (r *settingsResource) apply(ctx context.Context, op string, config tfsdk.Config, planData tfsdk.Plan, prior values,
	out *tfsdk.State, diags *diag.Diagnostics) {
	d := r.decl
	plan, dd := read(ctx, planData.Schema, planData.Raw)
	diags.Append(dd...)
	cfg, dd := read(ctx, config.Schema, config.Raw)
	diags.Append(dd...)
	if diags.HasError() {
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
				r.verify(ctx, w, diags)
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

// secretKeys are the fields NSX never answers: a comparison of what was written with what
// was read back leaves them out, and no message shows them.
var secretKeys = map[string]bool{"password": true, "passphrase": true, "community_string": true, "auth_password": true,
	"priv_password": true, "tls_key_pem": true}

// withoutSecrets is the JSON value b less every field named in secretKeys, at any depth.
func withoutSecrets(b json.RawMessage) any {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	var strip func(any) any
	strip = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if secretKeys[k] {
					delete(v, k)
					continue
				}
				v[k] = strip(x)
			}
		case []any:
			for i, x := range v {
				v[i] = strip(x)
			}
		}
		return v
	}
	return strip(v)
}

// verify warns about each setting the manager reports differently from what was just
// written: someone changed it in the meantime, and the next plan will show it.
func (r *settingsResource) verify(ctx context.Context, w *nsxtapi.Write, diags *diag.Diagnostics) {
	if w.After == w.Before {
		return
	}
	var diffs []string
	for _, p := range w.Changed {
		wrote, _ := w.Written(p)
		now, _ := w.After.Raw(p)
		if secretKeys[p[strings.LastIndex(p, ".")+1:]] {
			continue
		}
		a, b := withoutSecrets(wrote), withoutSecrets(now)
		if a != nil && b != nil && fmt.Sprint(a) != fmt.Sprint(b) {
			wa, _ := json.Marshal(a)
			wb, _ := json.Marshal(b)
			diffs = append(diffs, fmt.Sprintf("%s: wrote %s, now %s", p, wa, wb))
		}
	}
	if len(diffs) > 0 {
		diags.AddWarning("NSX "+titled(r.decl.object.Name)+" Changed After the Write",
			"The settings were written, but reading them back shows different values, so someone else changed them in the meantime"+
				onNode(r.decl.object, w.After.Node)+": "+strings.Join(diffs, "; ")+". The next plan will show the difference.")
	}
	tflog.Debug(ctx, "settings read back", map[string]any{"object": r.decl.object.Name, "node": w.After.Node, "restarted": w.Restarted, "waited_ms": w.Waited.Milliseconds()})
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
