package devrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A module is copied without what a run leaves in it; the CLI configuration names the build.
func TestCopyModuleLeavesARunsFilesBehind(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	for name, body := range map[string]string{
		"main.tf": "module", "tests/fixture.json": "{}", "examples/a/main.tf": "example",
		".terraform/modules/modules.json": "x", ".terraform.lock.hcl": "x", "terraform.tfstate": "x",
		"terraform.tfstate.backup": "x", "tests/.fakemanager/ca.pem": "x",
	} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyModule(src, dst); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dst, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "examples/a/main.tf main.tf tests/fixture.json" {
		t.Fatalf("copied %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "examples", "a", "main.tf")); string(b) != "example" {
		t.Fatalf("content %q", b)
	}
	cfg := CLIConfig("nsx", "/tmp/build dir")
	if !strings.Contains(cfg, `"netsession/nsx" = "/tmp/build dir"`) || !strings.Contains(cfg, "direct {}") {
		t.Fatalf("CLI configuration:\n%s", cfg)
	}
}
