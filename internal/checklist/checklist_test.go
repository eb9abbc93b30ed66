package checklist_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/checklist"
	"github.com/netsession/terraform-provider-nsx/internal/checklist/cklbtest"
	"github.com/netsession/terraform-provider-nsx/internal/stigdata"
)

func vcf9(t *testing.T) []*stigdata.Benchmark {
	t.Helper()
	var out []*stigdata.Benchmark
	for _, name := range stigdata.VCF9 {
		bm, err := stigdata.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bm)
	}
	return out
}

// A checklist of both parts validates against the CKLB schema, holds every rule of each
// with its status (not_reviewed where the run did not judge it) and the objects it was
// judged on, and is the same for the same run.
func TestChecklistValidatesAndHoldsEveryRule(t *testing.T) {
	t.Parallel()
	results := map[string]checklist.Result{
		"VCFN-9X-000012": {Status: "not_a_finding", Detail: "met on all 3 nodes", Objects: map[string]string{"nsx-1": "not_a_finding", "nsx-2": "not_a_finding"}},
		"VCFR-9X-000051": {Status: "open", Detail: "Objects judged: 1 open.", Objects: map[string]string{"/infra/tier-0s/a/locale-services/default/interfaces/up": "open", "/infra/tier-0s/b/locale-services/default/interfaces/up": "not_a_finding"}},
		"VCFR-9X-000102": {Status: "not_applicable", Detail: "IPv6 Forwarding is not enabled."},
	}
	target := checklist.Target{HostName: "nsx.example.com", IPAddress: "192.0.2.10", Comments: "NSX Manager cluster: nsx-1 (192.0.2.11), nsx-2 (192.0.2.12)"}
	doc, err := checklist.Build(target, vcf9(t), results)
	if err != nil {
		t.Fatal(err)
	}
	if err := cklbtest.Validate(t, doc); err != nil {
		t.Fatalf("the checklist does not validate against CKLB 1.0: %v", err)
	}
	var c struct {
		ID         string `json:"id"`
		TargetData struct {
			HostName string `json:"host_name"`
			Comments string `json:"comments"`
		} `json:"target_data"`
		STIGs []struct {
			STIGID string `json:"stig_id"`
			Size   int    `json:"size"`
			Rules  []struct {
				RuleVersion    string   `json:"rule_version"`
				Status         string   `json:"status"`
				FindingDetails string   `json:"finding_details"`
				CCIs           []string `json:"ccis"`
				CheckContent   string   `json:"check_content"`
			} `json:"rules"`
		} `json:"stigs"`
	}
	if err := json.Unmarshal(doc, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.STIGs) != 2 || c.STIGs[0].Size != 23 || len(c.STIGs[0].Rules) != 23 || c.STIGs[1].Size != 17 || len(c.STIGs[1].Rules) != 17 {
		t.Fatalf("stigs: %+v", c.STIGs)
	}
	if c.TargetData.HostName != "nsx.example.com" || !strings.Contains(c.TargetData.Comments, "nsx-2 (192.0.2.12)") {
		t.Fatalf("target: %+v", c.TargetData)
	}
	byID := map[string]string{}
	for _, s := range c.STIGs {
		for _, r := range s.Rules {
			byID[r.RuleVersion] = r.Status
			if len(r.CCIs) == 0 || r.CheckContent == "" {
				t.Errorf("%s lacks its metadata", r.RuleVersion)
			}
			if r.RuleVersion == "VCFR-9X-000051" && !strings.HasPrefix(r.FindingDetails, "Objects judged: 1 open.\n\nJudged on:\n- /infra/tier-0s/a/locale-services/default/interfaces/up: open\n- /infra/tier-0s/b") {
				t.Errorf("finding details: %q", r.FindingDetails)
			}
			if r.RuleVersion == "VCFN-9X-000007" && (r.Status != "not_reviewed" || r.FindingDetails != "Not judged in this run.") {
				t.Errorf("a rule the run did not judge: %s %q", r.Status, r.FindingDetails)
			}
		}
	}
	if byID["VCFN-9X-000012"] != "not_a_finding" || byID["VCFR-9X-000051"] != "open" || byID["VCFR-9X-000102"] != "not_applicable" {
		t.Fatalf("statuses: %v", byID)
	}
	again, _ := checklist.Build(target, vcf9(t), results)
	if !bytes.Equal(doc, again) {
		t.Fatal("the same run wrote another checklist")
	}
	// The schema check bites: a status a checklist does not have fails it.
	if err := cklbtest.Validate(t, bytes.Replace(doc, []byte(`"status": "open"`), []byte(`"status": "failed"`), 1)); err == nil {
		t.Fatal("the schema took a status it does not have")
	}
}

// What a checklist cannot hold is refused, saying what and where.
func TestChecklistRefusesWhatItCannotHold(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		target  checklist.Target
		results map[string]checklist.Result
		want    string
	}{
		{checklist.Target{}, nil, "host_name is empty"},
		{checklist.Target{HostName: "nsx"}, map[string]checklist.Result{"VCFN-9X-999999": {Status: "open"}}, `control "VCFN-9X-999999" is not a rule`},
		{checklist.Target{HostName: "nsx"}, map[string]checklist.Result{"VCFN-9X-000012": {Status: "passed"}}, `status "passed"`},
		{checklist.Target{HostName: "nsx"}, map[string]checklist.Result{"VCFN-9X-000012": {Status: "open", Objects: map[string]string{"nsx-1": "bad"}}}, `object "nsx-1", has status "bad"`},
	} {
		if _, err := checklist.Build(c.target, vcf9(t), c.results); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c, err, c.want)
		}
	}
}

// The NSX 4.x checklist: one STIG of 28 rules, its metadata from the vendor's InSpec
// controls (named in each rule's comments), valid CKLB 1.0.
func TestNSX4ChecklistValidates(t *testing.T) {
	t.Parallel()
	bm, err := stigdata.Load(stigdata.NSX4[0])
	if err != nil {
		t.Fatal(err)
	}
	doc, err := checklist.Build(checklist.Target{HostName: "nsx.example.com"}, []*stigdata.Benchmark{bm},
		map[string]checklist.Result{"NMGR-4X-000103": {Status: "not_reviewed", Detail: "Manual."}, "NMGR-4X-000015": {Status: "open", Detail: "No identity provider."}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cklbtest.Validate(t, doc); err != nil {
		t.Fatalf("the NSX 4.x checklist does not validate: %v", err)
	}
	if !strings.Contains(string(doc), `"rule_id": "SV-265293r994102_rule"`) || !strings.Contains(string(doc), "the vendor's InSpec profile 1.0.2 for the VMware NSX 4.x STIG V1R2") ||
		strings.Count(string(doc), `"rule_version": "NMGR-4X-`) != 28 {
		t.Fatal("the checklist lacks the NSX 4.x rules' metadata or their source")
	}
}
