package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// docPage is where tfplugindocs writes the page of a type: the provider's prefix nsx_ is
// dropped, another product's (nsxv_, illumio_, …) kept.
func docPage(kind, typeName string) string {
	return filepath.Join("..", "..", "docs", kind, strings.TrimPrefix(typeName, "nsx_")+".md")
}

// Every resource, data source, ephemeral resource and function has its page in docs/, and
// the page documents each of its top-level attributes: a `make docs` that stopped half way
// (and left pages empty or missing) fails here, not in a user's registry page.
func TestEveryTypeHasItsDocumentationPage(t *testing.T) {
	t.Parallel()
	pool := session.NewPool()
	t.Cleanup(pool.Close)
	ps, err := NewServer("test", pool)()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := ps.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(kind, name string, s *tfprotov6.Schema) {
		heading := "# " + name + " ("
		if kind == "functions" {
			heading = "# function: " + name + "\n"
		}
		b, err := os.ReadFile(docPage(kind, name))
		if err != nil {
			t.Errorf("%s: no documentation page: %v (run make docs)", name, err)
			return
		}
		page := string(b)
		if !strings.Contains(page, heading) {
			t.Errorf("%s: %s is not its page", name, docPage(kind, name))
		}
		if s == nil {
			return
		}
		for _, a := range s.Block.Attributes {
			if !strings.Contains(page, "- `"+a.Name+"`") {
				t.Errorf("%s: the page does not document %s (run make docs)", name, a.Name)
			}
		}
	}
	pages := 0
	for name, s := range sch.ResourceSchemas {
		check("resources", name, s)
		pages++
	}
	for name, s := range sch.DataSourceSchemas {
		check("data-sources", name, s)
		pages++
	}
	for name, s := range sch.EphemeralResourceSchemas {
		check("ephemeral-resources", name, s)
		pages++
	}
	for name := range sch.Functions {
		check("functions", name, nil)
		pages++
	}
	if pages < 30 {
		t.Fatalf("only %d types", pages)
	}
}
