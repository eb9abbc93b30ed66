package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
)

// A fixture's nsxt.infra (gateways, as the hierarchical PATCH takes them) is what the fake NSX
// starts with; one NSX would refuse stops the start, saying what is wrong.
func TestFixtureInfraStartsTheGateways(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ca, err := fakemanager.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := readFixture(write("good.json", `{"nsxt": {"infra": {"resource_type": "Infra", "children": [
	  {"resource_type": "ChildTier0", "Tier0": {"id": "t0", "children": [{"resource_type": "ChildLocaleServices", "LocaleServices": {"id": "default"}}]}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	fake, srv, err := fakensxt.Start(fakensxt.Options{Username: "admin", Password: "Fixture-Passw0rd!", Infra: fx.NSXT.Infra}, fakemanager.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if o := fake.PolicyObject("/infra/tier-0s/t0/locale-services/default/bgp"); o == nil {
		t.Fatal("the fixture's Tier-0 locale service has no BGP configuration")
	}
	fx, err = readFixture(write("bad.json", `{"nsxt": {"infra": {"children": [{"resource_type": "ChildTier0", "Tier0": {"id": "t0", "ha_mode": "BOTH"}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fakensxt.Start(fakensxt.Options{Username: "admin", Password: "Fixture-Passw0rd!", Infra: fx.NSXT.Infra}, fakemanager.Options{CA: ca}); err == nil ||
		!strings.Contains(err.Error(), "ha_mode") {
		t.Fatalf("a refused infra: %v", err)
	}
}
