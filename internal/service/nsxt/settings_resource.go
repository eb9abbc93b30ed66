package nsxt

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

func (s *settings) resource() resource.Resource {
	return &settingsResource{ResourceBase: framework.ResourceBase{Base: framework.Base{TypeName: s.typeName}}, decl: s}
}

type settingsResource struct {
	framework.ResourceBase
	decl *settings
}

func (r *settingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	d := r.decl
	attrs := map[string]schema.Attribute{
		attrID: framework.Assigned(fmt.Sprintf("Always `%s`.", d.object.ID)),
		attrTimeouts: framework.ResourceTimeouts(ctx, timeouts.Opts{
			Create: true, Update: true, Read: true, Delete: d.reset != nil,
			ReadDescription: "How long a refresh may take. Default `5m`.",
			CreateDescription: fmt.Sprintf("How long a create may take, waits for the API service included "+
				"(a [duration](https://pkg.go.dev/time#ParseDuration), e.g. `\"15m\"`). Default `%s`.", framework.ShortDuration(d.writeLimit())),
			UpdateDescription: fmt.Sprintf("How long an update may take, waits for the API service included. Default `%s`.", framework.ShortDuration(d.writeLimit())),
			DeleteDescription: "How long a destroy may take. Default `5m`.",
		}),
	}
	for _, f := range d.fields {
		if !f.nodeOnly {
			attrs[f.name] = f.attr
		}
	}
	maps.Copy(attrs, d.computed)
	for _, sec := range d.secrets {
		attrs[sec.name] = schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true, Validators: sec.validators,
			MarkdownDescription: sec.description + " Write-only: it never reaches the plan or the state; NSX never answers it. " +
				"It is sent with every write of the object, and on its own when `" + sec.version + "` changes.",
		}
	}
	maps.Copy(attrs, d.locals)
	for _, v := range d.versions() {
		if _, ok := d.locals[v]; ok {
			continue
		}
		attrs[v] = schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Any number; change it to send the write-only secrets again (a rotation), since Terraform cannot see a change of a write-only value.",
		}
	}
	if d.object.Scope == nsxtapi.Node {
		attrs[attrNodes] = schema.MapNestedAttribute{
			Computed: true,
			MarkdownDescription: "The object as read on each manager node, by the node's address as the `nsxt` block lists it: NSX keeps it per node, " +
				"and the provider reads and writes it on every node through that node's own session. A node whose values differ from the configuration " +
				"shows under its own address in the plan, and an apply writes that node only.",
			NestedObject: schema.NestedAttributeObject{Attributes: d.nodeAttributes()},
		}
	} else if d.revision {
		attrs[attrRevision] = schema.Int64Attribute{Computed: true, MarkdownDescription: "The object's `_revision` as last read."}
	}
	if d.reset != nil {
		attrs[attrReset] = schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: d.reset.description,
		}
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *settings) writeLimit() time.Duration {
	if d.writeTimeout > 0 {
		return d.writeTimeout
	}
	return framework.DefaultResourceTimeout
}

func (d *settings) nodeAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, f := range d.fields {
		out[f.name] = f.nodeAttribute()
	}
	if d.revision {
		out[attrRevision] = schema.Int64Attribute{Computed: true, MarkdownDescription: "The object's `_revision` on this node."}
	}
	return out
}

func (d *settings) nodeType() types.ObjectType {
	t := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for name, a := range d.nodeAttributes() {
		t.AttrTypes[name] = a.GetType()
	}
	return t
}

func (r *settingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, "create", req.Config, req.Plan, nil, &resp.State, &resp.Diagnostics)
}

func (r *settingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	prior, ok := read(ctx, req.State.Schema, req.State.Raw, &resp.Diagnostics)
	if !ok {
		return
	}
	r.apply(ctx, "update", req.Config, req.Plan, prior, &resp.State, &resp.Diagnostics)
}

