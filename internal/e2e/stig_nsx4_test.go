package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/checklist/cklbtest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
)

// nsx4Reports runs the port of the vendor's NSX 4.x manager profile on every node.
func nsx4Reports(t *testing.T, h *fakeharness.NSXT) []stigcheck.Report {
	t.Helper()
	in := stigcheck.NSX4Inputs{SyslogServers: stigSyslog, NTPServers: stigNTP, Version: "4.2",
		AuthorizedPermissions: stigcheck.DefaultInputs(nil, nil).AuthorizedPermissions}
	return onEveryNode(t, h, func(ctx context.Context, u string) (stigcheck.Report, error) {
		return stigcheck.RunNSX4(ctx, h.HTTP, u, h.Username, h.Password, in)
	})
}

const vidmInput = `
  identity_provider = {
    vidm = {
      host_name      = "vidm.example.com"
      node_host_name = "nsx.example.com"
      client_id      = "nsx-manager"
      client_secret  = "Vidm-Client-S3cret"
      thumbprint     = "5F2B6C3E9A41D07B8C1E2F3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E"
    }
  }`

// The module on a fresh three-node NSX 4.2 manager applies the NSX 4.x STIG (it reads the
// release): one apply makes every NMGR-4X control pass on every node, judged by a port of the
// vendor's 4.x InSpec controls, but NMGR-4X-000015 (no identity provider given), -000094 (the
// certificate, which the DoD issues) and the manual -000103; with identity_provider, 000015
// passes too; a second apply writes nothing; an operator's change on one node is named in the
// plan and repaired; the checklist is the NSX 4.x one and validates.
func TestSTIGModuleAppliesTheNSX4STIGOnEveryNode(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release42})
	restart := 500
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	fresh := nsx4Reports(t, h)
	t.Logf("fresh 4.2 manager, node 0 fails %d of %d controls: %v", len(fresh[0].Failed()), len(stigcheck.NSX4Controls), fresh[0].Failed())
	if len(fresh[0].Failed()) < 10 {
		t.Fatalf("a fresh manager should fail most controls: %v", fresh[0].Failed())
	}
	w := stigWorkspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", "")
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	expected := []string{"NMGR-4X-000015", "NMGR-4X-000094"}
	for i, r := range nsx4Reports(t, h) {
		if f := r.Failed(); !slices.Equal(f, expected) {
			t.Fatalf("after one apply node %d should fail only %v, fails:\n%s", i, expected, r)
		}
	}
	var controls map[string]struct {
		Passed bool   `json:"passed"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	}
	must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "controls")), &controls))
	if len(controls) != 28 {
		t.Fatalf("%d controls, not the 28 NMGR-4X", len(controls))
	}
	for id, c := range controls {
		want := "not_a_finding"
		switch id {
		case "NMGR-4X-000015", "NMGR-4X-000094":
			want = "open"
		case "NMGR-4X-000103":
			want = "not_reviewed"
		}
		if c.Status != want {
			t.Errorf("%s: %+v, want %s", id, c, want)
		}
	}
	if !strings.Contains(controls["NMGR-4X-000015"].Detail, "give identity_provider.vidm or identity_provider.oidc") || w.terraform(nil, "output", "-raw", "all_passed") != "true" {
		t.Fatalf("000015 %+v; all_passed %s", controls["NMGR-4X-000015"], w.terraform(nil, "output", "-raw", "all_passed"))
	}
	if err := cklbtest.Validate(t, []byte(w.terraform(nil, "output", "-raw", "checklist"))); err != nil || !strings.Contains(w.terraform(nil, "output", "-raw", "checklist"), "NMGR-4X-000103") {
		t.Fatalf("the NSX 4.x checklist: %v", err)
	}

	// The identity provider: vIDM on every node.
	root, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(string(root), `  virtual_ip     = "192.0.2.10"`, `  virtual_ip     = "192.0.2.10"`+vidmInput, 1)), 0o600))
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	for i, r := range nsx4Reports(t, h) {
		if f := r.Failed(); !slices.Equal(f, []string{"NMGR-4X-000094"}) {
			t.Fatalf("with vIDM, node %d should fail only NMGR-4X-000094, fails:\n%s", i, r)
		}
	}
	// A second apply writes nothing.
	before := h.Stats(t)
	if out := w.terraform(nil, "apply", "-auto-approve", "-input=false"); !strings.Contains(out, "No changes.") {
		t.Fatalf("a second apply changes something:\n%s", out)
	}
	if s := h.Stats(t); s["object_writes"] != before["object_writes"] || s["config_writes"] != before["config_writes"] || s["service_actions"] != before["service_actions"] {
		t.Fatalf("the second apply wrote: %v → %v", before, s)
	}
	// An operator on node 3 lowers the password length and turns vIDM off.
	hosts := h.Hosts()
	h.Fake.SetObjectField(fakensxt.AuthPolicyPath, 2, "minimum_password_length", int64(8))
	h.Fake.SetObjectField(fakensxt.VidmPath, 2, "vidm_enable", false)
	if f := nsx4Reports(t, h)[2].Failed(); !slices.Equal(f, []string{"NMGR-4X-000015", "NMGR-4X-000039", "NMGR-4X-000094"}) {
		t.Fatalf("node 3 after the operator: %v", f)
	}
	plan, _, _ := strings.Cut(w.terraform(nil, "plan", "-input=false"), "Changes to Outputs:")
	if !strings.Contains(plan, hosts[2]) || strings.Contains(plan, hosts[0]) || strings.Contains(plan, hosts[1]) {
		t.Fatalf("the plan should name node 3 (%s) alone:\n%s", hosts[2], plan)
	}
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	for i, r := range nsx4Reports(t, h) {
		if f := r.Failed(); !slices.Equal(f, []string{"NMGR-4X-000094"}) {
			t.Fatalf("after the repair node %d fails:\n%s", i, r)
		}
	}
}

// Moving between the two STIGs destroys nothing (the same resources at the same addresses):
// the module applied as the NSX 4.x STIG on a VCF 9 manager, then as the VCF 9 STIG (as after
// an upgrade from 4.2 to 9.0), changes settings in place, and the VCF 9 checks then pass
// 23/23 on every node.
func TestSTIGModuleMovesBetweenSTIGsWithoutDestroying(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 3, Release: fakensxt.Release90})
	w := stigWorkspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", "")
	root, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
	must(t, err)
	as := func(stig string) {
		must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(string(root), `  virtual_ip     = "192.0.2.10"`, `  virtual_ip     = "192.0.2.10"
  stig           = "`+stig+`"`, 1)), 0o600))
	}
	as("nsx4")
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	if out := w.terraform(nil, "output", "-json", "stig"); !strings.Contains(out, `"stig":"nsx4"`) {
		t.Fatalf("stig output: %s", out)
	}
	as("auto")
	plan := w.terraform(nil, "plan", "-input=false")
	if !strings.Contains(plan, " 0 to destroy") || strings.Contains(plan, "must be replaced") {
		t.Fatalf("moving to the VCF 9 STIG destroys or replaces something:\n%s", plan)
	}
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	for i, r := range stigReports(t, h) {
		if f := r.Failed(); len(f) > 0 {
			t.Fatalf("after moving to the VCF 9 STIG node %d fails:\n%s", i, r)
		}
	}
}

const oidcInput = `
  identity_provider = {
    oidc = {
      oidc_uri         = "https://login.example.com/.well-known/openid-configuration"
      thumbprint       = "5F2B6C3E9A41D07B8C1E2F3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E"
      oidc_type        = "vcenter"
      client_id        = "nsx-manager"
      client_secret    = "Oidc-Client-S3cret"
      serviced_domains = ["example.com"]
    }
  }`

// NMGR-4X-000015 the other way the vendor's profile accepts (describe.one: vIDM enabled, or an
// OIDC provider listed): the module given identity_provider.oidc creates one OIDC provider,
// the port of NMGR-4X-000015.rb then passes on the node, the module's control says so, the
// client secret is nowhere in the state, and a second plan changes nothing. One node keeps it
// quick; the identity provider is the cluster's, not a node's.
func TestSTIGModuleMeetsNMGR000015WithAnOIDCProvider(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1, Release: fakensxt.Release42})
	restart := 200
	h.Faults(t, fakemanager.Faults{RestartMS: &restart})
	w := stigWorkspace(t, h, "SHA256:ht+qb8ckV14AvQbgJldN09NwZ23vdwTiRnXHtaFRcEY", "")
	root, err := os.ReadFile(filepath.Join(w.dir, "main.tf"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(strings.Replace(string(root), `  virtual_ip     = "192.0.2.10"`, `  virtual_ip     = "192.0.2.10"`+oidcInput, 1)), 0o600))
	w.terraform(nil, "apply", "-auto-approve", "-input=false")
	// One node: NMGR-4X-000102 (three management nodes online) fails as it must.
	if f := nsx4Reports(t, h)[0].Failed(); !slices.Equal(f, []string{"NMGR-4X-000094", "NMGR-4X-000102"}) {
		t.Fatalf("with an OIDC provider the one node should fail only NMGR-4X-000094 and -000102, fails %v", f)
	}
	var controls map[string]struct {
		Status string `json:"status"`
	}
	must(t, json.Unmarshal([]byte(w.terraform(nil, "output", "-json", "controls")), &controls))
	if controls["NMGR-4X-000015"].Status != "not_a_finding" {
		t.Fatalf("the module's NMGR-4X-000015: %+v", controls["NMGR-4X-000015"])
	}
	if s := h.Stats(t); s["object_writes"] == 0 {
		t.Fatalf("no object written: %v", s)
	}
	state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	must(t, err)
	if strings.Contains(string(state), "Oidc-Client-S3cret") || !strings.Contains(string(state), `"nsx_oidc_provider"`) {
		t.Fatal("the state holds the OIDC client secret, or no nsx_oidc_provider")
	}
	if out := w.terraform(nil, "plan", "-input=false", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Fatalf("a second plan changes something:\n%s", out)
	}
}
