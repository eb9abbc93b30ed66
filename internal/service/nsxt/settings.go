package nsxt

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// settings declares one NSX settings object (see nsxt.Object) as a Terraform resource: its
// type name, its fields, and the hooks where an object needs more than fields. The resource
// itself (settingsResource) is the same for every object: it reads and writes through the
// engine, keeps the object's id, `_revision` and, for node-scoped objects, the values of
// every manager node in `nodes`, so that drift on one node shows in the plan under that
// node's name and an apply writes that node only.
type settings struct {
	object      *nsxtapi.Object
	typeName    string
	description string
	fields      []field
	// revision: the object carries `_revision`, kept as `revision` (per node for Node scope).
	revision bool
	// computed are attributes fill sets from a document.
	computed map[string]schema.Attribute
	// writeTimeout is the default time limit of a create or update (restart waits within).
	writeTimeout time.Duration
	// destroyNote, when set, is the warning destroy gives (the object stays as it is).
	destroyNote string
	// reset is an opt-in action destroy posts to put the object back to its defaults.
	reset *resetAction
	// validate checks the configuration across fields.
	validate func(ctx context.Context, cfg values, diags *diag.Diagnostics)
	// compose adds to a write what the fields alone cannot say (lists whose items carry
	// secrets the manager keeps).
	compose func(ctx context.Context, in composeInput, ch nsxtapi.Changes, diags *diag.Diagnostics)
	// check sees the object as a write would leave it, before anything is sent.
	check func(ctx context.Context, d *nsxtapi.Document, ch nsxtapi.Changes, diags *diag.Diagnostics)
	// fill sets the computed attributes from a document.
	fill func(ctx context.Context, d *nsxtapi.Document, vals values, diags *diag.Diagnostics)
	// plan adds to the plan what the fields alone cannot say.
	plan func(ctx context.Context, r *settingsResource, req resource.ModifyPlanRequest, plan, state, cfg values, diags *diag.Diagnostics)
	// after runs once a write landed (and was read back), for what the object's own read
	// does not show.
	after func(ctx context.Context, r *settingsResource, c *nsxtapi.Client, w *nsxtapi.Write, diags *diag.Diagnostics)
	// same reports whether a configured value needs no write over the state's values (nil:
	// equal values); for fields whose value is a part of what the manager holds.
	same map[string]func(cfg attr.Value, state values) bool
	// secrets are write-only attributes the manager never answers (passwords, passphrases):
	// sent with every write of the object, and on their own when their version attribute
	// changes (or on create).
	secrets []secret
	// locals are attributes of the resource that are no field of the object (write-only
	// ones are null in the state, others kept as configured); rotation, when set, is one of
	// them whose change is a write of its own (the version of write-only locals).
	locals   map[string]schema.Attribute
	rotation string
	// unwritable, for an object with a write fallback (nsxt.Object.WriteFallback), names the
	// boolean local that, false, makes a manager that refuses every write path a warning
	// instead of an error: the state then records the object as read, and attrWritePath "".
	unwritable string
}

// attrWritePath is the computed local of an object with a write fallback: the path that took
// its last write ("" where the manager refused every one).
const attrWritePath = "write_path"

// secret is a write-only attribute at path in the object, rotated by the attribute version
// (several secrets may share one).
type secret struct {
	name, path, description string
	version                 string
	validators              []validator.String
}

// versions are the version attributes of d's secrets, each once.
func (d *settings) versions() []string {
	var out []string
	seen := map[string]bool{}
	if d.rotation != "" {
		out, seen[d.rotation] = append(out, d.rotation), true
	}
	for _, s := range d.secrets {
		if !seen[s.version] {
			seen[s.version] = true
			out = append(out, s.version)
		}
	}
	return out
}

// rotating reports whether the configuration's version of a secret differs from the
// state's (no state: created now).
func rotating(version string, cfg, prior values) bool {
	if prior == nil {
		return true
	}
	return !cfg[version].Equal(prior[version])
}

// composeInput is what a write is made from: the configuration, the state before (nil on
// create) and the object as read.
type composeInput struct {
	cfg, prior values
	doc        *nsxtapi.Document
}

type resetAction struct {
	action      string // the `?action=` to post
	description string
}

// values are a resource's attributes by name.
type values map[string]attr.Value

const (
	attrID       = "id"
	attrRevision = "revision"
	attrNodes    = "nodes"
	attrTimeouts = "timeouts"
	attrReset    = "reset_on_destroy"
	privImported = "imported"
)

// restartWait bounds the wait for the API service after a write, within the write's timeout.
const restartWait = 5 * time.Minute

var errDiagnosed = errors.New("the diagnostics say why")

// declared is every settings declaration of the package, for the tests that walk them all.
var declared = []*settings{apiServiceConfig, authPolicy, backupConfig, fipsConfig, loginBanner, nodeSettings, ntpService,
	snmpService, sshService, telemetryConfig, vidm}

// SettingsTypes are the settings resources by type name, each with the NSX object it reads
// and writes (for tests that walk them all: against the vendor's schema, against odd answers).
func SettingsTypes() map[string]*nsxtapi.Object {
	out := make(map[string]*nsxtapi.Object, len(declared))
	for _, d := range declared {
		out[d.typeName] = d.object
	}
	return out
}
