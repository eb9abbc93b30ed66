package framework

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

type listed struct{ name, key, kind string }

var testListing = Listing[listed]{Item: "segment", Items: "segments", Name: "display name", Key: "path", Index: "paths",
	NameOf: func(l *listed) string { return l.name }, KeyOf: func(l *listed) string { return l.key }}

// Sorted by name, ties by key, whatever order the manager answered; the filter applies after
// sorting; the map keeps the first of a shared name and the warning, on the map attribute,
// names every key left out of it.
func TestListingKeepsSortsAndWarnsOfSharedNames(t *testing.T) {
	t.Parallel()
	all := []listed{{"web", "/s/web-2", "a"}, {"db", "/s/db", "a"}, {"web", "/s/web-1", "a"}, {"app", "/s/app", "b"}, {"web", "/s/web-0", "a"}}
	var diags diag.Diagnostics
	kept, index := testListing.Keep(all, func(l *listed) bool { return l.kind == "a" }, &diags)
	var keys []string
	for _, k := range kept {
		keys = append(keys, k.key)
	}
	if want := "[/s/db /s/web-0 /s/web-1 /s/web-2]"; fmt.Sprint(keys) != want {
		t.Fatalf("kept %v, want %s", keys, want)
	}
	if len(index) != 2 || index["web"] != "/s/web-0" || index["db"] != "/s/db" {
		t.Fatalf("index %v", index)
	}
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || diags[0].Summary() != "Segments Share a Display Name" ||
		diags[0].Detail() != "paths keeps the first segment of each display name, by path; these were left out of it (they are in segments): /s/web-1, /s/web-2." {
		t.Fatalf("diagnostics %v", diags)
	}
	if wp, ok := diags[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("paths")) {
		t.Fatalf("the warning is not on paths: %v", diags[0])
	}
	// No shared name, no warning; nothing kept, an empty (not null) list and map.
	diags = nil
	kept, index = testListing.Keep(all, func(l *listed) bool { return false }, &diags)
	if len(diags) != 0 || kept == nil || index == nil || len(kept)+len(index) != 0 {
		t.Fatalf("nothing kept: %v %v %v", kept, index, diags)
	}
}
