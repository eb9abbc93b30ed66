package framework

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Every logical operation (a data source read, a resource's create, read, update or delete)
// runs under one deadline taken from its `timeouts`, so that no manager, however it
// misbehaves, holds a pipeline longer than the user allowed.

// DefaultReadTimeout bounds a data source read and a resource read: enough for the slowest
// legitimate listing (an Illumio async collection of tens of thousands of labels).
const DefaultReadTimeout = 5 * time.Minute

// DefaultResourceTimeout bounds a create, update or delete of a resource without a restart wait.
const DefaultResourceTimeout = 5 * time.Minute

// CRUDTimeouts is the timeouts attribute of a resource with all four operations, each
// defaulting to 5m (DefaultReadTimeout, DefaultResourceTimeout).
func CRUDTimeouts(ctx context.Context) rschema.Attribute { return defaultTimeouts(ctx, true) }

// CRUTimeouts is CRUDTimeouts for a resource whose destroy contacts nothing (it has no delete
// timeout).
func CRUTimeouts(ctx context.Context) rschema.Attribute { return defaultTimeouts(ctx, false) }

func defaultTimeouts(ctx context.Context, del bool) rschema.Attribute {
	return ResourceTimeouts(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: del,
		CreateDescription: "How long a create may take (a [duration](https://pkg.go.dev/time#ParseDuration) above zero, e.g. `\"2m\"`). Default `5m`.",
		ReadDescription:   "How long a refresh may take. Default `5m`.",
		UpdateDescription: "How long an update may take. Default `5m`.", DeleteDescription: "How long a destroy may take. Default `5m`.",
	})
}

// ResourceTimeouts is the `timeouts` attribute of a resource, refusing durations of zero or
// below at plan time.
func ResourceTimeouts(ctx context.Context, opts timeouts.Opts) rschema.Attribute {
	a, ok := timeouts.Attributes(ctx, opts).(rschema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx, opts)
	}
	a.Attributes = positiveDurations(a.Attributes, func(nested rschema.Attribute) rschema.Attribute {
		if s, ok := nested.(rschema.StringAttribute); ok {
			s.Validators = withPositiveDuration(s.Validators)
			return s
		}
		return nested
	})
	return a
}

// positiveDurations is attrs with each attribute passed through add, which adds
// positiveDuration to a string attribute's validators.
func positiveDurations[A any](attrs map[string]A, add func(A) A) map[string]A {
	out := make(map[string]A, len(attrs))
	for name, nested := range attrs {
		out[name] = add(nested)
	}
	return out
}

// withPositiveDuration is validators and positiveDuration, in a slice of its own.
func withPositiveDuration(validators []validator.String) []validator.String {
	return append(append([]validator.String(nil), validators...), positiveDuration{})
}

// DataSourceSchema is a data source's schema: its description and attributes, and the
// `timeouts` every data source has (DataSourceTimeouts).
func DataSourceSchema(ctx context.Context, description string, attrs map[string]dschema.Attribute) dschema.Schema {
	attrs["timeouts"] = DataSourceTimeouts(ctx)
	return dschema.Schema{MarkdownDescription: description, Attributes: attrs}
}

// DataSourceTimeouts is the `timeouts` attribute of a data source: `read`, default 5m.
func DataSourceTimeouts(ctx context.Context) dschema.Attribute {
	a, ok := dstimeouts.AttributesWithOpts(ctx, dstimeouts.Opts{
		ReadDescription: "How long the read may take, retries, waits and pages included (a [duration](https://pkg.go.dev/time#ParseDuration) " +
			"such as `\"30s\"` or `\"10m\"`, above zero). Default `" + ShortDuration(DefaultReadTimeout) + "`.",
	}).(dschema.SingleNestedAttribute)
	if !ok {
		return dstimeouts.Attributes(ctx)
	}
	a.Attributes = positiveDurations(a.Attributes, func(nested dschema.Attribute) dschema.Attribute {
		if s, ok := nested.(dschema.StringAttribute); ok {
			s.Validators = withPositiveDuration(s.Validators)
			return s
		}
		return nested
	})
	a.MarkdownDescription = "Time limits of this data source's read."
	return a
}

// positiveDuration refuses a timeout of zero or below, which would fail every operation at once.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string { return "must be a duration above zero" }

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Timeout Not Above Zero",
			fmt.Sprintf("%q would end the operation before it starts. Give a duration above zero, such as \"30s\" or \"10m\", or leave it out for the default.",
				req.ConfigValue.ValueString()))
	}
}

