package nsxt_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/netsession/terraform-provider-nsx/internal/acctest"
	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
)

// certFiles issues a client certificate from h's CA and writes it and its key to files.
func certFiles(t *testing.T, h *fakeharness.NSXT, cn string) (certPEM []byte, certFile, keyFile string) {
	t.Helper()
	cert, key, err := h.CA.ClientCertificate(cn)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, cn+".crt"), filepath.Join(dir, cn+".key")
	if err := os.WriteFile(certFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, certFile, keyFile
}

func certBlock(h *fakeharness.NSXT, certFile, keyFile, extra string) string {
	return fmt.Sprintf("nsxt {\n    hosts            = [%q]\n    client_cert_file = %q\n    client_key_file  = %q\n    ca_file          = %q\n%s  }",
		h.Hosts()[0], certFile, keyFile, h.CAFile, extra)
}

// A principal identity is registered, imported by <name>/<node_id> with nothing to plan,
// its roles changed in place, recreated when deleted outside, and replaced by a new
// certificate; an nsxt block with its certificate then reads as the identity.
func TestPrincipalIdentity_lifecycle(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	_, certFile, _ := certFiles(t, h, "pipeline")
	_, otherFile, otherKey := certFiles(t, h, "pipeline-2")
	pi := func(file, roles string) string {
		return fakeharness.Provider(h.NSXTBlock()) + fmt.Sprintf(`
resource "nsx_principal_identity" "p" {
  name            = "pipeline"
  node_id         = "runner-1"
  certificate_pem = file(%q)
  roles_for_paths = { "/" = [%s] }
}`, file, roles)
	}
	acctest.Test(t, []resource.TestStep{
		{Config: pi(certFile, `"enterprise_admin"`)},
		{Config: pi(certFile, `"enterprise_admin"`), ResourceName: "nsx_principal_identity.p", ImportState: true, ImportStateId: "pipeline/runner-1",
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		{Config: pi(certFile, `"auditor"`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("nsx_principal_identity.p", plancheck.ResourceActionUpdate)}}},
		{
			PreConfig: func() {
				for _, p := range h.Fake.Principals() {
					h.DeleteOutside(t, "/api/v1/trust-management/principal-identities/"+p["id"].(string))
				}
			},
			Config: pi(certFile, `"auditor"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("nsx_principal_identity.p", plancheck.ResourceActionCreate)}},
		},
		{Config: pi(otherFile, `"auditor"`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("nsx_principal_identity.p", plancheck.ResourceActionDestroyBeforeCreate)}}},
		{
			// The identity's own certificate and key: it reads as itself, with no login.
			Config: pi(otherFile, `"auditor"`) + fmt.Sprintf(`
provider "nsx" {
  alias = "pi"
  %s
}
data "nsx_role_bindings" "all" {
  provider = nsx.pi
  type     = "principal_identity"
}`, certBlock(h, otherFile, otherKey, "")),
			Check: resource.TestCheckResourceAttr("data.nsx_role_bindings.all", "roles.pipeline.0", "Auditor"),
		},
	})
}

// A certificate NSX does not know fails the plan with an error that says it is not a
// password failure; it is presented once, and no account's failure count moves.
func TestPrincipalIdentity_unknownCertificateCostsNoPassword(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	_, certFile, keyFile := certFiles(t, h, "stranger")
	acctest.Test(t, []resource.TestStep{{
		Config: fakeharness.Provider(certBlock(h, certFile, keyFile, "")) + `
data "nsx_role_bindings" "a" {}
data "nsx_version" "v" {}`,
		ExpectError: regexp.MustCompile(`(?s)client\s+certificate\s+was\s+refused.*not\s+a\s+password\s+failure.*no\s+account's\s+lockout`),
	}})
	s := h.Stats(t)
	if s["failed_logins"] != 0 || s["lockouts"] != 0 || s["certificate_refusals"] != 1 || s["logins"] != 0 || h.Fake.Locked(0, "admin") {
		t.Fatalf("want one refused certificate and no password failure: %v", s)
	}
}

// Mixed or half credentials are attribute errors at plan; nsx_session refuses to lend a
// certificate's "session".
func TestPrincipalIdentity_blockErrors(t *testing.T) {
	t.Parallel()
	h := fakeharness.StartNSXT(t, fakeharness.NSXTOptions{Nodes: 1})
	cert, certFile, keyFile := certFiles(t, h, "pipeline")
	_, _, otherKey := certFiles(t, h, "other")
	read := `data "nsx_version" "v" {}`
	hostCA := fmt.Sprintf("hosts = [%q]\n    ca_file = %q\n", h.Hosts()[0], h.CAFile)
	acctest.Test(t, []resource.TestStep{
		{Config: fakeharness.Provider(fmt.Sprintf("nsxt {\n    %s    username = \"admin\"\n    password = \"x\"\n    client_cert_file = %q\n    client_key_file = %q\n  }", hostCA, certFile, keyFile)) + read,
			ExpectError: regexp.MustCompile(`(?s)Attribute "nsxt.(username|password)" cannot be specified when\s+"nsxt.client_cert_file" is\s+specified`)},
		{Config: fakeharness.Provider(fmt.Sprintf("nsxt {\n    %s    client_cert_file = %q\n  }", hostCA, certFile)) + read,
			ExpectError: regexp.MustCompile(`(?s)Client Certificate Without Its Key.*client_cert_file\s+gives\s+a\s+client\s+certificate\s+but\s+no\s+key`)},
		{Config: fakeharness.Provider(fmt.Sprintf("nsxt {\n    %s    client_cert_pem = %q\n    client_key_file = %q\n  }", hostCA, string(cert), otherKey)) + read,
			ExpectError: regexp.MustCompile(`(?s)Invalid Client Certificate or Key.*not\s+a\s+usable\s+pair`)},
		{Config: fakeharness.Provider(fmt.Sprintf("nsxt {\n    %s    client_cert_file = %q\n    client_key_file = %q\n  }", hostCA, certFile, filepath.Join(t.TempDir(), "missing.key"))) + read,
			ExpectError: regexp.MustCompile(`(?s)Unreadable Client Certificate or Key File`)},
		{Config: fakeharness.Provider(certBlock(h, certFile, keyFile, "")) + `
ephemeral "nsx_session" "lent" {
  manager = "nsxt"
}
locals {
  lent = ephemeral.nsx_session.lent.host
}`, ExpectError: regexp.MustCompile(`(?s)Session Cannot Be Lent.*client\s+certificate.*no\s+session\s+cookie\s+or\s+token\s+to\s+lend`)},
	})
	if s := h.Stats(t); s["logins"] != 0 || s["failed_logins"] != 0 || s["certificate_requests"] != 0 {
		t.Fatalf("errors at plan sent something: %v", s)
	}
}
