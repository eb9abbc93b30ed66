package nsxt_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// A write changes only what the provider changed: display_name, description, tags and a field
// of a newer release go back exactly as NSX sent them, and no read-only field but _revision
// is sent. The PUT body the fake received is the proof.
func TestAPIServicePutKeepsWhatTheProviderDoesNotModel(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	h.ChangeOutside(t, func(o map[string]any) {
		o["display_name"] = "proxy settings"
		o["description"] = "owned by netops"
		o["tags"] = []map[string]any{{"scope": "owner", "tag": "netops"}}
		o["future_setting"] = map[string]any{"mode": "strict"}
	})
	c := client(t, h)
	ctx := context.Background()
	cfg, err := c.GetAPIService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Unmodelled(); !equalSets(got, []string{"display_name", "future_setting", "id", "resource_type"}) {
		t.Fatalf("unmodelled fields: %v", got)
	}
	cfg.SessionTimeout = 900
	cfg.CipherSuites[0].Enabled = false
	if _, err := c.PutAPIService(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(h.Fake.LastPut(), &sent); err != nil {
		t.Fatal(err)
	}
	for k := range sent {
		if strings.HasPrefix(k, "_") && k != "_revision" {
			t.Errorf("PUT sent the read-only field %s", k)
		}
	}
	for k, want := range map[string]string{
		"display_name": `"proxy settings"`, "description": `"owned by netops"`,
		"future_setting": `{"mode":"strict"}`, "session_timeout": `900`,
	} {
		if got := compact(sent[k]); got != want {
			t.Errorf("PUT %s = %s, want %s", k, got, want)
		}
	}
	after, err := c.GetAPIService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.SessionTimeout != 900 || after.Description != "owned by netops" || len(after.Tags) != 1 || after.CipherSuites[0].Enabled {
		t.Fatalf("after the write: %+v", after)
	}
	if !strings.Contains(string(h.Fake.LastPut()), "future_setting") || !equalSets(after.Unmodelled(), []string{"display_name", "future_setting", "id", "resource_type"}) {
		t.Fatalf("a field the provider does not model was lost: %v", after.Unmodelled())
	}
}

// An object built from scratch (no read) marshals every modelled field.
func TestAPIServiceMarshalWithoutRead(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	c := client(t, h)
	cfg, err := c.GetAPIService(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var roundTrip map[string]any
	_ = json.Unmarshal(b, &roundTrip)
	if roundTrip["session_timeout"] != float64(1800) || roundTrip["id"] != "reverse_proxy_config" {
		t.Fatalf("unchanged object marshals as read: %s", b)
	}
}

func compact(b json.RawMessage) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func equalSets(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, ",") == strings.Join(b, ",")
}
