package fakeharness

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Session is a session client of the fake behind c, as the provider would build it: every
// node (unless cfg names some), TLS trusting the fake's CA, a 10 s request timeout unless cfg
// sets one. Its sessions are logged out when t ends.
func Session(t testing.TB, c *Control, cfg session.Config) *session.Client {
	t.Helper()
	if len(cfg.Nodes) == 0 {
		for _, raw := range c.Server.URLs() {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Nodes = append(cfg.Nodes, u)
		}
	}
	if cfg.TLS == nil {
		cfg.TLS = &tls.Config{RootCAs: c.CA.Pool(), MinVersion: tls.VersionTLS12}
	}
	if cfg.Dial == nil {
		cfg.Dial = c.Dial
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	s, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// Provider is a provider "nsx" configuration with a manager block (a harness's NSXTBlock(),
// SDWANBlock()…) and provider-wide settings ("max_retries = 10").
func Provider(block string, settings ...string) string {
	return fmt.Sprintf("\nprovider \"nsx\" {\n  %s\n  %s\n}\n", strings.Join(settings, "\n  "), block)
}
