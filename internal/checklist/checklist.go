// Package checklist writes a STIG Viewer 3 checklist (CKLB 1.0, JSON) for one target from
// the rule metadata of its benchmarks (internal/stigdata) and a run's results: one target,
// one STIG per benchmark, every rule of each with its status and the objects it was judged on.
// Everything in it follows from its inputs (the ids are name-based UUIDs), so the same run
// writes the same file.
package checklist

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/netsession/terraform-provider-nsx/internal/stigdata"
)

// Statuses a checklist rule may have (CKLB 1.0).
var Statuses = []string{"not_a_finding", "open", "not_applicable", "not_reviewed"}

// Target is the checked system: the NSX Manager cluster.
type Target struct {
	HostName, IPAddress, FQDN, Comments, Role, TechnologyArea string
}

// Result is one rule's result in the run: its status, why, and each object (a node, the
// cluster, a gateway object's path) with its own status.
type Result struct {
	Status, Detail string
	Objects        map[string]string
}

// namespace is the UUID namespace of the provider's checklists.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://registry.terraform.io/providers/netsession/nsx/stig-checklist"))

type cklb struct {
	Title       string     `json:"title"`
	ID          string     `json:"id"`
	CKLBVersion string     `json:"cklb_version"`
	TargetData  targetData `json:"target_data"`
	STIGs       []stig     `json:"stigs"`
}

type targetData struct {
	TargetType     string `json:"target_type"`
	HostName       string `json:"host_name"`
	IPAddress      string `json:"ip_address"`
	MACAddress     string `json:"mac_address"`
	FQDN           string `json:"fqdn"`
	Comments       string `json:"comments"`
	Role           string `json:"role"`
	IsWebDatabase  bool   `json:"is_web_database"`
	TechnologyArea string `json:"technology_area"`
	WebDBSite      string `json:"web_db_site"`
	WebDBInstance  string `json:"web_db_instance"`
}

type stig struct {
	STIGName    string  `json:"stig_name"`
	DisplayName string  `json:"display_name"`
	STIGID      string  `json:"stig_id"`
	ReleaseInfo string  `json:"release_info"`
	UUID        string  `json:"uuid"`
	ReferenceID *string `json:"reference_identifier"`
	Size        int     `json:"size"`
	Rules       []rule  `json:"rules"`
}

type groupLevel struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type rule struct {
	UUID                     string            `json:"uuid"`
	STIGUUID                 string            `json:"stig_uuid"`
	GroupID                  string            `json:"group_id"`
	GroupIDSrc               string            `json:"group_id_src"`
	RuleID                   string            `json:"rule_id"`
	RuleIDSrc                string            `json:"rule_id_src"`
	TargetKey                *string           `json:"target_key"`
	STIGRef                  *string           `json:"stig_ref"`
	Weight                   string            `json:"weight"`
	Classification           string            `json:"classification"`
	Severity                 string            `json:"severity"`
	RuleVersion              string            `json:"rule_version"`
	RuleTitle                string            `json:"rule_title"`
	FixText                  string            `json:"fix_text"`
	ReferenceID              *string           `json:"reference_identifier"`
	GroupTitle               string            `json:"group_title"`
	FalsePositives           string            `json:"false_positives"`
	FalseNegatives           string            `json:"false_negatives"`
	Discussion               string            `json:"discussion"`
	CheckContent             string            `json:"check_content"`
	Documentable             string            `json:"documentable"`
	Mitigations              string            `json:"mitigations"`
	PotentialImpacts         string            `json:"potential_impacts"`
	ThirdPartyTools          string            `json:"third_party_tools"`
	MitigationControl        string            `json:"mitigation_control"`
	Responsibility           string            `json:"responsibility"`
	SecurityOverrideGuidance string            `json:"security_override_guidance"`
	IAControls               string            `json:"ia_controls"`
	LegacyIDs                []string          `json:"legacy_ids"`
	CCIs                     []string          `json:"ccis"`
	GroupTree                []groupLevel      `json:"group_tree"`
	Status                   string            `json:"status"`
	Overrides                map[string]string `json:"overrides"`
	Comments                 string            `json:"comments"`
	FindingDetails           string            `json:"finding_details"`
}

