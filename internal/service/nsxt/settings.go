package nsxt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// settings declares one NSX settings object (see nsxt.Object) as a Terraform resource: its
// type name, its fields, and the hooks where an object needs more than fields. The resource
// itself (settingsResource) is the same for every object: it reads and writes through the
// engine, keeps the object's id, `_revision` and, for node-scoped objects, the values of
// every manager node in `nodes`, so that drift on one node shows in the plan under that
// node's name and an apply writes that node only.
type settings struct {
	object      *nsxtapi.Object
	typeName    string
	description string
	fields      []field
	// revision: the object carries `_revision`, kept as `revision` (per node for Node scope).
	revision bool
	// computed are attributes fill sets from a document.
	computed map[string]schema.Attribute
	// writeTimeout is the default time limit of a create or update (restart waits within).
	writeTimeout time.Duration
	// destroyNote, when set, is the warning destroy gives (the object stays as it is).
	destroyNote string
	// reset is an opt-in action destroy posts to put the object back to its defaults.
	reset *resetAction
	// validate checks the configuration across fields.
	validate func(ctx context.Context, cfg values, diags *diag.Diagnostics)
	// compose adds to a write what the fields alone cannot say (lists whose items carry
	// secrets the manager keeps).
	compose func(ctx context.Context, in composeInput, ch nsxtapi.Changes, diags *diag.Diagnostics)
	// check sees the object as a write would leave it, before anything is sent.
	check func(ctx context.Context, d *nsxtapi.Document, ch nsxtapi.Changes, diags *diag.Diagnostics)
	// fill sets the computed attributes from a document.
	fill func(ctx context.Context, d *nsxtapi.Document, vals values, diags *diag.Diagnostics)
	// plan adds to the plan what the fields alone cannot say.
	plan func(ctx context.Context, r *settingsResource, req resource.ModifyPlanRequest, plan, state, cfg values, diags *diag.Diagnostics)
	// after runs once a write landed (and was read back), for what the object's own read
	// does not show.
	after func(ctx context.Context, r *settingsResource, c *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics)
	// same reports whether a configured value needs no write over the state's values (nil:
	// equal values); for fields whose value is a part of what the manager holds.
	same map[string]func(cfg attr.Value, state values) bool
	// secrets are write-only attributes the manager never answers (passwords, passphrases):
	// sent with every write of the object, and on their own when their version attribute
	// changes (or on create).
	secrets []secret
	// locals are attributes of the resource that are no field of the object (write-only
	// ones are null in the state, others kept as configured); rotation, when set, is one of
	// them whose change is a write of its own (the version of write-only locals).
	locals   map[string]schema.Attribute
	rotation string
}

// secret is a write-only attribute at path in the object, rotated by the attribute version
// (several secrets may share one).
type secret struct {
	name, path, description string
	version                 string
	validators              []validator.String
}

// versions are the version attributes of d's secrets, each once.
func (d *settings) versions() []string {
	var out []string
	seen := map[string]bool{}
	if d.rotation != "" {
		out, seen[d.rotation] = append(out, d.rotation), true
	}
	for _, s := range d.secrets {
		if !seen[s.version] {
			seen[s.version] = true
			out = append(out, s.version)
		}
	}
	return out
}

// rotating reports whether the configuration's version of a secret differs from the
// state's (no state: created now).
func rotating(version string, cfg, prior values) bool {
	if prior == nil {
		return true
	}
	return !cfg[version].Equal(prior[version])
}

// composeInput is what a write is made from: the configuration, the state before (nil on
// create) and the object as read.
type composeInput struct {
	cfg, prior values
	doc        *nsxtapi.Document
}

type resetAction struct {
	action      string // the `?action=` to post
	description string
}

// values are a resource's attributes by name.
type values map[string]attr.Value

const (
	attrID       = "id"
	attrRevision = "revision"
	attrNodes    = "nodes"
	attrTimeouts = "timeouts"
	attrReset    = "reset_on_destroy"
	privImported = "imported"
)

// restartWait bounds the wait for the API service after a write, within the write's timeout.
const restartWait = 5 * time.Minute

var errDiagnosed = errors.New("the diagnostics say why")

func (s *settings) resource() resource.Resource {
	return &settingsResource{ResourceBase: framework.ResourceBase{TypeName: s.typeName}, decl: s}
}

type settingsResource struct {
	framework.ResourceBase
	decl *settings
}

