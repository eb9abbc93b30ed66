package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Every logical operation (a data source read, a resource's create, read, update or delete)
// runs under one deadline taken from its `timeouts`, so that no manager, however it
// misbehaves, holds a pipeline longer than the user allowed.

// defaultReadTimeout bounds a data source read and a resource read: enough for the slowest
// legitimate listing (an Illumio async collection of tens of thousands of labels).
const defaultReadTimeout = 5 * time.Minute

// defaultResourceTimeout bounds a create, update or delete of a resource without a restart wait.
const defaultResourceTimeout = 5 * time.Minute

// resourceTimeouts is the `timeouts` attribute of a resource, refusing durations of zero or
// below at plan time.
func resourceTimeouts(ctx context.Context, opts timeouts.Opts) rschema.Attribute {
	a, ok := timeouts.Attributes(ctx, opts).(rschema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx, opts)
	}
	attrs := make(map[string]rschema.Attribute, len(a.Attributes))
	for name, nested := range a.Attributes {
		if s, ok := nested.(rschema.StringAttribute); ok {
			s.Validators = append(append([]validator.String(nil), s.Validators...), positiveDuration{})
			nested = s
		}
		attrs[name] = nested
	}
	a.Attributes = attrs
	return a
}

// dataSourceTimeouts is the `timeouts` attribute of a data source: `read`, default 5m.
func dataSourceTimeouts(ctx context.Context) dschema.Attribute {
	a, ok := dstimeouts.AttributesWithOpts(ctx, dstimeouts.Opts{
		ReadDescription: "How long the read may take, retries, waits and pages included (a [duration](https://pkg.go.dev/time#ParseDuration) " +
			"such as `\"30s\"` or `\"10m\"`, above zero). Default `" + shortDuration(defaultReadTimeout) + "`.",
	}).(dschema.SingleNestedAttribute)
	if !ok {
		return dstimeouts.Attributes(ctx)
	}
	attrs := make(map[string]dschema.Attribute, len(a.Attributes))
	for name, nested := range a.Attributes {
		if s, ok := nested.(dschema.StringAttribute); ok {
			s.Validators = append(append([]validator.String(nil), s.Validators...), positiveDuration{})
			nested = s
		}
		attrs[name] = nested
	}
	a.Attributes = attrs
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

// startOperation bounds ctx by limit. Call the returned function when the operation is done:
// when the deadline is what ended it, each error that says only "context deadline exceeded"
// is reworded to say which timeout ran out, and how to give more time.
func startOperation(ctx context.Context, what, op string, limit time.Duration, diags *diag.Diagnostics) (context.Context, func()) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	o := &operation{what: what, op: op, limit: limit, ctx: ctx, diags: diags}
	return ctx, func() {
		o.explain()
		cancel()
	}
}

// startRead reads a data source's configuration into data and starts its read under the
// read timeout timeouts gives of it (see startOperation); ok false: diags say why. done ends
// the operation.
func startRead[T any](ctx context.Context, config tfsdk.Config, name string, data *T, timeouts func(*T) dstimeouts.Value,
	diags *diag.Diagnostics) (_ context.Context, done func(), ok bool) {
	diags.Append(config.Get(ctx, data)...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	limit, d := timeouts(data).Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	ctx, done = startOperation(ctx, name, "read", limit, diags)
	return ctx, done, true
}

func (o *operation) explain() {
	if !errors.Is(o.ctx.Err(), context.DeadlineExceeded) || !o.diags.HasError() {
		return
	}
	ran := fmt.Sprintf("the %s's %s timeout of %s ran out", o.what, o.op, shortDuration(o.limit))
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

// shortDuration writes 15m for 15m0s and 1h for 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
