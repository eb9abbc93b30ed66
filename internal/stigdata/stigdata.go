// Package stigdata holds the rule metadata of the STIG benchmarks the provider writes
// checklists for, as embedded data files made by cmd/stigdata (each file names its source):
// the VMware Cloud Foundation 9.x NSX Manager and NSX Routing STIG Readiness Guides, Y25M06,
// V1R1, from the XCCDF the vendor publishes, and the VMware NSX 4.x STIG V1R2's manager part,
// from the vendor's InSpec controls.
package stigdata

import (
	"embed"
	"encoding/json"
	"fmt"
)

// Benchmark is one STIG benchmark: its identity, release and rules.
type Benchmark struct {
	Source      string `json:"source"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	Version     string `json:"version"`
	ReleaseInfo string `json:"release_info"`
	Status      string `json:"status"`
	Rules       []Rule `json:"rules"`
}

// Rule is one rule's metadata as the XCCDF gives it.
type Rule struct {
	GroupID                  string   `json:"group_id"`
	GroupTitle               string   `json:"group_title"`
	RuleID                   string   `json:"rule_id"`
	Version                  string   `json:"rule_version"`
	Severity                 string   `json:"severity"`
	Weight                   string   `json:"weight"`
	Title                    string   `json:"rule_title"`
	Discussion               string   `json:"discussion"`
	Check                    string   `json:"check_content"`
	Fix                      string   `json:"fix_text"`
	CCIs                     []string `json:"ccis"`
	FalsePositives           string   `json:"FalsePositives,omitempty"`
	FalseNegatives           string   `json:"FalseNegatives,omitempty"`
	Documentable             string   `json:"Documentable,omitempty"`
	Mitigations              string   `json:"Mitigations,omitempty"`
	SecurityOverrideGuidance string   `json:"SecurityOverrideGuidance,omitempty"`
	PotentialImpacts         string   `json:"PotentialImpacts,omitempty"`
	ThirdPartyTools          string   `json:"ThirdPartyTools,omitempty"`
	MitigationControl        string   `json:"MitigationControl,omitempty"`
	Responsibility           string   `json:"Responsibility,omitempty"`
	IAControls               string   `json:"IAControls,omitempty"`
}

//go:embed *.json
var files embed.FS

// VCF9 are the two parts of the VCF 9 NSX STIG, manager first.
var VCF9 = []string{"vcf9_nsx_manager", "vcf9_nsx_routing"}

// NSX4 is the manager part of the VMware NSX 4.x STIG V1R2 (its router and firewall parts are
// not judged): the official STIG's XCCDF is published where this project cannot fetch it, so
// its rules' metadata come from the vendor's InSpec controls for it, which carry it.
var NSX4 = []string{"nsx4_manager"}

// Load is the benchmark of the data file name (without .json).
func Load(name string) (*Benchmark, error) {
	b, err := files.ReadFile(name + ".json")
	if err != nil {
		return nil, fmt.Errorf("no STIG benchmark %q: %w", name, err)
	}
	var bm Benchmark
	if err := json.Unmarshal(b, &bm); err != nil {
		return nil, fmt.Errorf("the STIG benchmark %q: %w", name, err)
	}
	return &bm, nil
}
