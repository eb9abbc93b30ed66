package framework

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The provider's diagnostics in one voice: a Title Case summary; a detail that says what was
// attempted, why it failed and what to do.

// bugNote is the one wording of "the provider has a bug".
const bugNote = "This is a bug in the provider; please report it at https://github.com/netsession/terraform-provider-nsx/issues with this message."

// AddBug adds an error for a state the provider should never reach: summary, what happened
// and the one wording that asks for a report.
func AddBug(diags *diag.Diagnostics, summary, what string) {
	diags.AddError(summary, strings.TrimSuffix(what, ".")+". "+bugNote)
}

// Bug is AddBug's diagnostic.
func Bug(summary, what string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, strings.TrimSuffix(what, ".")+". "+bugNote)
}

// ReadFailedSummary is the one summary of a failed read of thing ("the NSX Segments"):
// "Reading the NSX Segments Failed".
func ReadFailedSummary(thing string) string { return "Reading " + thing + " Failed" }

// Failed adds the error of a manager call: summary, and the detail "lead: err". A refused
// login that another type of this run has reported in full already is named in one line
// that points at it, so that one wrong password is one error, not one per resource.
func (m *Managers) Failed(diags *diag.Diagnostics, summary, lead string, err error) {
	m.FailedAt(diags, path.Empty(), summary, lead, err)
}

// FailedAt is Failed on the attribute at p (the root for none).
func (m *Managers) FailedAt(diags *diag.Diagnostics, p path.Path, summary, lead string, err error) {
	var le *session.LoginError
	detail := lead + ": " + err.Error()
	if errors.As(err, &le) && m != nil {
		m.mu.Lock()
		first, seen := m.reported[le]
		if !seen {
			m.reported[le] = summary
		}
		m.mu.Unlock()
		if seen {
			summary = "Login to the " + le.Block + " Manager Refused"
			detail = fmt.Sprintf("%s: the %s manager at %s refused the login; the error %q says why, and the provider did not send the credentials again.",
				lead, le.Block, le.Host, first)
		}
	}
	if p.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(p, summary, detail)
}

// ReadFailed is Failed with the one summary of a failed read of thing.
func (m *Managers) ReadFailed(diags *diag.Diagnostics, thing, lead string, err error) {
	m.Failed(diags, ReadFailedSummary(thing), lead, err)
}