func (r *settingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	d := r.decl
	attrs := map[string]schema.Attribute{
		attrID: schema.StringAttribute{
			Computed: true, MarkdownDescription: fmt.Sprintf("Always `%s`.", d.object.ID),
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
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
	for name, a := range d.computed {
		attrs[name] = a
	}
	for _, sec := range d.secrets {
		attrs[sec.name] = schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true, Validators: sec.validators,
			MarkdownDescription: sec.description + " Write-only: it never reaches the plan or the state; NSX never answers it. " +
				"It is sent with every write of the object, and on its own when `" + sec.version + "` changes.",
		}
	}
	for name, a := range d.locals {
		attrs[name] = a
	}
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
	prior, diags := read(ctx, req.State.Schema, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	r.apply(ctx, "update", req.Config, req.Plan, prior, &resp.State, &resp.Diagnostics)
}

func (r *settingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := read(ctx, req.State.Schema, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
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
		if a.IsWriteOnly() {
			keep[name] = nullOf(a.GetType())
		} else {
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
	state, diags := read(ctx, req.State.Schema, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
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
	cfg, diags := read(ctx, req.Config.Schema, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
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
	plan, diags := read(ctx, req.Plan.Schema, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	cfg, diags := read(ctx, req.Config.Schema, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	var state values
	if !req.State.Raw.IsNull() {
		state, diags = read(ctx, req.State.Schema, req.State.Raw)
		resp.Diagnostics.Append(diags...)
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
		if d.object.Scope == nsxtapi.Node {
			plan[attrNodes] = r.plannedNodes(cfg, state)
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
// not hold.
func (d *settings) changes(cfg, state values) bool {
	for _, v := range d.versions() {
		if rotating(v, cfg, state) {
			return true
		}
	}
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
func (r *settingsResource) plannedNodes(cfg, state values) attr.Value {
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
		for k, v := range node {
			planned[k] = v
		}
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
						planned[f.name] = unknownOf(f.typ())
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

// stateFrom is the resource's state from the documents read, by node (one, under "", for a
// cluster object): known values of keep stay (after a write: what was written, or what the
// plan promised), the rest comes from the documents, each field decoded with its value in
// prior; base supplies what no document says (a node not reached).
func (d *settings) stateFrom(ctx context.Context, docs map[string]*nsxtapi.Document, keep, prior, base values, diags *diag.Diagnostics) values {
	next := values{}
	for k, v := range keep {
		next[k] = v
	}
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
		nodes[host] = types.ObjectValueMust(nt.AttrTypes, nodeValues(d, nv))
	}
	// Nodes no longer configured are no longer managed.
	if p, ok := keep[attrNodes].(types.Map); ok && framework.Known(p) {
		for host := range nodes {
			if _, planned := p.Elements()[host]; !planned {
				delete(nodes, host)
			}
		}
	}
	next[attrNodes] = types.MapValueMust(nt, nodes)
	// The top level: what every node agrees on; where they differ, what the plan or the
	// state said (the difference shows under the nodes).
	for _, f := range d.fields {
		if f.nodeOnly {
			continue
		}
		if v, ok := next[f.name]; ok && v != nil && whollyKnown(v) {
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

func nodeValues(d *settings, nv values) values {
	out := values{}
	for _, f := range d.fields {
		out[f.name] = nv[f.name]
	}
	if d.revision {
		out[attrRevision] = nv[attrRevision]
	}
	return out
}

// decodeAll decodes every field of doc, each with its prior value from prior.
func (d *settings) decodeAll(ctx context.Context, doc *nsxtapi.Document, prior values, diags *diag.Diagnostics) values {
	out := values{}
	for _, f := range d.fields {
		raw, present := doc.Raw(f.jsonPath())
		v, dd := f.decode(ctx, raw, present, prior[f.name])
		diags.Append(dd...)
		out[f.name] = v
	}
	return out
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
		if v, ok := next[k]; (!ok || v == nil || !whollyKnown(v)) && r != nil {
			next[k] = r
		}
	}
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

func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(restartWait)
}

// importingKey marks the first read after an import: fields whose value depends on the prior
// state (a managed part of a list) then learn it from the manager.
type importingKey struct{}

func importing(ctx context.Context) bool { return ctx.Value(importingKey{}) != nil }

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

// read is a plan's, state's or configuration's attributes.
func read(ctx context.Context, s interface{ Type() attr.Type }, raw tftypes.Value) (values, diag.Diagnostics) {
	var diags diag.Diagnostics
	v, err := s.Type().ValueFromTerraform(ctx, raw)
	if err != nil {
		framework.AddBug(&diags, "Unreadable Resource Data", err.Error())
		return nil, diags
	}
	obj, ok := v.(types.Object)
	if !ok {
		framework.AddBug(&diags, "Unreadable Resource Data", fmt.Sprintf("the resource's data is a %T", v))
		return nil, diags
	}
	return values(obj.Attributes()), diags
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