func (r *settingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := read(ctx, req.State.Schema, req.State.Raw, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, done, ok := r.begin(ctx, state, "read", &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	imported, d := req.Private.GetKey(ctx, privImported)
	resp.Diagnostics.Append(d...)
	if len(imported) > 0 {
		ctx = context.WithValue(ctx, importingKey{}, true)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privImported, nil)...)
	}
	c, diags := framework.Use(ctx, r.Managers, Manager, r.decl.typeName)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	docs := map[string]*nsxtapi.Document{}
	for _, host := range r.hosts(c) {
		doc, err := c.ReadSettings(ctx, r.decl.object, host)
		if err != nil {
			r.Managers.ReadFailed(&resp.Diagnostics, "the NSX "+titled(r.decl.object.Name), r.reading(host), err)
			return
		}
		docs[host] = doc
	}
	// What the manager says replaces the state; what only the configuration says stays.
	keep := values{attrTimeouts: state[attrTimeouts]}
	for _, sec := range r.decl.secrets {
		keep[sec.name] = types.StringNull()
	}
	for _, v := range r.decl.versions() {
		keep[v] = state[v]
	}
	for name, a := range r.decl.locals {
		switch b, isBool := a.(schema.BoolAttribute); {
		case a.IsWriteOnly():
			keep[name] = framework.NullOf(ctx, a.GetType())
		case isBool && b.Default != nil && (state[name] == nil || state[name].IsNull()):
			// Imported: the attribute's default, as the plan will have it.
			var dr defaults.BoolResponse
			b.Default.DefaultBool(ctx, defaults.BoolRequest{}, &dr)
			keep[name] = dr.PlanValue
		default:
			keep[name] = state[name]
		}
	}
	if v, ok := state[attrReset]; ok {
		if v.IsNull() { // imported: the attribute's default
			v = types.BoolValue(false)
		}
		keep[attrReset] = v
	}
	base := values{}
	for k, v := range state {
		if k != attrNodes { // the nodes are the ones read now
			base[k] = v
		}
	}
	next := r.decl.stateFrom(ctx, docs, keep, state, base, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(write(ctx, &resp.State, next)...)
}

// Delete leaves the object as it is (it cannot be removed), or, when asked, puts it back to
// its defaults.
func (r *settingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	d := r.decl
	state, ok := read(ctx, req.State.Schema, req.State.Raw, &resp.Diagnostics)
	if !ok {
		return
	}
	if d.reset == nil || !isTrue(state[attrReset]) {
		tflog.Info(ctx, d.typeName+" removed from state; the manager keeps its current settings")
		if d.destroyNote != "" {
			resp.Diagnostics.AddWarning("NSX "+titled(d.object.Name)+" Left As It Is", d.destroyNote)
		}
		return
	}
	ctx, done, ok := r.begin(ctx, state, "delete", &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	c, diags := framework.Use(ctx, r.Managers, Manager, d.typeName)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	for _, host := range r.hosts(c) {
		if err := c.Act(ctx, d.object, host, d.object.Path, d.reset.action); err != nil {
			r.Managers.Failed(&resp.Diagnostics, "Resetting the NSX "+titled(d.object.Name)+" Failed",
				fmt.Sprintf("Posting action %s to %s%s failed", d.reset.action, d.object.Path, onNode(d.object, host)), err)
			return
		}
	}
}

func (r *settingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := r.decl.object.ID
	if req.ID != id {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%s is a singleton; import it with the id %q, not %q.", r.decl.typeName, id, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrID), id)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privImported, []byte("true"))...)
}

func (r *settingsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.decl.validate == nil {
		return
	}
	if cfg, ok := read(ctx, req.Config.Schema, req.Config.Raw, &resp.Diagnostics); ok {
		r.decl.validate(ctx, cfg, &resp.Diagnostics)
	}
}

// ModifyPlan reports a missing nsxt block as the apply would; plans `revision` (unchanged
// where nothing is to be written) and, for node-scoped objects, each node's values with the
// configuration applied, so that a node that differs shows under its own address.
func (r *settingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	d := r.decl
	resp.Diagnostics.Append(r.Managers.RequireAtPlan(Manager.Info, d.typeName)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan, _ := read(ctx, req.Plan.Schema, req.Plan.Raw, &resp.Diagnostics)
	cfg, _ := read(ctx, req.Config.Schema, req.Config.Raw, &resp.Diagnostics)
	var state values
	if !req.State.Raw.IsNull() {
		state, _ = read(ctx, req.State.Schema, req.State.Raw, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if d.plan != nil {
		d.plan(ctx, r, req, plan, state, cfg, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state != nil {
		if !d.fieldChanges(cfg, state) {
			// Nothing but secrets (or timeouts) to send: what the manager derives from the
			// fields (NSX's v2_configured, say) stays as read, not known only after apply.
			for _, f := range d.fields {
				if f.encode == nil && !f.nodeOnly && state[f.name] != nil {
					plan[f.name] = state[f.name]
				}
			}
		}
		if d.object.Scope == nsxtapi.Node {
			plan[attrNodes] = r.plannedNodes(ctx, cfg, state)
		} else if d.revision {
			plan[attrRevision] = state[attrRevision]
			if d.changes(cfg, state) {
				plan[attrRevision] = types.Int64Unknown()
			}
		}
	}
	resp.Diagnostics.Append(writePlan(ctx, &resp.Plan, plan)...)
}

// sameFor is the check whether a configured value of f needs no write over the state's
// values (nil: equal values).
func (d *settings) sameFor(f field) func(cfg attr.Value, state values) bool {
	if same := d.same[f.name]; same != nil {
		return same
	}
	if f.same != nil {
		return func(cfg attr.Value, state values) bool { return f.same(cfg, state[f.name]) }
	}
	return nil
}

// changes reports whether the configuration sets any field to something the state values do
// not hold, or sends its write-only secrets again.
func (d *settings) changes(cfg, state values) bool {
	for _, v := range d.versions() {
		if rotating(v, cfg, state) {
			return true
		}
	}
	return d.fieldChanges(cfg, state)
}

// fieldChanges reports whether the configuration sets any field to something the state values
// do not hold (the secrets aside).
func (d *settings) fieldChanges(cfg, state values) bool {
	for _, f := range d.fields {
		if f.nodeOnly {
			continue
		}
		v := cfg[f.name]
		if v == nil || v.IsNull() {
			continue
		}
		if v.IsUnknown() {
			return true
		}
		if same := d.sameFor(f); same != nil {
			if !same(v, state) {
				return true
			}
			continue
		}
		if !v.Equal(state[f.name]) {
			return true
		}
	}
	return false
}

// plannedNodes is each configured node's values with the configuration applied: a node whose
// values the configuration changes gets an unknown revision (a write is coming); a node the
// state does not know yet is known after apply.
func (r *settingsResource) plannedNodes(ctx context.Context, cfg, state values) attr.Value {
	d := r.decl
	nt := d.nodeType()
	s := r.Managers.Settings(Manager.Block)
	if s == nil {
		return types.MapUnknown(nt)
	}
	prior := map[string]attr.Value{}
	if m, ok := state[attrNodes].(types.Map); ok && !m.IsNull() && !m.IsUnknown() {
		prior = m.Elements()
	}
	out := map[string]attr.Value{}
	for _, n := range s.Nodes {
		obj, ok := prior[n.Host].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			out[n.Host] = types.ObjectUnknown(nt.AttrTypes)
			continue
		}
		node := values(obj.Attributes())
		planned := values{}
		maps.Copy(planned, node)
		changed := false
		for _, v := range d.versions() {
			changed = changed || rotating(v, cfg, state)
		}
		for _, f := range d.fields {
			v := cfg[f.name]
			if f.nodeOnly || v == nil || v.IsNull() {
				continue
			}
			if v.IsUnknown() {
				planned[f.name], changed = v, true
				continue
			}
			if same := d.sameFor(f); same != nil {
				if !same(v, node) {
					planned[f.name], changed = v, true
					if f.same != nil { // a part of what the node will hold: known after apply
						planned[f.name] = framework.UnknownOf(ctx, f.typ())
					}
				}
				continue
			}
			if !v.Equal(node[f.name]) {
				planned[f.name], changed = v, true
			}
		}
		if changed && d.revision {
			planned[attrRevision] = types.Int64Unknown()
		}
		out[n.Host] = types.ObjectValueMust(nt.AttrTypes, planned)
	}
	return types.MapValueMust(nt, out)
}

// begin starts op under its limit from the model's timeouts.
func (r *settingsResource) begin(ctx context.Context, vals values, op string, diags *diag.Diagnostics) (context.Context, func(), bool) {
	tv, _ := vals[attrTimeouts].(timeouts.Value)
	var limit time.Duration
	var d diag.Diagnostics
	switch op {
	case "create":
		limit, d = tv.Create(ctx, r.decl.writeLimit())
	case "update":
		limit, d = tv.Update(ctx, r.decl.writeLimit())
	case "delete":
		limit, d = tv.Delete(ctx, framework.DefaultResourceTimeout)
	default:
		limit, d = tv.Read(ctx, framework.DefaultReadTimeout)
	}
	diags.Append(d...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	ctx, done := framework.StartOperation(ctx, r.decl.typeName, op, limit, diags)
	return ctx, done, true
}

// importingKey marks the first read after an import: fields whose value depends on the prior
// state (a managed part of a list) then learn it from the manager.
type importingKey struct{}

func importing(ctx context.Context) bool { return ctx.Value(importingKey{}) != nil }
