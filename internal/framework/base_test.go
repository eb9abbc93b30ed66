package framework

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type exampleResource struct{ ResourceBase }

func (*exampleResource) Schema(context.Context, resource.SchemaRequest, *resource.SchemaResponse) {}
func (*exampleResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (*exampleResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (*exampleResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (*exampleResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
func (*exampleDataSource) Schema(context.Context, datasource.SchemaRequest, *datasource.SchemaResponse) {
}
func (*exampleDataSource) Read(context.Context, datasource.ReadRequest, *datasource.ReadResponse) {}

type exampleDataSource struct{ DataSourceBase }

// A registered constructor makes a new value each call, named as registered: two instances
// share no Managers, and Metadata answers the name.
func TestRegisteredConstructorsNameTheirTypes(t *testing.T) {
	t.Parallel()
	newR := Resource[exampleResource]("nsx_example")
	a, b := newR(), newR()
	if a == b {
		t.Fatal("one value for two instances")
	}
	var mr resource.MetadataResponse
	a.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "nsx"}, &mr)
	if mr.TypeName != "nsx_example" || b.(*exampleResource).TypeName != "nsx_example" || b.(*exampleResource).Managers != nil {
		t.Fatalf("resource: %q, %+v", mr.TypeName, b)
	}
	var md datasource.MetadataResponse
	DataSource[exampleDataSource]("nsx_examples")().Metadata(context.Background(), datasource.MetadataRequest{}, &md)
	if md.TypeName != "nsx_examples" {
		t.Fatalf("data source: %q", md.TypeName)
	}
}

type exampleModelDataSource struct{ DataSourceBase }

func (*exampleModelDataSource) Schema(context.Context, datasource.SchemaRequest, *datasource.SchemaResponse) {
}
func (*exampleModelDataSource) ReadModel(context.Context, datasource.ReadRequest, *diag.Diagnostics) any {
	return nil
}

type validatingModelDataSource struct{ exampleModelDataSource }

func (*validatingModelDataSource) ValidateConfig(context.Context, datasource.ValidateConfigRequest, *datasource.ValidateConfigResponse) {
}

// A type read through its model gets its Read from ModelDataSource and is a ModelReader; one
// with a ValidateConfig the wrapper would hide is refused when made.
func TestModelDataSourceIsAModelReader(t *testing.T) {
	t.Parallel()
	ds := ModelDataSource[exampleModelDataSource]("nsx_example_list")()
	if _, ok := ds.(ModelReader); !ok {
		t.Fatalf("%T is not a ModelReader", ds)
	}
	var md datasource.MetadataResponse
	ds.Metadata(context.Background(), datasource.MetadataRequest{}, &md)
	if md.TypeName != "nsx_example_list" {
		t.Fatalf("named %q", md.TypeName)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a ModelDataSource with ValidateConfig was made")
		}
	}()
	ModelDataSource[validatingModelDataSource]("nsx_example_checked")()
}
