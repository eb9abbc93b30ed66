package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// directReads are the data sources whose state is a list of thousands of objects, built as one
// Terraform value, by type name. The server answers their ReadDataSource by calling their Read
// itself and encoding the state Read built, without the framework's generic passes over a new
// state: a deep copy, a conversion of every value for semantic equality, a deep comparison and
// a walk for null blocks, each over every value (for 20,000 segments, three of the four
// seconds of a read). Those passes change nothing for such a schema: it has no blocks and no
// type with semantic equality (TestDirectReadSchemas holds each to that), and its Read sets
// the whole state itself (TestDirectReadMatchesFramework compares the answers).
var directReads = map[string]func() directReader{
	"nsx_segments":   func() directReader { return &segmentsDataSource{} },
	"illumio_labels": func() directReader { return &illumioLabelsDataSource{} },
	"sdwan_devices":  func() directReader { return &sdwanDevicesDataSource{} },
}

// encodedReader is a data source that builds its state encoded, as the protocol carries it
// (see stateWriter); its Read decodes that for the framework.
type encodedReader interface {
	readEncoded(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) []byte
}

// directReader is a data source the server reads directly.
type directReader interface {
	datasource.DataSourceWithConfigure
	encodedReader
}

// configured is the provider's data once ConfigureProvider succeeded (nil before): the
// server's direct reads get it as the framework's would.
type configured = atomic.Pointer[Managers]

// readDirect answers req with the data source's own Read, or ok false when the provider is
// not configured (the framework then answers, and says so).
func (s *maskingServer) readDirect(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, bool) {
	newDS, ok := directReads[req.TypeName]
	m := s.configured.Load()
	if !ok || m == nil || req.Config == nil {
		return nil, false
	}
	ds := newDS()
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	resp := &tfprotov6.ReadDataSourceResponse{}
	cfg, err := req.Config.Unmarshal(typ)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError,
			Summary: "Unable to Read Configuration", Detail: "The configuration of " + req.TypeName + " could not be read: " + err.Error()})
		return resp, true
	}
	var cr datasource.ConfigureResponse
	ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: m}, &cr)
	diags := cr.Diagnostics
	if !diags.HasError() {
		if state := ds.readEncoded(ctx, tfsdk.Config{Schema: sr.Schema, Raw: cfg}, &diags); !diags.HasError() {
			resp.State = &tfprotov6.DynamicValue{MsgPack: state}
		}
	}
	resp.Diagnostics = protoDiagnostics(diags)
	return resp, true
}

// protoDiagnostics are diags as the protocol carries them.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// attributePath is p as the protocol carries it (nil for the root or a step it cannot say).
func attributePath(p path.Path) *tftypes.AttributePath {
	steps := p.Steps()
	if len(steps) == 0 {
		return nil
	}
	ap := tftypes.NewAttributePath()
	for _, st := range steps {
		switch st := st.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(st))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(st))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(st))
		default:
			return ap
		}
	}
	return ap
}
