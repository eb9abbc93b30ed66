// Package devrun is what runs terraform with the provider built from this tree, for the
// end-to-end tests and make bench: the CLI configuration that points terraform at the build,
// and copies of the example modules to run in.
package devrun

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CLIConfig is the text of a terraform CLI configuration file that takes the provider
// netsession/name from dir (a development override: no registry, no lock file entry) and
// every other provider as usual.
func CLIConfig(name, dir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"netsession/%s\" = %q\n  }\n  direct {}\n}\n", name, dir)
}

// CopyModule copies the Terraform configuration in src into dst, without what a run leaves
// there: dot files and directories (.terraform, the lock file, a fake's .fakemanager) and
// state files.
func CopyModule(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel != "." && (strings.HasPrefix(d.Name(), ".") || strings.Contains(d.Name(), ".tfstate")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		b, err := os.ReadFile(p) //nolint:gosec // a file of the module the caller names, found by walking it
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600) //nolint:gosec // rel is a path inside src, written under dst
	})
}
