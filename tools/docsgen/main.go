// Command docsgen regenerates docs/ with tfplugindocs. tfplugindocs finds a type's schema by
// "<provider>_<file name>", so it cannot document types named for another product
// (nsxv_cli_user_role in provider nsx). docsgen exports the schema through terraform, files
// such types under "nsx_<type>" for tfplugindocs, and each of them has a template in
// templates/ that titles it by its real name. Run from tools/: go run ./docsgen.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const providerName = "nsx"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "docsgen:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "docsgen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "bin")
	if err := command(root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-"+providerName), ".").Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	rc := filepath.Join(tmp, "dev.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"netsession/%s\" = %q\n  }\n  direct {}\n}\n", providerName, bin)), 0o600); err != nil {
		return err
	}
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf("terraform {\n  required_providers {\n    %s = { source = \"netsession/%s\" }\n  }\n}\n", providerName, providerName)), 0o600); err != nil {
		return err
	}
	cmd := command(work, []string{"TF_CLI_CONFIG_FILE=" + rc}, "terraform", "providers", "schema", "-json")
	cmd.Stdout = nil
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("terraform providers schema: %w", err)
	}

	var doc struct {
		FormatVersion   string                     `json:"format_version"`
		ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return err
	}
	var schema map[string]json.RawMessage
	for addr, raw := range doc.ProviderSchemas {
		if strings.HasSuffix(addr, "/"+providerName) {
			if err := json.Unmarshal(raw, &schema); err != nil {
				return err
			}
		}
	}
	if schema == nil {
		return fmt.Errorf("no schema for provider %s in terraform's answer", providerName)
	}
	for _, kind := range []string{"resource_schemas", "data_source_schemas"} {
		var types map[string]json.RawMessage
		if raw, ok := schema[kind]; ok {
			if err := json.Unmarshal(raw, &types); err != nil {
				return err
			}
		}
		renamed := map[string]json.RawMessage{}
		for name, s := range types {
			if !strings.HasPrefix(name, providerName+"_") {
				tmpl := filepath.Join(root, "templates", strings.TrimSuffix(kind, "_schemas")+"s", name+".md.tmpl")
				if strings.HasPrefix(kind, "data_source") {
					tmpl = filepath.Join(root, "templates", "data-sources", name+".md.tmpl")
				}
				if _, err := os.Stat(tmpl); err != nil {
					return fmt.Errorf("%s is not prefixed %s_: it needs the template %s, titled by its own name", name, providerName, tmpl)
				}
				name = providerName + "_" + name
			}
			renamed[name] = s
		}
		b, _ := json.Marshal(renamed)
		schema[kind] = b
	}
	b, _ := json.Marshal(map[string]any{"format_version": doc.FormatVersion, "provider_schemas": map[string]any{providerName: schema}})
	schemaFile := filepath.Join(tmp, "schema.json")
	if err := os.WriteFile(schemaFile, b, 0o600); err != nil {
		return err
	}
	return command(".", nil, "go", "tool", "tfplugindocs", "generate", "--provider-dir", root, "--provider-name", providerName,
		"--rendered-provider-name", "NSX", "--providers-schema", schemaFile).Run()
}

func command(dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}
