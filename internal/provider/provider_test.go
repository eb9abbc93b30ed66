package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// factories serves the provider in-process. Each terraform command gets a fresh provider, as
// each gets a fresh process in real use; the previous one's sessions are logged out when the
// next starts (its command has ended by then) and at the end of the test, as main does when
// Serve returns.
func factories(t *testing.T) map[string]func() (tfprotov6.ProviderServer, error) {
	var mu sync.Mutex
	var pools []*session.Pool
	closeAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range pools {
			p.Close()
		}
		pools = nil
	}
	t.Cleanup(closeAll)
	return map[string]func() (tfprotov6.ProviderServer, error){
		"nsx": func() (tfprotov6.ProviderServer, error) {
			closeAll()
			p := session.NewPool()
			mu.Lock()
			pools = append(pools, p)
			mu.Unlock()
			return providerserver.NewProtocol6WithError(New("test", p)())()
		},
	}
}

// providerBlock configures the nsxt block for h, with extra provider-wide settings.
func providerBlock(h *fakensxt.Harness, extra ...string) string {
	return fmt.Sprintf("\nprovider \"nsx\" {\n  %s\n  %s\n}\n", strings.Join(extra, "\n  "), h.NSXTBlock())
}
