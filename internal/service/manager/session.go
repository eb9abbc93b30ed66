package manager

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// sessionEphemeral is the nsx_session ephemeral resource: a session of its own on one
// manager, lent to other tools (a generic REST provider) while Terraform holds it, kept alive
// before the manager would idle it out, and logged out on Close. Nothing of it reaches state
// or plan.
type sessionEphemeral struct {
	framework.EphemeralBase
	table []framework.Manager
}

// NewSessionEphemeral is the nsx_session ephemeral resource over table, the provider's
// managers.
func NewSessionEphemeral(table []framework.Manager) func() ephemeral.EphemeralResource {
	return func() ephemeral.EphemeralResource {
		return &sessionEphemeral{EphemeralBase: framework.EphemeralBase{Base: framework.Base{TypeName: "nsx_session"}}, table: table}
	}
}

type sessionModel struct {
	Manager   types.String `tfsdk:"manager"`
	Host      types.String `tfsdk:"host"`
	BaseURL   types.String `tfsdk:"base_url"`
	Headers   types.Map    `tfsdk:"headers"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

// lentSessions are the sessions lent by this process, by the id kept in the ephemeral
// resource's private data.
var lentSessions sync.Map

func (e *sessionEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A session of its own on one of the configured managers, for tools that talk to the manager's API directly " +
			"(a generic REST provider filling a gap of the vendor's provider). The provider logs in when Terraform opens it, returns what a " +
			"client must send (`base_url`, `headers`), keeps the session in use before the manager would idle it out while Terraform holds it, " +
			"and logs it out on close. It is separate from the sessions the provider itself uses. Requires Terraform 1.10 or later; nothing of it " +
			"is written to state or plan.\n\n" +
			"Managers whose credentials travel on every call (NSX-v older than 6.4, the Illumio PCE with an API key) lend an `Authorization` " +
			"header derived from the password or key: treat every header as the secret it is.",
		Attributes: map[string]schema.Attribute{
			"manager": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Which manager: the name of its provider block (" + framework.Quoted(framework.Names(e.table)) + ").",
				Validators:          []validator.String{stringvalidator.OneOf(framework.Names(e.table)...)},
			},
			"host": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The node to open the session on, one of the block's addresses (sessions belong to one node). " +
					"Default: the block's first address.",
			},
			"base_url": schema.StringAttribute{Computed: true, MarkdownDescription: "The node's base URL, e.g. `https://nsx-01.corp:443`."},
			"headers": schema.MapAttribute{
				Computed: true, Sensitive: true, ElementType: types.StringType,
				MarkdownDescription: "Headers to send on every request: `Cookie` and `X-XSRF-TOKEN` (NSX, SD-WAN Manager), " +
					"`vmware-api-session-id` (vCenter), `Authorization` (NSX-v, the Illumio PCE).",
			},
			"expires_at": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the session would idle out if nothing used it (RFC 3339); null where the manager does not idle sessions out. " +
					"While Terraform holds the session the provider keeps it in use.",
			},
		},
	}
}

// privateKey names the lent session's id in the private data.
const privateKey = "lent_session"

