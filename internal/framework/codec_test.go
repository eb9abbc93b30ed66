package framework

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

var (
	targetType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"server": types.StringType, "port": types.Int64Type, "enabled": types.BoolType,
		"tags": types.SetType{ElemType: types.StringType},
	}}
	mapOfSets = types.MapType{ElemType: types.SetType{ElemType: types.StringType}}
)

func strs(s ...string) []attr.Value {
	out := make([]attr.Value, len(s))
	for i, x := range s {
		out[i] = types.StringValue(x)
	}
	return out
}

func TestFromJSON(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	target := func(server string, port int64, enabled bool, tags ...string) attr.Value {
		return types.ObjectValueMust(targetType.AttrTypes, map[string]attr.Value{
			"server": types.StringValue(server), "port": types.Int64Value(port), "enabled": types.BoolValue(enabled),
			"tags": types.SetValueMust(types.StringType, strs(tags...)),
		})
	}
	cases := []struct {
		name string
		typ  attr.Type
		raw  string
		want attr.Value
	}{
		{"string", types.StringType, `"ntp.example.com"`, types.StringValue("ntp.example.com")},
		{"empty string", types.StringType, `""`, types.StringValue("")},
		{"whole number", types.Int64Type, `1800`, types.Int64Value(1800)},
		{"negative number", types.Int64Type, `-3`, types.Int64Value(-3)},
		{"whole number with a zero fraction", types.Int64Type, `30.0`, types.Int64Value(30)},
		{"whole number in exponent form", types.Int64Type, `1e3`, types.Int64Value(1000)},
		{"largest int64", types.Int64Type, `9223372036854775807`, types.Int64Value(9223372036854775807)},
		{"true", types.BoolType, `true`, types.BoolValue(true)},
		{"false", types.BoolType, `false`, types.BoolValue(false)},
		{"null string", types.StringType, `null`, types.StringNull()},
		{"absent number", types.Int64Type, ``, types.Int64Null()},
		{"null list", types.ListType{ElemType: types.StringType}, `null`, types.ListNull(types.StringType)},
		{"list", types.ListType{ElemType: types.StringType}, `["b","a"]`, types.ListValueMust(types.StringType, strs("b", "a"))},
		{"empty list", types.ListType{ElemType: types.StringType}, `[]`, types.ListValueMust(types.StringType, []attr.Value{})},
		{"set", types.SetType{ElemType: types.StringType}, `["b","a"]`, types.SetValueMust(types.StringType, strs("a", "b"))},
		{"map", types.MapType{ElemType: types.BoolType}, `{"TLSv1.2":true}`, types.MapValueMust(types.BoolType, map[string]attr.Value{"TLSv1.2": types.BoolValue(true)})},
		{"map of sets", mapOfSets, `{"/":["auditor"],"/infra":["network_engineer","auditor"]}`, types.MapValueMust(mapOfSets.ElemType, map[string]attr.Value{
			"/": types.SetValueMust(types.StringType, strs("auditor")), "/infra": types.SetValueMust(types.StringType, strs("auditor", "network_engineer")),
		})},
		{"object, unknown fields ignored", targetType, `{"server":"a.example.com","port":162,"enabled":true,"tags":["x"],"added_in_9_1":{"x":1}}`, target("a.example.com", 162, true, "x")},
		{"object, missing fields null", targetType, `{"server":"a.example.com"}`, types.ObjectValueMust(targetType.AttrTypes, map[string]attr.Value{
			"server": types.StringValue("a.example.com"), "port": types.Int64Null(), "enabled": types.BoolNull(), "tags": types.SetNull(types.StringType),
		})},
		{"list of objects", types.ListType{ElemType: targetType}, `[{"server":"a.example.com","port":1,"enabled":false,"tags":[]}]`,
			types.ListValueMust(targetType, []attr.Value{target("a.example.com", 1, false)})},
		{"spaces around", types.Int64Type, " \n 7 ", types.Int64Value(7)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromJSON(ctx, c.typ, json.RawMessage(c.raw))
			if err != nil {
				t.Fatalf("FromJSON(%s, %s): %v", c.typ, c.raw, err)
			}
			if !got.Equal(c.want) {
				t.Fatalf("FromJSON(%s, %s) = %s, want %s", c.typ, c.raw, got, c.want)
			}
		})
	}
}

