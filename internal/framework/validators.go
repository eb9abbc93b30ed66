package framework

import (
	"context"
	"fmt"
	"net"
	"regexp"

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
