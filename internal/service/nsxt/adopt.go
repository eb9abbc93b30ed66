package nsxt

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
)

// An apply killed in the middle (terraform sent SIGKILL, a CI runner lost) leaves on the
// manager objects that no state records, and the next apply's Create meets them. Create takes
// such an object over only where it is provably the one the configuration asks for (every
// field but the secrets equal, a principal identity's certificate included) and says so;
// otherwise it creates nothing and names the import that brings the object under Terraform.
// Nothing is created twice.

// takeOverDoc is what the resources that take objects over say of it in their docs.
const takeOverDoc = "A create that finds the object on NSX already (an apply stopped before it could record it) takes it over when it " +
	"equals the configuration in every attribute but the secrets, with a warning, and otherwise stops, writes nothing and shows the " +
	"`terraform import` that brings it under Terraform. Nothing is created twice."

// found is an object a Create met on the manager: its kind for a summary ("NSX Role
// Binding"), what it is in a sentence, the id its import takes, and the configured attributes
// it differs in (none: provably the configured one).
type found struct {
	TypeName, Kind, What, ImportID string
	Differs                        []string
	// Unprovable says why the object cannot be compared at all (a local user's password):
	// it is never taken over unasked.
	Unprovable string
}

// takeOver is a Create's look for the object NSX may hold already: list (a failure is a read
// failure of thing, while doing), and the first item match accepts is judged — the state it
// would give and what differs from plan (found). Where nothing differs it becomes plan and
// the state, with a warning; otherwise the Create stops on name with its import. It reports
// whether it found one (or could not look): the Create then creates nothing.
func takeOver[T, M any](ctx context.Context, m *framework.Managers, plan *M, st *tfsdk.State, diags *diag.Diagnostics, thing, doing string,
	list func() ([]T, error), match func(*T) bool, judge func(*T) (M, found, diag.Diagnostics)) bool {
	all, err := list()
	if err != nil {
		m.ReadFailed(diags, thing, doing, err)
		return true
	}
	for i := range all {
		if !match(&all[i]) {
			continue
		}
		cur, f, d := judge(&all[i])
		diags.Append(d...)
		switch {
		case d.HasError():
		case len(f.Differs) > 0:
			f.refuse(diags, path.Root("name"))
		default:
			*plan = cur
			diags.Append(st.Set(ctx, plan)...)
			f.adopted(diags, "")
		}
		return true
	}
	return false
}

// check records attr as differing where its values are not equal.
func (f *found) check(attr string, equal bool) {
	if !equal {
		f.Differs = append(f.Differs, attr)
	}
}

// adopted says that a Create took over the object f, which it found equal to the
// configuration; note adds what could not be compared (a secret).
func (f found) adopted(diags *diag.Diagnostics, note string) {
	diags.AddWarning("Existing "+f.Kind+" Taken Over",
		fmt.Sprintf("NSX held %s already, equal to this configuration in every attribute: the resource took it over instead of creating "+
			"it again (an earlier apply that stopped before it could record it leaves it so).%s", f.What, note))
}

// refuse is the error of a Create that found f and cannot take it over, on the attribute at
// that names the object.
func (f found) refuse(diags *diag.Diagnostics, at path.Path) {
	why := f.Unprovable
	if why == "" {
		why = "it differs from this configuration in " + strings.Join(f.Differs, ", ")
	}
	diags.AddAttributeError(at, f.Kind+" Exists Already",
		fmt.Sprintf("NSX holds %s already, and the provider does not take it over: %s. Nothing was created. If it is this resource's "+
			"(an earlier apply stopped before it could record it, say), bring it under Terraform and plan to see what differs:\n\n"+
			"  terraform import %s.NAME %s\n\n"+
			"with this resource's name (its address is shown above) for NAME, or an import block with id = %q.",
			f.What, why, f.TypeName, shellQuote(f.ImportID), f.ImportID))
}

// shellQuote quotes an import id for a POSIX shell where it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