func TestFromJSONMismatchNamesThePath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	listOfTargets := types.ListType{ElemType: targetType}
	cases := []struct {
		name      string
		typ       attr.Type
		raw       string
		path      string
		want, got string
	}{
		{"number out of range", types.Int64Type, `1e300`, "", "a whole number", "1e300"},
		{"fraction", types.Int64Type, `1.5`, "", "a whole number", "1.5"},
		{"string for a number", types.Int64Type, `"oops"`, "", "a whole number", `"oops"`},
		{"number for a string", types.StringType, `42`, "", "a string", "42"},
		{"string for a bool", types.BoolType, `"true"`, "", "true or false", `"true"`},
		{"object for a list", types.ListType{ElemType: types.StringType}, `{"a":1}`, "", "a list", `{"a":1}`},
		{"list for an object", targetType, `[1]`, "", "an object", "[1]"},
		{"string in a list item's port", listOfTargets, `[{"server":"a"},{"server":"b","port":"oops"}]`, "[1].port", "a whole number", `"oops"`},
		{"number in a set of strings", types.SetType{ElemType: types.StringType}, `["a",2]`, "[1]", "a string", "2"},
		{"bad element of a map of sets", mapOfSets, `{"/infra":["auditor",true]}`, `["/infra"][1]`, "a string", "true"},
		{"nested object field", types.ObjectType{AttrTypes: map[string]attr.Type{"schedule": targetType}}, `{"schedule":{"enabled":"yes"}}`, "schedule.enabled", "true or false", `"yes"`},
		{"not JSON", types.Int64Type, `12abc`, "", "a whole number", "12abc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromJSON(ctx, c.typ, json.RawMessage(c.raw))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("FromJSON(%s, %s): %v, want a *DecodeError", c.typ, c.raw, err)
			}
			if got == nil || !got.IsNull() || !got.Type(ctx).Equal(c.typ) {
				t.Fatalf("FromJSON(%s, %s) = %v, want the type's null, never nil", c.typ, c.raw, got)
			}
			if de.Path != c.path || !strings.HasPrefix(de.Want, c.want) || de.Got != c.got {
				t.Fatalf("error %+v, want path %q, want %q, got %q", de, c.path, c.want, c.got)
			}
			if msg := de.At("targets").Error(); !strings.HasPrefix(msg, session.JoinPath("targets", c.path)+" is ") {
				t.Fatalf("message %q does not start with its path", msg)
			}
			if strings.Contains(err.Error(), "json:") || strings.Contains(err.Error(), "Go ") || strings.Contains(err.Error(), "int64") {
				t.Fatalf("message %q quotes Go", err)
			}
		})
	}
}

func TestExcerptIsShortAndClean(t *testing.T) {
	t.Parallel()
	long := `"` + strings.Repeat("x", 10_000) + "\x1b[31m" + `"`
	_, err := FromJSON(context.Background(), types.Int64Type, json.RawMessage(long))
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatal(err)
	}
	if len(de.Got) > session.MaxExcerpt+8 || strings.ContainsRune(de.Got, 0x1b) {
		t.Fatalf("excerpt of %d bytes: %q", len(de.Got), de.Got)
	}
}

func TestNullAndUnknownOfEveryType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, typ := range []attr.Type{types.StringType, types.Int64Type, types.BoolType, types.ListType{ElemType: types.StringType},
		types.SetType{ElemType: targetType}, mapOfSets, targetType} {
		n, u := NullOf(ctx, typ), UnknownOf(ctx, typ)
		if !n.IsNull() || n.IsUnknown() || !n.Type(ctx).Equal(typ) {
			t.Fatalf("NullOf(%s) = %v", typ, n)
		}
		if !u.IsUnknown() || u.IsNull() || !u.Type(ctx).Equal(typ) {
			t.Fatalf("UnknownOf(%s) = %v", typ, u)
		}
	}
}

