package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 22: claims the README and the provider's index page once made, which were false, stay
// gone; each true statement that replaced one is checked by a test of its own (named here).
func TestDocsMakeNoFalseClaims(t *testing.T) {
	t.Parallel()
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(repoRoot(), p))
		must(t, err)
		return string(b)
	}
	gone := map[string][]string{
		"README.md": {
			"installs it from the mirror, with no warning", // TestModuleTestingGuideRunsAsWritten: init warns about the lock file
			"install it into `GOBIN`",                      // make install writes the implied local mirror
			"(always 0 left open)",                         // TestNSXVTokensPerPipeline: NSX-v tokens stay
			"Nothing in `make test` asserts a time",        // restart and Retry-After bounds are asserted, from the settings
			"is\nlogged out at the end of every run",       // not with the session cache
		},
		"docs/index.md": {
			"the rate is halved on each 429",    // the stated limits are learned
			"so no run leaves a session behind", // the session cache keeps them; NSX-v tokens lapse
		},
		"templates/guides/testing-modules.md.tmpl": {
			"jq ", // the script needs no JSON tool
			"> tests/.fakemanager/announce.json &\n```", // the redirect before the directory exists
		},
	}
	for file, claims := range gone {
		text := read(file)
		for _, c := range claims {
			if strings.Contains(text, c) {
				t.Errorf("%s claims %q again", file, c)
			}
		}
	}
	for file, want := range map[string]string{
		"README.md":                              "Incomplete lock file information",
		"docs/guides/testing-modules.md":         "terraform init -input=false",
		"docs/ephemeral-resources/session.md":    `headers["X-XSRF-TOKEN"]`,
		"docs/guides/hardening-vcf9-stig.md":     "VCFN-9X-000115",
		"examples/modules/nsx-stig/variables.tf": `\n\nBy using this IS`,
	} {
		if !strings.Contains(read(file), want) {
			t.Errorf("%s no longer says %q", file, want)
		}
	}
}
