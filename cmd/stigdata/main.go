// Command stigdata turns a STIG's XCCDF benchmark (as DISA or a vendor publishes it) into the
// JSON the provider embeds for its checklists (internal/stigdata): the benchmark's id, title,
// release and every rule's metadata, with the source named.
//
//	go run ./cmd/stigdata -xccdf FILE -source "where FILE comes from" -out internal/stigdata/NAME.json
package main

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"html"
	"os"
	"regexp"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/stigdata"
)

type benchmark struct {
	ID     string `xml:"id,attr"`
	Title  string `xml:"title"`
	Status struct {
		Date  string `xml:"date,attr"`
		Value string `xml:",chardata"`
	} `xml:"status"`
	PlainText []struct {
		ID    string `xml:"id,attr"`
		Value string `xml:",chardata"`
	} `xml:"plain-text"`
	Version string  `xml:"version"`
	Groups  []group `xml:"Group"`
}

type group struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title"`
	Rule  struct {
		ID          string   `xml:"id,attr"`
		Severity    string   `xml:"severity,attr"`
		Weight      string   `xml:"weight,attr"`
		Version     string   `xml:"version"`
		Title       string   `xml:"title"`
		Description string   `xml:"description"`
		Idents      []string `xml:"ident"`
		FixText     string   `xml:"fixtext"`
		Check       struct {
			Content string `xml:"check-content"`
		} `xml:"check"`
	} `xml:"Rule"`
}

func part(desc, tag string) string {
	m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindStringSubmatch(desc)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

func main() {
	in := flag.String("xccdf", "", "the XCCDF benchmark file")
	source := flag.String("source", "", "where the file comes from (repository, commit, path)")
	out := flag.String("out", "", "the JSON file to write")
	flag.Parse()
	if err := run(*in, *source, *out); err != nil {
		fmt.Fprintln(os.Stderr, "stigdata:", err)
		os.Exit(1)
	}
}

func run(in, source, out string) error {
	b, err := os.ReadFile(in) //nolint:gosec // the file the user names
	if err != nil {
		return err
	}
	var bm benchmark
	if err := xml.Unmarshal(b, &bm); err != nil {
		return err
	}
	f := stigdata.Benchmark{Source: source, ID: bm.ID, Title: strings.TrimSpace(bm.Title), Version: strings.TrimSpace(bm.Version),
		Status: strings.TrimSpace(bm.Status.Value + " " + bm.Status.Date)}
	for _, p := range bm.PlainText {
		if p.ID == "release-info" {
			f.ReleaseInfo = strings.TrimSpace(p.Value)
		}
	}
	for _, g := range bm.Groups {
		d := g.Rule.Description
		r := stigdata.Rule{GroupID: g.ID, GroupTitle: strings.TrimSpace(g.Title), RuleID: g.Rule.ID, Version: strings.TrimSpace(g.Rule.Version),
			Severity: g.Rule.Severity, Weight: g.Rule.Weight, Title: strings.TrimSpace(g.Rule.Title), Discussion: part(d, "VulnDiscussion"),
			Check: strings.TrimSpace(g.Rule.Check.Content), Fix: strings.TrimSpace(g.Rule.FixText), CCIs: g.Rule.Idents,
			FalsePositives: part(d, "FalsePositives"), FalseNegatives: part(d, "FalseNegatives"), Documentable: part(d, "Documentable"),
			Mitigations: part(d, "Mitigations"), SecurityOverrideGuidance: part(d, "SecurityOverrideGuidance"), PotentialImpacts: part(d, "PotentialImpacts"),
			ThirdPartyTools: part(d, "ThirdPartyTools"), MitigationControl: part(d, "MitigationControl"), Responsibility: part(d, "Responsibility"),
			IAControls: part(d, "IAControls")}
		f.Rules = append(f.Rules, r)
	}
	j, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(j, '\n'), 0o600)
}
