package nsxt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_login_banner: the login banner, declared on the settings engine.

var loginBanner = &settings{
	object:   nsxtapi.LoginBanner,
	typeName: "nsx_login_banner",
	description: "The banner NSX Manager shows before login (the UI's Login Consent Settings): its title, its content, whether it is shown " +
		"(`login_banner_status`) and whether the user must consent explicitly (`login_banner_checkbox_flag`). One for the manager (each Global and " +
		"Local Manager has its own).\n\n" +
		"Which path takes a write is not known for any release: the STIG's checks read `GET /api/v1/loginbanner`, where the vendor's STIG " +
		"automation found PUT, POST and PATCH refused; the same automation's VCF 9 role writes `PUT /policy/api/v1/loginbanner` but has " +
		"that task disabled because \"put, post, patch is not an allowed method\", and its NSX 4.x role lists \"Banner fixes do not apply\"; " +
		"the STIGs' fix text is the UI (System > Settings > General Settings > User Interface). So the provider writes " +
		"`/policy/api/v1/loginbanner`, and where NSX refuses the method there (405) tries `/api/v1/loginbanner` once; the path that " +
		"took the write serves the rest of the run and is `write_path`. Where NSX refuses both, the apply fails once, naming both answers " +
		"and the UI, or, with `fail_if_unwritable = false`, warns and leaves `write_path` empty (the next refresh reads the banner as NSX holds it) " +
		"(the STIG module reports the control as not reviewed then). After a write it reads `/api/v1/loginbanner` too: where that " +
		"shows something else, the apply warns.\n\n" +
		"The content is kept byte for byte, line breaks included (the DoD notice has a blank line after its first sentence): write it with `<<-EOT` " +
		"or with `\\n`, and mind trailing newlines, which a heredoc adds.\n\n" +
		"Import with the id `login_banner`. **Destroying this resource leaves the banner as it is** (with a warning).",
	destroyNote: "nsx_login_banner left the state; the banner stays as the manager has it.",
	locals: map[string]schema.Attribute{
		"fail_if_unwritable": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			MarkdownDescription: "Whether NSX refusing writes of the banner at both paths fails the apply (default `true`). `false`: a warning " +
				"and `write_path` empty; the next refresh reads the banner as NSX holds it."},
		attrWritePath: schema.StringAttribute{Computed: true,
			MarkdownDescription: "The path that took the last write (`/policy/api/v1/loginbanner` or `/api/v1/loginbanner`); empty where NSX refused both."},
	},
	unwritable: "fail_if_unwritable",
	fields: []field{
		stringField("login_banner_title", "The banner's title (the consent message title), at most 255 characters.", stringvalidator.LengthAtMost(255)),
		stringField("login_banner_content", "The banner's text (the consent message description), at most 64,000 characters, byte for byte. "+
			"STIG: the Standard Mandatory DoD Notice and Consent Banner.", stringvalidator.LengthAtMost(64000)),
		boolField("login_banner_status", "Whether the banner is shown before login. STIG: `true`."),
		boolField("login_banner_checkbox_flag", "Whether the user must tick the consent box to log in. STIG: `true`."),
	},
	after: func(ctx context.Context, r *settingsResource, c *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics) {
		shown, err := c.LoginBannerAsShown(ctx)
		if err != nil {
			diags.AddWarning("Login Banner Not Read Where the STIG Reads It",
				"The banner was written to /policy/api/v1/loginbanner, but reading /api/v1/loginbanner, where the STIG's checks read it, failed: "+err.Error())
			return
		}
		var diffs []string
		for _, f := range r.decl.fields {
			written, _ := w.After.Raw(f.jsonPath())
			if compact(shown[f.jsonPath()]) != compact(written) {
				diffs = append(diffs, f.name)
			}
		}
		if len(diffs) > 0 {
			diags.AddWarning("Login Banner Shown Differently",
				fmt.Sprintf("/api/v1/loginbanner, where the STIG's checks read the banner, differs from what was written in: %v.", diffs))
		}
	},
}
