package nsxt

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/netsession/terraform-provider-nsx/internal/checklist"
	"github.com/netsession/terraform-provider-nsx/internal/stigdata"
)

// provider::nsx::stig_checklist: a STIG Viewer 3 checklist (CKLB 1.0) of a run's controls.

// checklistSTIGs are the STIGs the function writes checklists for, by name.
var checklistSTIGs = map[string][]string{"vcf9": stigdata.VCF9, "nsx4": stigdata.NSX4}

// NewSTIGChecklistFunction is provider::nsx::stig_checklist.
func NewSTIGChecklistFunction() function.Function { return &stigChecklistFunction{} }

type stigChecklistFunction struct{}

// Functions are the NSX provider-defined functions.
func Functions() []func() function.Function {
	return []func() function.Function{NewSTIGChecklistFunction}
}

// controlArg is one control of the controls argument (other attributes, such as the
// module's passed, are left out by Terraform's conversion).
type controlArg struct {
	Status  types.String `tfsdk:"status"`
	Detail  types.String `tfsdk:"detail"`
	Objects types.Map    `tfsdk:"objects"`
}

var targetKeys = []string{"host_name", "ip_address", "fqdn", "comments", "role", "technology_area"}

func (f *stigChecklistFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "stig_checklist"
}

func (f *stigChecklistFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "A STIG Viewer 3 checklist (CKLB 1.0, JSON) of a run's STIG controls.",
		MarkdownDescription: "Writes the checklist an auditor loads into DISA STIG Viewer 3: one target (the NSX Manager cluster), one STIG " +
			"per part of the benchmark — for `vcf9`, the VMware Cloud Foundation 9.x NSX Manager and NSX Routing STIG Readiness Guides " +
			"(Y25M06, V1R1) — every rule of each with the benchmark's metadata (group and rule ids, severity, title, discussion, check " +
			"and fix text, CCIs, taken from the vendor's published XCCDF, named in each rule's comments), its status from `controls`, " +
			"and finding details listing each node or object and its status. A rule `controls` does not hold is `not_reviewed`. " +
			"The result follows from the arguments alone (its ids are name-based UUIDs), so a plan shows no change while the run's " +
			"results hold. `examples/modules/nsx-stig` gives it as its `checklist` output; a pipeline writes it with `terraform output -raw checklist > nsx.cklb`.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "stig", MarkdownDescription: "The STIG: `vcf9` (both parts of the VCF 9 NSX STIG, from the vendor's XCCDF) or `nsx4` (the VMware NSX 4.x STIG V1R2's manager part, NMGR-4X, its metadata from the vendor's InSpec controls, which the checklist names)."},
			function.DynamicParameter{Name: "target", MarkdownDescription: "The checked system, an object: `host_name` (required: the " +
				"cluster's virtual IP or name), and optionally `ip_address`, `fqdn`, `comments` (say every node's name and address here), " +
				"`role`, `technology_area`."},
			function.MapParameter{Name: "controls", MarkdownDescription: "Control id (`VCFN-9X-000007`, `VCFR-9X-000013`, …) → " +
				"`{ status, detail, objects }`, as the STIG module's `controls` output gives them: `status` is `not_a_finding`, `open`, " +
				"`not_applicable` or `not_reviewed`; `objects` maps each node or object path to its status (may be null).",
				ElementType: types.ObjectType{AttrTypes: map[string]attr.Type{"status": types.StringType, "detail": types.StringType, "objects": types.MapType{ElemType: types.StringType}}}},
		},
		Return: function.StringReturn{},
	}
}

func (f *stigChecklistFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var (
		name     string
		target   types.Dynamic
		controls map[string]controlArg
	)
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &name, &target, &controls))
	if resp.Error != nil {
		return
	}
	parts, ok := checklistSTIGs[name]
	if !ok {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("stig is %q; the checklists written are %s", name, strings.Join(slices.Sorted(maps.Keys(checklistSTIGs)), ", ")))
		return
	}
	t, err := checklistTarget(target)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	results := map[string]checklist.Result{}
	for id, c := range controls {
		r := checklist.Result{Status: c.Status.ValueString(), Detail: c.Detail.ValueString(), Objects: map[string]string{}}
		for o, v := range c.Objects.Elements() {
			if s, ok := v.(basetypes.StringValue); ok {
				r.Objects[o] = s.ValueString()
			}
		}
		results[id] = r
	}
	var benchmarks []*stigdata.Benchmark
	for _, p := range parts {
		bm, err := stigdata.Load(p)
		if err != nil {
			resp.Error = function.NewFuncError(err.Error())
			return
		}
		benchmarks = append(benchmarks, bm)
	}
	doc, err := checklist.Build(t, benchmarks, results)
	if err != nil {
		idx := int64(2)
		if strings.Contains(err.Error(), "host_name") {
			idx = 1
		}
		resp.Error = function.NewArgumentFuncError(idx, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, string(doc))
}

// checklistTarget reads the target argument: an object of strings with the known keys.
func checklistTarget(v types.Dynamic) (checklist.Target, error) {
	var t checklist.Target
	obj, ok := v.UnderlyingValue().(basetypes.ObjectValue)
	if !ok {
		return t, fmt.Errorf("target must be an object such as { host_name = \"nsx.example.com\" }")
	}
	fields := map[string]*string{"host_name": &t.HostName, "ip_address": &t.IPAddress, "fqdn": &t.FQDN, "comments": &t.Comments,
		"role": &t.Role, "technology_area": &t.TechnologyArea}
	for k, av := range obj.Attributes() {
		dst, known := fields[k]
		if !known {
			return t, fmt.Errorf("target has %q; it takes %s", k, strings.Join(targetKeys, ", "))
		}
		if av.IsNull() {
			continue
		}
		s, ok := av.(basetypes.StringValue)
		if !ok {
			return t, fmt.Errorf("target.%s must be a string", k)
		}
		*dst = s.ValueString()
	}
	return t, nil
}
