package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
)

// Direct reads: the server answers ReadDataSource of every data source that reads through
// its model (framework.ModelReader) by calling ReadModel itself and encoding the model with
// the framework package's StateEncoder, without the framework's generic passes over a new
// state. Those passes change nothing for such a data source: it has no blocks and no type
// with semantic equality (TestDirectReadSchemas holds each to that), and its model is its
// whole state (TestDirectReadIsTheFrameworksState compares the bytes with State.Set's).
// Which data sources those are comes from DataSources() itself.

// configured is the provider's data once ConfigureProvider succeeded (nil before): the
// server's direct reads get it as the framework's would.
type configured = atomic.Pointer[framework.Managers]

// typeIndex is every type of the provider by name, with its schema: what the server needs to
// decode a configuration itself.
type typeIndex struct {
	dataSources map[string]func() datasource.DataSource
	schemas     map[kind]map[string]schemaOf
	provider    schemaOf
}

type kind int

const (
	kindProvider kind = iota
	kindResource
	kindDataSource
	kindEphemeral
)

// schemaOf is a schema as the server uses it: its Terraform type and the type of each path.
type schemaOf interface {
	Type() attrType
	TypeAtTerraformPath(context.Context, *tftypes.AttributePath) (attrType, error)
}

func (s *maskingServer) index(ctx context.Context) *typeIndex {
	s.typesOnce.Do(func() { s.types = buildIndex(ctx, s.provider) })
	return s.types
}

// readDirect answers req with the data source's own model, or ok false when it does not
// read through one or the provider is not configured (the framework then answers, and says
// so).
func (s *maskingServer) readDirect(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, bool) {
	idx := s.index(ctx)
	newDS, ok := idx.dataSources[req.TypeName]
	m := s.provider.configured.Load()
	if !ok || m == nil || req.Config == nil {
		return nil, false
	}
	r, ok := newDS().(framework.ModelReader)
	if !ok {
		return nil, false
	}
	var sr datasource.SchemaResponse
	r.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	resp := &tfprotov6.ReadDataSourceResponse{}
	cfg, err := req.Config.Unmarshal(typ)
	if err != nil {
		var diags diag.Diagnostics
		framework.AddBug(&diags, "Unable to Read Configuration", "The configuration of "+req.TypeName+" could not be read: "+err.Error())
		resp.Diagnostics = protoDiagnostics(diags)
		return resp, true
	}
	var cr datasource.ConfigureResponse
	r.Configure(ctx, datasource.ConfigureRequest{ProviderData: m}, &cr)
	diags := cr.Diagnostics
	if !diags.HasError() {
		read := datasource.ReadRequest{
			Config:             tfsdk.Config{Schema: sr.Schema, Raw: cfg},
			ProviderMeta:       s.providerMeta(ctx, req.ProviderMeta, &diags),
			ClientCapabilities: datasource.ReadClientCapabilities{DeferralAllowed: req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed},
		}
		if model := r.ReadModel(ctx, read, &diags); model != nil && !diags.HasError() {
			if enc, err := framework.EncoderFor(model, typ); err != nil {
				framework.AddBug(&diags, "Unable to Encode State", err.Error())
			} else if state, err := enc.Encode(model, 64<<10); err != nil {
				framework.AddBug(&diags, "Unable to Encode State", err.Error())
			} else {
				resp.State = &tfprotov6.DynamicValue{MsgPack: state}
			}
		}
	}
	resp.Diagnostics = protoDiagnostics(diags)
	return resp, true
}

// providerMeta is the request's provider meta as the framework would pass it: decoded with
// the provider's meta schema where it has one, else empty.
func (s *maskingServer) providerMeta(ctx context.Context, dv *tfprotov6.DynamicValue, diags *diag.Diagnostics) tfsdk.Config {
	var out tfsdk.Config
	mp, ok := any(s.provider).(provider.ProviderWithMetaSchema)
	if !ok || dv == nil {
		return out
	}
	var sr provider.MetaSchemaResponse
	mp.MetaSchema(ctx, provider.MetaSchemaRequest{}, &sr)
	raw, err := dv.Unmarshal(sr.Schema.Type().TerraformType(ctx))
	if err != nil {
		framework.AddBug(diags, "Unable to Read Provider Meta", err.Error())
		return out
	}
	return tfsdk.Config{Schema: sr.Schema, Raw: raw}
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
