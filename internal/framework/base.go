package framework

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Base is what every type of the provider has: its name, which names its product (nsxv_…,
// illumio_…) where the type is another product's, and the managers the configuration set
// up. A type embeds ResourceBase, DataSourceBase or EphemeralBase, which answer Metadata and
// Configure with it.
type Base struct {
	TypeName string
	Managers *Managers
}

func (b *Base) name(n string) { b.TypeName = n }

// named is a type embedding one of the bases: its name is set when it is made.
type named interface{ name(string) }

// made is a new T, named name.
func made[T any, P interface {
	*T
	named
}](name string) P {
	p := P(new(T))
	p.name(name)
	return p
}

// ResourceBase is Base for resources.
type ResourceBase struct{ Base }

// Metadata answers the type's name.
func (b *ResourceBase) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = b.TypeName
}

// Configure takes the managers the provider's Configure set up.
func (b *ResourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.Managers = From(req.ProviderData, &resp.Diagnostics)
}

// Resource is the constructor of resource type T, named name, for a package's list of types
// (Resources in its manager.go): T embeds ResourceBase, which answers the name.
func Resource[T any, P interface {
	*T
	resource.Resource
	named
}](name string) func() resource.Resource {
	return func() resource.Resource { return made[T, P](name) }
}

// Op is the operation name of the type, with the default time limit.
func (b *ResourceBase) Op(name string) Op { return Op{Type: b.TypeName, Name: name} }

// DataSourceBase is Base for data sources.
type DataSourceBase struct{ Base }

// Metadata answers the type's name.
func (b *DataSourceBase) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = b.TypeName
}

// Configure takes the managers the provider's Configure set up.
func (b *DataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.Managers = From(req.ProviderData, &resp.Diagnostics)
}

// DataSource is Resource for data source types.
func DataSource[T any, P interface {
	*T
	datasource.DataSource
	named
}](name string) func() datasource.DataSource {
	return func() datasource.DataSource { return made[T, P](name) }
}

// ReadOp is the data source's read, with the default time limit.
func (b *DataSourceBase) ReadOp() Op { return Op{Type: b.TypeName, Name: "read"} }

// EphemeralBase is Base for ephemeral resources.
type EphemeralBase struct{ Base }

// Metadata answers the type's name.
func (b *EphemeralBase) Metadata(_ context.Context, _ ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = b.TypeName
}

// Configure takes the managers the provider's Configure set up.
func (b *EphemeralBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	b.Managers = From(req.ProviderData, &resp.Diagnostics)
}
