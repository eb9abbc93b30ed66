// Command stigdata turns a STIG's XCCDF benchmark (as DISA or a vendor publishes it), or the
// controls of a vendor's InSpec profile where the XCCDF cannot be had, into the JSON the
// provider embeds for its checklists (internal/stigdata): the benchmark's id, title, release
// and every rule's metadata, with the source named.
//
//	go run ./cmd/stigdata -xccdf FILE -source "where FILE comes from" -out internal/stigdata/NAME.json
//	go run ./cmd/stigdata -inspec DIR -id ID -title TITLE -release "Release: 2 Benchmark Date: 30 Jan 2025" -source … -out …
package main

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	inspec := flag.String("inspec", "", "instead of -xccdf: a directory of an InSpec profile's control files (ID-NNNNNN.rb), whose titles, descriptions and tags carry the rules' metadata")
	id := flag.String("id", "", "with -inspec: the benchmark's id")
	title := flag.String("title", "", "with -inspec: the benchmark's title")
	release := flag.String("release", "", "with -inspec: the benchmark's release information")
	source := flag.String("source", "", "where the file comes from (repository, commit, path)")
	out := flag.String("out", "", "the JSON file to write")
	flag.Parse()
	var err error
	if *inspec != "" {
		err = fromInSpec(*inspec, stigdata.Benchmark{Source: *source, ID: *id, Title: *title, Version: "1", ReleaseInfo: *release}, *out)
	} else {
		err = run(*in, *source, *out)
	}
	if err != nil {
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

// fromInSpec reads every control file of dir into bm's rules, in file order.
func fromInSpec(dir string, bm stigdata.Benchmark, out string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.rb"))
	if err != nil {
		return err
	}
	slices.Sort(files)
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // the directory the user names
		if err != nil {
			return err
		}
		r, err := inspecRule(string(b))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		bm.Rules = append(bm.Rules, r)
	}
	if len(bm.Rules) == 0 {
		return fmt.Errorf("no control files (*.rb) in %s", dir)
	}
	j, err := json.MarshalIndent(bm, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(j, '\n'), 0o600)
}

// rubyString reads the Ruby string literal that starts at s[i] (single- or double-quoted, or %q( )),
// and the index after it.
func rubyString(s string, i int) (string, int, error) {
	if strings.HasPrefix(s[i:], "%q(") {
		// A %q( … ) literal: single-quoted rules, parentheses nest.
		depth := 1
		var b strings.Builder
		for j := i + 3; j < len(s); j++ {
			switch s[j] {
			case '\\':
				if j+1 < len(s) {
					j++
					b.WriteByte(s[j])
				}
				continue
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					return b.String(), j + 1, nil
				}
			}
			b.WriteByte(s[j])
		}
		return "", i, fmt.Errorf("unterminated %%q( at %d", i)
	}
	if i >= len(s) || (s[i] != '\'' && s[i] != '"') {
		return "", i, fmt.Errorf("no string at %d", i)
	}
	q := s[i]
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && j+1 < len(s) && q == '\'' && (s[j+1] == '\'' || s[j+1] == '\\'):
			b.WriteByte(s[j+1])
			j++
		case s[j] == '\\' && j+1 < len(s) && q == '"':
			j++
			switch s[j] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[j])
			}
		case s[j] == q:
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", i, fmt.Errorf("unterminated string at %d", i)
}

// after is the Ruby string that follows the first occurrence of prefix in s.
func after(s, prefix string) (string, error) {
	i := strings.Index(s, prefix)
	if i < 0 {
		return "", fmt.Errorf("no %q", prefix)
	}
	v, _, err := rubyString(s, i+len(prefix))
	return v, err
}

func inspecRule(s string) (stigdata.Rule, error) {
	var r stigdata.Rule
	var err error
	get := func(prefix string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = after(s, prefix)
		return v
	}
	r.Title = get("\n  title ")
	r.Discussion = get("\n  desc ")
	r.Check = get("\n  desc 'check', ")
	r.Fix = get("\n  desc 'fix', ")
	r.Severity = get("\n  tag severity: ")
	r.GroupID = get("\n  tag gid: ")
	r.RuleID = get("\n  tag rid: ")
	r.Version = get("\n  tag stig_id: ")
	r.GroupTitle = get("\n  tag gtitle: ")
	if err != nil {
		return r, err
	}
	r.Weight = "10.0"
	r.Documentable = "false"
	if strings.Contains(s, "\n  tag 'documentable'") {
		r.Documentable = "true"
	}
	m := regexp.MustCompile(`\n  tag cci: \[([^\]]*)\]`).FindStringSubmatch(s)
	if m == nil {
		return r, fmt.Errorf("no cci tag")
	}
	for _, c := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(m[1], -1) {
		r.CCIs = append(r.CCIs, c[1])
	}
	return r, nil
}
