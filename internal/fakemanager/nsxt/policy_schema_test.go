package nsxt

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vmware/vsphere-automation-sdk-go/runtime/bindings"
	pol "github.com/vmware/vsphere-automation-sdk-go/services/nsxt/model"
)

var update = flag.Bool("update", false, "rewrite policy_schema.json from the vendor's SDK")

// The policy objects the fake serves in its tree take their fields, types, required fields
// and enumerations from the vendor's generated SDK (services/nsxt v0.12.0 model), written to
// policy_schema.json: the fake links no SDK, and this test fails when the file is not what
// the SDK says (go test ./internal/fakemanager/nsxt -run TestPolicySchemaIsTheSDKs -update
// rewrites it).
func TestPolicySchemaIsTheSDKs(t *testing.T) {
	t.Parallel()
	roots := map[string]func() bindings.BindingType{
		"Tier0": pol.Tier0BindingType, "Tier1": pol.Tier1BindingType, "LocaleServices": pol.LocaleServicesBindingType,
		"Tier0Interface": pol.Tier0InterfaceBindingType, "Tier1Interface": pol.Tier1InterfaceBindingType,
		"BgpRoutingConfig": pol.BgpRoutingConfigBindingType, "BgpNeighborConfig": pol.BgpNeighborConfigBindingType,
		"OspfRoutingConfig": pol.OspfRoutingConfigBindingType, "OspfAreaConfig": pol.OspfAreaConfigBindingType,
		"PolicyMulticastConfig": pol.PolicyMulticastConfigBindingType, "Ipv6NdraProfile": pol.Ipv6NdraProfileBindingType,
		"Ipv6DadProfile": pol.Ipv6DadProfileBindingType, "DhcpServerConfig": pol.DhcpServerConfigBindingType,
		"DhcpRelayConfig": pol.DhcpRelayConfigBindingType,
	}
	for _, k := range policyKinds {
		if roots[k.typ] == nil {
			t.Errorf("policy kind %s has no SDK binding in this test", k.typ)
		}
	}
	enums := sdkEnums(t)
	out := policySchemaFile{Source: "github.com/vmware/vsphere-automation-sdk-go/services/nsxt v0.12.0, package model (written by TestPolicySchemaIsTheSDKs)", Types: map[string]map[string]schemaField{}}
	var walk func(bt bindings.BindingType) schemaField
	var addStruct func(st bindings.StructType) string
	list := func(elem bindings.BindingType) schemaField {
		item := walk(elem)
		item.Required = false
		return schemaField{Kind: "list", Item: &item, Required: true}
	}
	walk = func(bt bindings.BindingType) schemaField {
		switch t := bt.(type) {
		case bindings.OptionalType:
			f := walk(t.ElementType())
			f.Required = false
			return f
		case bindings.ReferenceType:
			return walk(t.Resolve())
		case bindings.StringType, bindings.IdType, bindings.UriType, bindings.DateTimeType, bindings.SecretType, bindings.EnumType:
			return schemaField{Kind: "string", Required: true}
		case bindings.IntegerType:
			return schemaField{Kind: "int", Required: true}
		case bindings.DoubleType:
			return schemaField{Kind: "number", Required: true}
		case bindings.BooleanType:
			return schemaField{Kind: "bool", Required: true}
		case bindings.ListType:
			return list(t.ElementType())
		case bindings.SetType:
			return list(t.ElementType())
		case bindings.StructType:
			return schemaField{Kind: "object", Ref: addStruct(t), Required: true}
		}
		return schemaField{Kind: "any", Required: true} // maps, dynamic structures, opaque values
	}
	addStruct = func(st bindings.StructType) string {
		name := st.BindingStruct().Name()
		if _, done := out.Types[name]; done {
			return name
		}
		fields := map[string]schemaField{}
		out.Types[name] = fields
		for _, jf := range st.FieldNames() {
			f := walk(st.Field(jf))
			if values := enums[name+"."+st.CanonicalField(jf)]; len(values) > 0 {
				if f.Kind == "string" {
					f.Enum = values
				} else if f.Kind == "list" && f.Item.Kind == "string" {
					f.Item.Enum = values
				}
			}
			fields[jf] = f
		}
		return name
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range roots {
			if !yield(k) {
				return
			}
		}
	}) {
		st, ok := roots[name]().(bindings.StructType)
		if !ok || addStruct(st) != name {
			t.Fatalf("%s: the SDK's binding is not the struct %s", name, name)
		}
	}
	want, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile("policy_schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(want, policySchemaJSON) {
		t.Fatal("policy_schema.json is not what the SDK says; rewrite it with -update")
	}
}

// sdkEnums reads the SDK model's source for every field's enumeration: the doc comment
// above a field lists its values as "* Type#Type_CONST", and CONST's value is a constant.
func sdkEnums(t *testing.T) map[string][]string {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/vmware/vsphere-automation-sdk-go/services/nsxt").Output()
	if err != nil {
		t.Fatalf("locating the SDK: %v", err)
	}
	file := filepath.Join(strings.TrimSpace(string(dir)), "model", "ModelPackageTypes.go")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	for _, s := range specs(f, token.CONST) {
		vs := s.(*ast.ValueSpec) //nolint:forcetypeassert // a const declaration's specs
		for i, n := range vs.Names {
			if i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					consts[n.Name] = strings.Trim(lit.Value, `"`)
				}
			}
		}
	}
	ref := regexp.MustCompile(`\* \w+#(\w+)`)
	out := map[string][]string{}
	for _, s := range specs(f, token.TYPE) {
		ts := s.(*ast.TypeSpec) //nolint:forcetypeassert // a type declaration's specs
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, fld := range st.Fields.List {
			if fld.Doc == nil || len(fld.Names) == 0 {
				continue
			}
			for _, m := range ref.FindAllStringSubmatch(fld.Doc.Text(), -1) {
				if v, ok := consts[m[1]]; ok {
					out[ts.Name.Name+"."+fld.Names[0].Name] = append(out[ts.Name.Name+"."+fld.Names[0].Name], v)
				}
			}
		}
	}
	return out
}

// specs are the specs of f's declarations of kind tok (const, type, var, import).
func specs(f *ast.File, tok token.Token) []ast.Spec {
	var out []ast.Spec
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == tok {
			out = append(out, gd.Specs...)
		}
	}
	return out
}