// operation is one logical operation under its deadline.
type operation struct {
	what  string // "nsx_segments", "nsx_api_service_config"
	op    string // "read", "create", …
	limit time.Duration
	ctx   context.Context
	diags *diag.Diagnostics
}

// StartOperation bounds ctx by limit. Call the returned function when the operation is done:
// when the deadline is what ended it, each error that says only "context deadline exceeded"
// is reworded to say which timeout ran out, and how to give more time.
//
// The operation also gets its read budget (max_read_mib, max_read_items; see session.Budget).
func StartOperation(ctx context.Context, what, op string, limit time.Duration, diags *diag.Diagnostics) (context.Context, func()) {
	ctx, cancel := context.WithTimeout(session.WithBudget(ctx), limit)
	o := &operation{what: what, op: op, limit: limit, ctx: ctx, diags: diags}
	return ctx, func() {
		o.explain()
		cancel()
	}
}

// Timeouts is the `timeouts` attribute of a resource's model: embed it, and Begin finds the
// operation's time limit in it.
type Timeouts struct {
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (t *Timeouts) limit(ctx context.Context, op Op) (time.Duration, diag.Diagnostics) {
	switch op.Name {
	case "create":
		return t.Timeouts.Create(ctx, op.Default)
	case "update":
		return t.Timeouts.Update(ctx, op.Default)
	case "delete":
		return t.Timeouts.Delete(ctx, op.Default)
	}
	return t.Timeouts.Read(ctx, op.Default)
}

// ReadTimeouts is the `timeouts` attribute of a data source's model: embed it, and
// Begin finds the read's time limit in it (DataSourceBase.ReadOp).
type ReadTimeouts struct {
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
}

func (t *ReadTimeouts) limit(ctx context.Context, op Op) (time.Duration, diag.Diagnostics) {
	return t.Timeouts.Read(ctx, op.Default)
}

// Op is one operation of a type: the type, the operation ("create", "read", "update",
// "delete", "import", "open") and its default time limit.
type Op struct {
	Type    string
	Name    string
	Default time.Duration
}

// Timed is a model that embeds Timeouts or ReadTimeouts.
type Timed interface {
	limit(ctx context.Context, op Op) (time.Duration, diag.Diagnostics)
}

// Source is what a model is read from: a plan, a state or a configuration.
type Source interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// Begin starts op: it reads src into data and bounds ctx by the operation's time limit from
// data's timeouts (see StartOperation). ok false: diags say why. done ends the operation,
// whatever ok is.
func Begin(ctx context.Context, src Source, op Op, data Timed, diags *diag.Diagnostics) (_ context.Context, done func(), ok bool) {
	diags.Append(src.Get(ctx, data)...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	return Start(ctx, op, data, diags)
}

// Start starts op on a model read already (see Begin).
func Start(ctx context.Context, op Op, data Timed, diags *diag.Diagnostics) (_ context.Context, done func(), ok bool) {
	if op.Default == 0 {
		op.Default = DefaultResourceTimeout
		if op.Name == "read" {
			op.Default = DefaultReadTimeout
		}
	}
	limit, d := data.limit(ctx, op)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	ctx, done = StartOperation(ctx, op.Type, op.Name, limit, diags)
	return ctx, done, true
}

func (o *operation) explain() {
	if !errors.Is(o.ctx.Err(), context.DeadlineExceeded) || !o.diags.HasError() {
		return
	}
	ran := fmt.Sprintf("the %s's %s timeout of %s ran out", o.what, o.op, ShortDuration(o.limit))
	hint := fmt.Sprintf(" Give it more time with timeouts = { %s = \"…\" }, or find out why the manager is slow.", o.op)
	var out diag.Diagnostics
	said := false
	for _, d := range *o.diags {
		if d.Severity() != diag.SeverityError {
			out = append(out, d)
			continue
		}
		detail := d.Detail()
		if strings.Contains(detail, context.DeadlineExceeded.Error()) {
			detail = strings.ReplaceAll(detail, context.DeadlineExceeded.Error(), ran) + hint
			said = true
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, diag.NewAttributeErrorDiagnostic(wp.Path(), d.Summary(), detail))
			continue
		}
		out = append(out, diag.NewErrorDiagnostic(d.Summary(), detail))
	}
	if !said {
		out.AddError("Timeout Ran Out", strings.ToUpper(ran[:1])+ran[1:]+"; the error above is where it stopped."+hint)
	}
	*o.diags = out
}

// ShortDuration writes 15m for 15m0s and 1h for 1h0m0s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Open is the prelude of an operation that needs a manager: Begin, then the client of sp for
// op's type. ok false: diags say why; done ends the operation whatever ok is.
func Open[C any](ctx context.Context, src Source, op Op, data Timed, m *Managers, sp *Spec[C], diags *diag.Diagnostics) (_ context.Context, c C, done func(), ok bool) {
	ctx, done, ok = Begin(ctx, src, op, data, diags)
	if !ok {
		return ctx, c, done, false
	}
	c, d := Use(ctx, m, sp, op.Type)
	diags.Append(d...)
	return ctx, c, done, !d.HasError()
}

// Do is the whole of an operation that needs a manager: Open, then run with the client,
// then done. Nothing runs when Open fails (its diagnostics say why).
func Do[C any](ctx context.Context, src Source, op Op, data Timed, m *Managers, sp *Spec[C], diags *diag.Diagnostics, run func(context.Context, C)) {
	ctx, c, done, ok := Open(ctx, src, op, data, m, sp, diags)
	defer done()
	if ok {
		run(ctx, c)
	}
}

// Import runs an import's lookup on sp's client, within the read timeout (the import's own
// operation, named for the type): where the lookup finds nothing, the type says so in its
// words rather than Terraform's generic "Cannot import non-existent remote object".
func Import[C any](ctx context.Context, m *Managers, sp *Spec[C], typeName string, diags *diag.Diagnostics, run func(context.Context, C)) {
	ctx, done := StartOperation(ctx, typeName, "import", DefaultReadTimeout, diags)
	defer done()
	c, d := Use(ctx, m, sp, typeName+" import")
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	run(ctx, c)
}

// Fetch is the whole of a data source's read: Open with the configuration into a new M, then
// fetch, which fills it from the manager and answers what it was doing with its error. An
// error is a read failure of thing in the provider's one wording. The model, or nil (untyped:
// a ModelReader may return it as is) where Open, fetch or its diagnostics failed.
func Fetch[C, M any, P interface {
	*M
	Timed
}](ctx context.Context, b *DataSourceBase, sp *Spec[C], req datasource.ReadRequest, diags *diag.Diagnostics, thing string,
	fetch func(context.Context, C, P) (doing string, err error)) any {
	data := P(new(M))
	ctx, c, done, ok := Open(ctx, req.Config, b.ReadOp(), data, b.Managers, sp, diags)
	defer done()
	if !ok {
		return nil
	}
	if doing, err := fetch(ctx, c, data); err != nil {
		b.Managers.ReadFailed(diags, thing, doing, err)
		return nil
	}
	if diags.HasError() {
		return nil
	}
	return data
}

// Change is a resource's Update where the change depends on what the state holds: the prior
// state read into state, then the update (Do) on the plan decoded into plan. run is not
// called where the prior state cannot be read.
func Change[C any](ctx context.Context, b *ResourceBase, sp *Spec[C], req resource.UpdateRequest, resp *resource.UpdateResponse, plan Timed, state any,
	run func(context.Context, C)) {
	if resp.Diagnostics.Append(req.State.Get(ctx, state)...); resp.Diagnostics.HasError() {
		return
	}
	Do(ctx, req.Plan, b.Op("update"), plan, b.Managers, sp, &resp.Diagnostics, run)
}

// Refresh is the whole of a resource's Read: Open with the state into state, then get, which
// fills state from the manager and answers what it was doing with its error. An error that
// is sp's NotFound means the object is gone from the manager: the resource leaves the state
// (logged), and the next plan creates it again. Another error is a read failure of thing in
// the provider's one wording. Otherwise state is saved.
func Refresh[C any](ctx context.Context, b *ResourceBase, sp *Spec[C], req resource.ReadRequest, resp *resource.ReadResponse, state Timed, thing string,
	get func(context.Context, C) (doing string, err error)) {
	Do(ctx, req.State, b.Op("read"), state, b.Managers, sp, &resp.Diagnostics, func(ctx context.Context, c C) {
		doing, err := get(ctx, c)
		switch {
		case err != nil && sp.NotFound != nil && errors.Is(err, sp.NotFound):
			tflog.Info(ctx, "object gone from the manager; removed from state so that the next plan creates it again",
				map[string]any{"type": b.TypeName, "doing": doing})
			resp.State.RemoveResource(ctx)
		case err != nil:
			b.Managers.ReadFailed(&resp.Diagnostics, thing, doing, err)
		case !resp.Diagnostics.HasError():
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		}
	})
}
