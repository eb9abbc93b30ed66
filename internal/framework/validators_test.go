package framework_test

import (
	"strings"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
)

func TestHostOrAddressProblem(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"ntp1", "ntp1.example.com", "192.0.2.10", "2001:db8::10", "a-b.c-d.example", strings.Repeat("a", 63) + ".example.com"} {
		if p := framework.HostOrAddressProblem(ok); p != "" {
			t.Errorf("%q refused: %s", ok, p)
		}
	}
	for in, want := range map[string]string{
		"":                      "The value is empty",
		"http://ntp1":           "without a scheme",
		"ntp1.example.com/x":    "without a path",
		"ntp1.example.com:123":  "without a port",
		" ntp1":                 "without spaces",
		"-ntp1":                 "is not a host name or an IP address",
		"ntp1..example.com":     "is not a host name or an IP address",
		strings.Repeat("a", 64): "is not a host name or an IP address",
		"[2001:db8::1]":         "is not a host name or an IP address",
		"192.0.2.300":           "is not a host name or an IP address", // a mistyped address: no top-level label is a number
	} {
		p := framework.HostOrAddressProblem(in)
		if !strings.Contains(p, want) || !strings.Contains(p, "a host name is letters, digits and hyphens") {
			t.Errorf("%q: want %q and what is allowed, got %q", in, want, p)
		}
	}
}