// Build writes the checklist of target for benchmarks with results by rule version (the
// control id: VCFN-9X-000007). A rule without a result is not_reviewed, saying so; a result
// for no rule of the benchmarks, or with a status a checklist does not have, is an error.
func Build(target Target, benchmarks []*stigdata.Benchmark, results map[string]Result) ([]byte, error) {
	if strings.TrimSpace(target.HostName) == "" {
		return nil, fmt.Errorf("the target's host_name is empty: give the cluster's virtual IP or name")
	}
	known := map[string]bool{}
	for _, bm := range benchmarks {
		for _, r := range bm.Rules {
			known[r.Version] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(results)) {
		if !known[id] {
			return nil, fmt.Errorf("control %q is not a rule of %s", id, titles(benchmarks))
		}
		if !slices.Contains(Statuses, results[id].Status) {
			return nil, fmt.Errorf("control %s has status %q; a checklist takes %s", id, results[id].Status, strings.Join(Statuses, ", "))
		}
		for _, o := range slices.Sorted(maps.Keys(results[id].Objects)) {
			if !slices.Contains(Statuses, results[id].Objects[o]) {
				return nil, fmt.Errorf("control %s, object %q, has status %q; a checklist takes %s", id, o, results[id].Objects[o], strings.Join(Statuses, ", "))
			}
		}
	}
	resultsJSON, _ := json.Marshal(results)
	out := cklb{
		Title:       target.HostName + " — " + titles(benchmarks),
		ID:          uuid.NewSHA1(namespace, append([]byte(target.HostName+"\x00"+titles(benchmarks)+"\x00"), resultsJSON...)).String(),
		CKLBVersion: "1.0",
		TargetData: targetData{TargetType: "Computing", HostName: target.HostName, IPAddress: target.IPAddress, FQDN: target.FQDN,
			Comments: target.Comments, Role: orDefault(target.Role, "None"), TechnologyArea: target.TechnologyArea},
	}
	for _, bm := range benchmarks {
		stigUUID := uuid.NewSHA1(namespace, []byte(bm.ID+"\x00"+bm.Version+"\x00"+bm.ReleaseInfo)).String()
		s := stig{STIGName: bm.Title, DisplayName: strings.ReplaceAll(bm.Title, "Security Technical Implementation Guide", "STIG"), STIGID: bm.ID,
			ReleaseInfo: bm.ReleaseInfo, UUID: stigUUID, Size: len(bm.Rules), Rules: []rule{}}
		for _, r := range bm.Rules {
			res, judged := results[r.Version]
			status, details := "not_reviewed", "Not judged in this run."
			if judged {
				status, details = res.Status, findingDetails(res)
			}
			s.Rules = append(s.Rules, rule{
				UUID: uuid.NewSHA1(namespace, []byte(stigUUID+"\x00"+r.RuleID)).String(), STIGUUID: stigUUID,
				GroupID: r.GroupID, GroupIDSrc: r.GroupID, RuleID: r.RuleID, RuleIDSrc: r.RuleID, Weight: r.Weight, Classification: "Unclassified",
				Severity: r.Severity, RuleVersion: r.Version, RuleTitle: r.Title, FixText: r.Fix, GroupTitle: r.GroupTitle,
				FalsePositives: r.FalsePositives, FalseNegatives: r.FalseNegatives, Discussion: r.Discussion, CheckContent: r.Check,
				Documentable: r.Documentable, Mitigations: r.Mitigations, PotentialImpacts: r.PotentialImpacts, ThirdPartyTools: r.ThirdPartyTools,
				MitigationControl: r.MitigationControl, Responsibility: r.Responsibility, SecurityOverrideGuidance: r.SecurityOverrideGuidance,
				IAControls: r.IAControls, LegacyIDs: []string{}, CCIs: append([]string{}, r.CCIs...),
				GroupTree: []groupLevel{{ID: r.GroupID, Title: r.GroupTitle, Description: "<GroupDescription></GroupDescription>"}},
				Status:    status, Overrides: map[string]string{}, FindingDetails: details,
				Comments: "Rule metadata: " + bm.Source + ". Status from terraform-provider-nsx's reading of the manager's API.",
			})
		}
		out.STIGs = append(out.STIGs, s)
	}
	return json.MarshalIndent(out, "", "  ")
}

// findingDetails lists the result's reason and each object with its status: the worst
// first, then by name.
func findingDetails(res Result) string {
	var b strings.Builder
	b.WriteString(res.Detail)
	objects := slices.Sorted(maps.Keys(res.Objects))
	rank := map[string]int{"open": 0, "not_reviewed": 1, "not_a_finding": 2, "not_applicable": 3}
	slices.SortStableFunc(objects, func(a, c string) int { return rank[res.Objects[a]] - rank[res.Objects[c]] })
	if len(objects) > 0 {
		b.WriteString("\n\nJudged on:")
		for _, o := range objects {
			fmt.Fprintf(&b, "\n- %s: %s", o, res.Objects[o])
		}
	}
	return b.String()
}

func titles(bms []*stigdata.Benchmark) string {
	var t []string
	for _, bm := range bms {
		t = append(t, bm.Title+" ("+bm.ReleaseInfo+")")
	}
	return strings.Join(t, "; ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