func (e *sessionEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var data sessionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, done := framework.StartOperation(ctx, "nsx_session", "open", framework.DefaultResourceTimeout, &resp.Diagnostics)
	defer done()
	mgr := framework.Lookup(e.table, data.Manager.ValueString())
	if mgr == nil {
		resp.Diagnostics.AddError("Unknown Manager", fmt.Sprintf("No manager is called %q.", data.Manager.ValueString()))
		return
	}
	lent, diags := mgr.Lend(e.Managers, data.Host, "nsx_session")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	base, headers, err := lent.Client.Lend(ctx)
	if err != nil {
		e.Managers.Failed(&resp.Diagnostics, "Opening the Session Failed", "Logging in for the session to lend", err)
		lent.Close(context.WithoutCancel(ctx))
		return
	}
	// One use at once: it proves the session works and, on NSX, learns its idle timeout.
	if err := lent.KeepAlive(ctx); err != nil {
		e.Managers.Failed(&resp.Diagnostics, "Opening the Session Failed", "Using the new session once", err)
		lent.Close(context.WithoutCancel(ctx))
		return
	}
	id := randomID()
	lentSessions.Store(id, lent)

	// The manager's documented header names, byte for byte (X-XSRF-TOKEN, not Go's
	// canonical X-Xsrf-Token): a borrower indexes the map by them.
	values := map[string]attr.Value{}
	for k, vs := range headers {
		values[k] = types.StringValue(strings.Join(vs, ", "))
	}
	data.BaseURL = types.StringValue(base.String())
	data.Headers = types.MapValueMust(types.StringType, values)
	data.ExpiresAt = types.StringNull()
	if idle := lent.Client.IdleTimeout(); idle > 0 {
		data.ExpiresAt = types.StringValue(time.Now().Add(idle).UTC().Format(time.RFC3339))
		resp.RenewAt = renewAt(idle)
	}
	priv, _ := json.Marshal(id)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, priv)...)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &data)...)
	tflog.Debug(ctx, "session lent", map[string]any{"manager": data.Manager.ValueString(), "node": base.Host, "headers": sortedHeaderNames(values)})
}

// Renew uses the session before the manager would idle it out. A session the manager ended
// meanwhile cannot be handed out anew (the borrower holds the old headers): that is an error.
func (e *sessionEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	lent, ok := lentFrom(ctx, req.Private, &resp.Diagnostics)
	if !ok {
		return
	}
	_, before, err := lent.Client.Lend(ctx)
	if err == nil {
		err = lent.KeepAlive(ctx)
	}
	if err != nil {
		e.Managers.Failed(&resp.Diagnostics, "Keeping the Session Alive Failed", "Using the lent session", err)
		return
	}
	if _, after, err := lent.Client.Lend(ctx); err != nil || !sameHeaders(before, after) {
		resp.Diagnostics.AddError("Lent Session Ended by the Manager",
			"The manager ended the session nsx_session lent (it was logged in again to keep working), so the headers handed out no longer work. "+
				"Run Terraform again; if the manager's idle timeout is very short, raise it.")
		return
	}
	resp.RenewAt = renewAt(lent.Client.IdleTimeout())
}

// Close logs the lent session out.
func (e *sessionEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	b, diags := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(diags...)
	var id string
	if len(b) == 0 || json.Unmarshal(b, &id) != nil {
		return
	}
	v, ok := lentSessions.LoadAndDelete(id)
	if !ok {
		return
	}
	lent, isLent := v.(*framework.LentSession)
	if !isLent {
		return
	}
	lent.Close(context.WithoutCancel(ctx))
	s := lent.Client.Stats()
	tflog.Debug(ctx, "lent session closed", map[string]any{"logins": s.Logins, "logouts": s.Logouts})
}

// privateData is the framework's private data of an ephemeral resource.
type privateData interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

// lentFrom finds the session the private data names.
func lentFrom(ctx context.Context, p privateData, diags *diag.Diagnostics) (*framework.LentSession, bool) {
	b, d := p.GetKey(ctx, privateKey)
	diags.Append(d...)
	var id string
	if len(b) == 0 || json.Unmarshal(b, &id) != nil {
		framework.AddBug(diags, "Lent Session Unknown", "The ephemeral resource's private data names no session")
		return nil, false
	}
	v, ok := lentSessions.Load(id)
	lent, isLent := v.(*framework.LentSession)
	if !ok || !isLent {
		diags.AddError("Lent Session Unknown", "The session this ephemeral resource lent is no longer known to this provider process; run Terraform again.")
		return nil, false
	}
	return lent, true
}

// renewAt is when a lent session must be used again: half way to the point where the session
// layer itself would treat it as idle, so the use never needs a new login.
func renewAt(idle time.Duration) time.Time {
	return time.Now().Add(session.RenewBefore(idle) / 2)
}

func sameHeaders(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if fmt.Sprint(v) != fmt.Sprint(b[k]) {
			return false
		}
	}
	return true
}

func sortedHeaderNames(m map[string]attr.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
