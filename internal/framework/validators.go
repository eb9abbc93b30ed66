package framework

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Validators several types share; the rest come from terraform-plugin-framework-validators.

// IPAddress accepts IPv4 and IPv6 addresses.
func IPAddress() validator.String { return ipAddress{} }

type ipAddress struct{}

func (ipAddress) Description(context.Context) string { return "must be an IPv4 or IPv6 address" }

func (v ipAddress) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (ipAddress) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !Known(req.ConfigValue) {
		return
	}
	if net.ParseIP(req.ConfigValue.ValueString()) == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP Address",
			fmt.Sprintf("%q is not an IPv4 or IPv6 address.", req.ConfigValue.ValueString()))
	}
}

// RequiredInObject makes an Optional+Computed nested attribute required wherever its object
// is configured: Terraform keeps an unconfigured set's prior value in the plan only when no
// nested attribute is Required (terraform-plugin-framework issue 898). what names the value.
func RequiredInObject(summary, detail string) validator.String {
	return requiredInObject{summary: summary, detail: detail}
}

type requiredInObject struct{ summary, detail string }

func (requiredInObject) Description(context.Context) string { return "must be set" }

func (v requiredInObject) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v requiredInObject) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, v.detail)
	}
}

// HostnameRE is a host name (letters, digits and hyphens in dot-separated labels), or empty.
var HostnameRE = regexp.MustCompile(`^$|^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)

// HostOrAddress accepts a host name (ntp1.example.com) or an IPv4 or IPv6 address, and
// refuses anything else (empty, a URL, a port, a path) in one error that says what is
// allowed.
func HostOrAddress() validator.String { return hostOrAddress{} }

type hostOrAddress struct{}

func (hostOrAddress) Description(context.Context) string {
	return "must be a host name (letters, digits and hyphens in dot-separated labels) or an IPv4 or IPv6 address"
}

func (v hostOrAddress) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (hostOrAddress) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !Known(req.ConfigValue) {
		return
	}
	if problem := HostOrAddressProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Host Name or Address", problem)
	}
}

// HostOrAddressProblem says what is wrong with v as a host name or an IP address ("": none).
func HostOrAddressProblem(v string) string {
	const allowed = "a host name is letters, digits and hyphens in dot-separated labels (ntp1.example.com); an address is IPv4 " +
		"(192.0.2.10) or IPv6 (2001:db8::10)"
	switch {
	case v == "":
		return "The value is empty: " + allowed + "."
	case net.ParseIP(v) != nil:
		return ""
	case len(v) <= 253 && HostnameRE.MatchString(v) && !allDigits(v[strings.LastIndex(v, ".")+1:]):
		return "" // a top-level label is never a number: 192.0.2.300 is a mistyped address
	}
	hint := ""
	switch {
	case strings.Contains(v, "://"):
		hint = ", without a scheme"
	case strings.ContainsAny(v, "/?#"):
		hint = ", without a path"
	case strings.Count(v, ":") == 1:
		hint = ", without a port"
	case strings.TrimSpace(v) != v:
		hint = ", without spaces"
	}
	return fmt.Sprintf("%q is not a host name or an IP address: %s%s.", v, allowed, hint)
}

func allDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }
