// Package cklbtest validates checklists against DISA's CKLB 1.0 JSON Schema, for tests (the
// provider does not link it).
package cklbtest

import (
	"bytes"
	_ "embed"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed SV3_CKLB_1_0_JSON_SCHEMA.json
var schemaJSON []byte

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("SV3_CKLB_1_0_JSON_SCHEMA.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("SV3_CKLB_1_0_JSON_SCHEMA.json")
})

// Validate is nil where doc is a CKLB 1.0 checklist, else what is wrong with it.
func Validate(t testing.TB, doc []byte) error {
	t.Helper()
	sch, err := compiled()
	if err != nil {
		t.Fatalf("the CKLB schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
