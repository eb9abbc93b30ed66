package stigdata_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/routingstig"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
	"github.com/netsession/terraform-provider-nsx/internal/stigdata"
)

// The embedded benchmarks hold every rule the provider judges, each with the metadata a
// checklist carries, and name their source.
func TestBenchmarksHoldEveryJudgedRule(t *testing.T) {
	t.Parallel()
	judged := map[string][]string{"vcf9_nsx_manager": stigcheck.Controls, "vcf9_nsx_routing": routingstig.IDs, "nsx4_manager": stigcheck.NSX4Controls}
	for _, name := range append(stigdata.VCF9, stigdata.NSX4...) {
		bm, err := stigdata.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(bm.Source, "vmware/dod-compliance-and-automation at 698bae09") || bm.ReleaseInfo == "" || bm.ID == "" {
			t.Errorf("%s: source %q, release %q, id %q", name, bm.Source, bm.ReleaseInfo, bm.ID)
		}
		var ids []string
		for _, r := range bm.Rules {
			ids = append(ids, r.Version)
			if r.Title == "" || r.Check == "" || r.Fix == "" || r.Discussion == "" || len(r.CCIs) == 0 || !slices.Contains([]string{"low", "medium", "high"}, r.Severity) ||
				!strings.HasPrefix(r.RuleID, "SV-") || !strings.HasPrefix(r.GroupID, "V-") {
				t.Errorf("%s %s: incomplete metadata %+v", name, r.Version, r)
			}
		}
		if !slices.Equal(ids, judged[name]) {
			t.Errorf("%s: the benchmark's rules %v, the provider judges %v", name, ids, judged[name])
		}
	}
	if _, err := stigdata.Load("nsx_5"); err == nil {
		t.Error("an unknown benchmark loaded")
	}
}