func TestToJSON(t *testing.T) {
	t.Parallel()
	obj := types.ObjectValueMust(targetType.AttrTypes, map[string]attr.Value{
		"server": types.StringValue("a.example.com"), "port": types.Int64Null(), "enabled": types.BoolValue(true),
		"tags": types.SetValueMust(types.StringType, strs("z", "a")),
	})
	cases := []struct {
		name string
		v    attr.Value
		want string
	}{
		{"string", types.StringValue("x"), `"x"`},
		{"number", types.Int64Value(5), `5`},
		{"bool", types.BoolValue(false), `false`},
		{"null", types.StringNull(), `null`},
		{"list keeps its order", types.ListValueMust(types.StringType, strs("b", "a")), `["b","a"]`},
		{"set sorted", types.SetValueMust(types.StringType, strs("b", "a", "c")), `["a","b","c"]`},
		{"object leaves nulls out", obj, `{"enabled":true,"server":"a.example.com","tags":["a","z"]}`},
		{"map of sets", types.MapValueMust(mapOfSets.ElemType, map[string]attr.Value{"/": types.SetValueMust(types.StringType, strs("b", "a"))}), `{"/":["a","b"]}`},
	}
	for _, c := range cases {
		j, err := ToJSON(c.v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		b, _ := json.Marshal(j)
		if string(b) != c.want {
			t.Fatalf("%s: ToJSON = %s, want %s", c.name, b, c.want)
		}
	}
	// Round trip: what ToJSON writes, FromJSON reads back as the same value.
	j, _ := ToJSON(obj)
	b, _ := json.Marshal(j)
	back, err := FromJSON(context.Background(), targetType, b)
	if err != nil || !back.Equal(obj) {
		t.Fatalf("round trip: %v, %v", back, err)
	}
}

func TestToJSONUnknownNamesItsPath(t *testing.T) {
	t.Parallel()
	v := types.ListValueMust(targetType, []attr.Value{types.ObjectValueMust(targetType.AttrTypes, map[string]attr.Value{
		"server": types.StringUnknown(), "port": types.Int64Null(), "enabled": types.BoolNull(), "tags": types.SetNull(types.StringType),
	})})
	_, err := ToJSON(v)
	if err == nil || !strings.HasPrefix(err.Error(), "[0]: server: ") {
		t.Fatalf("ToJSON of an unknown item: %v", err)
	}
}

func TestWhollyKnown(t *testing.T) {
	t.Parallel()
	known := types.MapValueMust(mapOfSets.ElemType, map[string]attr.Value{"/": types.SetValueMust(types.StringType, strs("a"))})
	deep := types.MapValueMust(mapOfSets.ElemType, map[string]attr.Value{"/": types.SetUnknown(types.StringType)})
	switch {
	case !WhollyKnown(known):
		t.Fatal("a known map of sets is wholly known")
	case WhollyKnown(deep):
		t.Fatal("a map with an unknown set is not wholly known")
	case !WhollyKnown(types.StringNull()):
		t.Fatal("a null is known")
	case WhollyKnown(nil):
		t.Fatal("nil is not a known value")
	}
}

func TestSubsetEqual(t *testing.T) {
	t.Parallel()
	mk := func(port attr.Value, tags ...string) attr.Value {
		return types.ObjectValueMust(targetType.AttrTypes, map[string]attr.Value{
			"server": types.StringValue("a"), "port": port, "enabled": types.BoolNull(), "tags": types.SetValueMust(types.StringType, strs(tags...)),
		})
	}
	cfg := mk(types.Int64Null(), "x", "y")
	if !SubsetEqual(cfg, mk(types.Int64Value(162), "y", "x")) {
		t.Fatal("what the configuration leaves null is the manager's; a set's order does not count")
	}
	if SubsetEqual(cfg, mk(types.Int64Value(162), "x")) {
		t.Fatal("a set with an element less differs")
	}
	if SubsetEqual(mk(types.Int64Value(1)), mk(types.Int64Value(2))) {
		t.Fatal("a configured port that differs is a difference")
	}
	if SubsetEqual(types.StringValue("a"), types.StringUnknown()) {
		t.Fatal("an unknown state is no match")
	}
}
