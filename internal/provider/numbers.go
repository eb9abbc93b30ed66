package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform's schema type of a whole-number attribute is "number": `session_timeout = 1.5`
// reaches the provider, and the framework's conversion into an Int64 fails with an error
// that calls itself a provider bug and prints a *big.Float. The server checks every
// configuration first: a fraction where a whole number belongs is an error on that
// attribute, in plain words, whatever the type.

type attrType = attr.Type

// wholeNumbers reports each fraction given to a whole-number attribute of the configuration
// config of the type typeName of kind k (none: the configuration is fine, or not decodable
// here, and the framework says what it says).
func (s *maskingServer) wholeNumbers(ctx context.Context, k kind, typeName string, config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	if config == nil {
		return nil
	}
	idx := s.index(ctx)
	sch := idx.provider
	if k != kindProvider {
		var ok bool
		if sch, ok = idx.schemas[k][typeName]; !ok {
			return nil
		}
	}
	raw, err := config.Unmarshal(sch.Type().TerraformType(ctx))
	if err != nil {
		return nil
	}
	var diags []*tfprotov6.Diagnostic
	_ = tftypes.Walk(raw, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if !v.Type().Is(tftypes.Number) || !v.IsKnown() || v.IsNull() {
			return true, nil
		}
		t, err := sch.TypeAtTerraformPath(ctx, p)
		if err != nil {
			return true, nil //nolint:nilerr // a path the schema does not type is not this check's to judge
		}
		if _, whole := t.(basetypes.Int64Typable); !whole {
			return true, nil
		}
		var n big.Float
		if v.As(&n) == nil && !n.IsInt() {
			diags = append(diags, &tfprotov6.Diagnostic{
				Severity: tfprotov6.DiagnosticSeverityError, Attribute: p,
				Summary: "Not a Whole Number",
				Detail:  fmt.Sprintf("%s takes a whole number; %s is not one. Write it without a fraction.", describe(p), n.Text('g', -1)),
			})
		}
		return true, nil
	})
	return diags
}

// describe names the attribute at p for a message: "session_timeout", "hosts[0]".
func describe(p *tftypes.AttributePath) string {
	out := ""
	for _, st := range p.Steps() {
		switch st := st.(type) {
		case tftypes.AttributeName:
			if out != "" {
				out += "."
			}
			out += string(st)
		case tftypes.ElementKeyInt:
			out += fmt.Sprintf("[%d]", int64(st))
		case tftypes.ElementKeyString:
			out += fmt.Sprintf("[%q]", string(st))
		}
	}
	return out
}

// buildIndex lists every type of p by name, with its schema.
func buildIndex(ctx context.Context, p *nsxProvider) *typeIndex {
	idx := &typeIndex{dataSources: map[string]func() datasource.DataSource{}, schemas: map[kind]map[string]schemaOf{
		kindResource: {}, kindDataSource: {}, kindEphemeral: {},
	}}
	var psr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &psr)
	idx.provider = psr.Schema
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	for _, f := range p.Resources(ctx) {
		r := f()
		var mr resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mr)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		idx.schemas[kindResource][mr.TypeName] = sr.Schema
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		var mr datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mr)
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		idx.schemas[kindDataSource][mr.TypeName] = sr.Schema
		idx.dataSources[mr.TypeName] = f
	}
	for _, f := range p.EphemeralResources(ctx) {
		e := f()
		var mr ephemeral.MetadataResponse
		e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: meta.TypeName}, &mr)
		var sr ephemeral.SchemaResponse
		e.Schema(ctx, ephemeral.SchemaRequest{}, &sr)
		idx.schemas[kindEphemeral][mr.TypeName] = sr.Schema
	}
	return idx
}
