package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	nsxtsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxt"
)

// oddAnswer is one kind of answer a manager can give for a settings object instead of the
// object, made from the object as NSX answered it.
type oddAnswer struct {
	name  string
	fault func(o map[string]any) fakemanager.Fault
	// refused: the refresh must fail on it; otherwise it may record what was answered or fail.
	refused bool
	// everyNode: each node of a node-scoped object answers it and each is named (a decoded
	// answer is judged on every node; a read that fails in transport stops at the first).
	everyNode bool
	// plain: the answer is one a newer release gives; the refresh records it and the plan
	// changes nothing while the manager still answers it.
	plain bool
}

var oddAnswers = []oddAnswer{
	{name: "over the size bound", refused: true, fault: func(map[string]any) fakemanager.Fault {
		return fakemanager.Fault{Status: http.StatusOK, BodyBytes: 17 << 20, ContentType: "application/json"}
	}},
	{name: "another shape", refused: true, fault: func(map[string]any) fakemanager.Fault {
		return jsonFault(`[{"_revision":1}]`)
	}},
	{name: "every value of the wrong type", refused: true, everyNode: true, fault: func(o map[string]any) fakemanager.Fault {
		return jsonFault(marshalAny(mapLeaves(o, func(v any) any {
			switch v.(type) {
			case float64:
				return "oops"
			case string:
				return 7
			case bool:
				return "yes"
			}
			return v
		})))
	}},
	{name: "every number out of range", fault: func(o map[string]any) fakemanager.Fault {
		return jsonFault(strings.ReplaceAll(marshalAny(mapLeaves(o, func(v any) any {
			if _, ok := v.(float64); ok {
				return 424242.5
			}
			return v
		})), "424242.5", "1e300"))
	}},
	{name: "a newer release's extra fields", plain: true, fault: func(o map[string]any) fakemanager.Fault {
		return jsonFault(marshalAny(addFields(o)))
	}},
	{name: "null and missing fields", fault: func(o map[string]any) fakemanager.Fault {
		out := map[string]any{}
		for i, k := range slices.Sorted(maps.Keys(o)) {
			switch {
			case k == "_revision" || k == "resource_type":
				out[k] = o[k]
			case i%2 == 0:
				out[k] = nil
			} // the others left out
		}
		return jsonFault(marshalAny(out))
	}},
}

// Every NSX settings resource, applied from its example to a fresh three-node fake, takes
// every kind of odd answer for its object without a crash or Go's words: an answer it cannot
// take fails the refresh naming the request and, on a node-scoped object, every node, each
// failure said once; null and missing fields are recorded as answered; a newer release's
// extra fields plan nothing. Once the manager answers correctly again, the plan is empty.
func TestEverySettingsResourceTakesOddAnswers(t *testing.T) {
	t.Parallel()
	types := nsxtsvc.SettingsTypes()
	if len(types) < 11 {
		t.Fatalf("%d settings resources", len(types))
	}
	for typeName, obj := range types {
		t.Run(typeName, func(t *testing.T) {
			t.Parallel()
			h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
			w := newWorkspace(t, h, resourceExample(t, typeName))
			w.terraform(exampleVars, "apply", "-auto-approve", "-input=false")
			var o map[string]any
			h.CallAs(t, http.MethodGet, obj.Path, &o)
			for _, odd := range oddAnswers {
				f := odd.fault(o)
				f.Count, f.Path, f.Method = 1000, obj.Path, http.MethodGet
				h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{f}})
				out, err := w.run(exampleVars, "apply", "-refresh-only", "-auto-approve", "-input=false")
				what := fmt.Sprintf("%s, answer %s", typeName, odd.name)
				checkOddAnswerOutput(t, what, h, obj, out, err, odd)
				if odd.plain {
					if err != nil {
						t.Fatalf("%s: refused: %v\n%s", what, err, out)
					}
					if changed := plannedChanges(t, w); len(changed) > 0 {
						t.Fatalf("%s: the plan changes %v", what, changed)
					}
				}
				h.Faults(t, fakemanager.Faults{Clear: true})
			}
			if changed := plannedChanges(t, w); len(changed) > 0 {
				t.Fatalf("%s: with the manager answering correctly again, the plan changes %v", typeName, changed)
			}
		})
	}
}

// checkOddAnswerOutput holds a refresh's output to what every odd answer must give.
func checkOddAnswerOutput(t *testing.T, what string, h *fakeharness.NSXT, obj *nsxtapi.Object, out string, err error, odd oddAnswer) {
	t.Helper()
	if strings.Contains(out, "Plugin did not respond") || strings.Contains(out, "panic") {
		t.Fatalf("%s: the plugin crashed:\n%s", what, out)
	}
	if goText.MatchString(out) {
		t.Fatalf("%s: a message quotes Go:\n%s", what, out)
	}
	if err == nil {
		if odd.refused {
			t.Fatalf("%s: the refresh took it:\n%s", what, out)
		}
		return
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "GET "+obj.Path) {
		t.Fatalf("%s: the error does not name GET %s:\n%s", what, obj.Path, out)
	}
	named := 0
	for _, host := range h.Hosts() {
		if strings.Contains(flat, host) {
			named++
		}
	}
	if want := 1; named < want || obj.Scope == nsxtapi.Node && odd.everyNode && named < len(h.Hosts()) {
		t.Fatalf("%s: the errors name %d nodes:\n%s", what, named, out)
	}
	seen := map[string]bool{}
	for _, e := range strings.Split(flat, "Error: ")[1:] {
		if seen[e] {
			t.Fatalf("%s: an error said twice: %s", what, e)
		}
		seen[e] = true
	}
}

func jsonFault(body string) fakemanager.Fault {
	return fakemanager.Fault{Status: http.StatusOK, Body: body, ContentType: "application/json"}
}

// marshalAny is v as JSON (a test's own data: it cannot fail).
func marshalAny(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// mapLeaves is v with every scalar below its top level's bookkeeping (_revision, resource_type
// and id stay) replaced by f's answer.
func mapLeaves(v any, f func(any) any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if k == "_revision" || k == "resource_type" || k == "id" {
				out[k] = x
				continue
			}
			out[k] = mapLeaves(x, f)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = mapLeaves(x, f)
		}
		return out
	case nil:
		return nil
	}
	return f(v)
}

// addFields is v with a field no release the provider knows has, in every object.
func addFields(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{"future_setting": map[string]any{"enabled": true, "level": 3}}
		for k, x := range v {
			out[k] = addFields(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = addFields(x)
		}
		return out
	}
	return v
}
