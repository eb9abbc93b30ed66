package nsxt_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// A write changes only what the caller changed: display_name, description, tags and a field
// of a newer release go back exactly as NSX sent them, no read-only field but _revision is
// sent, and a change inside a list of objects keeps the other fields of each entry. The PUT
// body the fake received is the proof.
func TestSettingsWriteKeepsWhatTheCallerDoesNotChange(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	h.ChangeOutside(t, fakeharness.OwnedByNetops)
	c := client(t, h)
	ctx := context.Background()
	w, err := c.WriteSettings(ctx, nsxt.APIService, "", time.Minute, func(d *nsxt.Document) (nsxt.Changes, error) {
		var ciphers []map[string]any
		if _, err := d.Decode("cipher_suites", &ciphers); err != nil {
			return nil, err
		}
		ciphers[0]["enabled"] = false
		return nsxt.Changes{"session_timeout": 900, "cipher_suites": ciphers, "connection_timeout": 30}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !equalSets(w.Changed, []string{"cipher_suites", "session_timeout"}) || w.Attempts != 1 {
		t.Fatalf("want the two changed fields written once, got %v in %d attempts", w.Changed, w.Attempts)
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
		"future_setting": `{"level":3,"mode":"strict"}`, "session_timeout": `900`,
	} {
		if got := compact(sent[k]); got != want {
			t.Errorf("PUT %s = %s, want %s", k, got, want)
		}
	}
	var after struct {
		SessionTimeout int64 `json:"session_timeout"`
		Description    string
		Tags           []nsxt.Tag
		CipherSuites   []nsxt.Toggle `json:"cipher_suites"`
	}
	for path, out := range map[string]any{"session_timeout": &after.SessionTimeout, "description": &after.Description, "tags": &after.Tags, "cipher_suites": &after.CipherSuites} {
		if _, err := w.After.Decode(path, out); err != nil {
			t.Fatal(err)
		}
	}
	if after.SessionTimeout != 900 || after.Description != "owned by netops" || len(after.Tags) != 1 || after.CipherSuites[0].Enabled {
		t.Fatalf("after the write: %+v", after)
	}
	if r, _ := w.After.Revision(); r != 2 {
		t.Fatalf("the document read after the write has _revision %d", r)
	}
}

// Nothing changed, nothing is sent: a write of what the manager holds is no request (and no
// restart of the API service).
func TestSettingsUnchangedSendsNothing(t *testing.T) {
	t.Parallel()
	h, c := started(t, fakeharness.NSXTOptions{Nodes: 1})
	w, err := c.WriteSettings(context.Background(), nsxt.APIService, "", time.Minute, func(*nsxt.Document) (nsxt.Changes, error) {
		return nsxt.Changes{"session_timeout": 1800, "description": "", "lockout_immune_addresses": []string{}}, nil
	})
	if err != nil || len(w.Changed) != 0 || w.Wrote() {
		t.Fatalf("want nothing written, got %v (%v)", w, err)
	}
	if s := h.Stats(t); s["config_writes"] != 0 {
		t.Fatalf("the fake says something was written: %v", s)
	}
}

// A stale _revision is read again and the change applied to what the manager holds now; one
// that keeps changing ends with an error that says so.
func TestSettingsStaleRevision(t *testing.T) {
	t.Parallel()
	h, c := started(t, fakeharness.NSXTOptions{Nodes: 1})
	ctx := context.Background()
	once := &nsxt.Object{Name: "API service configuration", Path: nsxt.APIService.Path, Scope: nsxt.Cluster}
	one := 1
	h.Faults(t, fakemanager.Faults{ConcurrentWrites: &one})
	reads := 0
	w, err := c.WriteSettings(ctx, once, "", time.Minute, func(*nsxt.Document) (nsxt.Changes, error) {
		reads++
		return nsxt.Changes{"session_timeout": 600}, nil
	})
	if err != nil || w.Attempts != 2 || reads != 2 {
		t.Fatalf("want one retry after a fresh read: %v, %+v, %d reads", err, w, reads)
	}
	two := 2
	h.Faults(t, fakemanager.Faults{ConcurrentWrites: &two})
	_, err = c.WriteSettings(ctx, once, "", time.Minute, func(*nsxt.Document) (nsxt.Changes, error) {
		return nsxt.Changes{"session_timeout": 700}, nil
	})
	if !errors.Is(err, nsxt.ErrStaleRevision) || !strings.Contains(err.Error(), "kept changing") {
		t.Fatalf("want ErrStaleRevision after the one retry, got %v", err)
	}
}

// A change at a nested path keeps the other keys of the objects on its way.
func TestSettingsNestedPath(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, ExtraFields: []string{"future_setting"}})
	h.ChangeOutside(t, func(o map[string]any) { o["future_setting"] = map[string]any{"mode": "strict", "level": 3} })
	c := client(t, h)
	w, err := c.WriteSettings(context.Background(), nsxt.APIService, "", time.Minute, func(*nsxt.Document) (nsxt.Changes, error) {
		return nsxt.Changes{"future_setting.level": 4}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := w.After.Raw("future_setting")
	if got := compact(raw); got != `{"level":4,"mode":"strict"}` {
		t.Fatalf("future_setting after the write: %s", got)
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
