package nsxt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// nsx_telemetry_config: CEIP participation and its schedule, declared on the settings engine.

var telemetryConfig = &settings{
	object:   nsxtapi.TelemetryConfig,
	typeName: "nsx_telemetry_config",
	description: "The NSX Customer Experience Improvement Program (CEIP) settings of the cluster (`/api/v1/telemetry/config`): whether the " +
		"manager takes part, and when it collects and uploads its data.\n\n" +
		"The NSX 4.x STIG requires `ceip_acceptance = false`; a fresh manager takes part on a weekly schedule.\n\n" +
		"Import with the id `telemetry_config`. **Destroying this resource leaves the settings as they are** (with a warning).",
	revision:    true,
	destroyNote: "nsx_telemetry_config left the state; the CEIP settings stay as they are.",
	fields: []field{
		boolField("ceip_acceptance", "Whether the manager takes part in CEIP. STIG (NSX 4.x): `false`."),
		boolField("schedule_enabled", "Whether data is collected and uploaded on `telemetry_schedule`."),
		objectField("telemetry_schedule", "telemetry_schedule", "frequency_type",
			"When data is collected: `frequency_type` `DailyTelemetrySchedule` (with `hour_of_day`, `minutes`), `WeeklyTelemetrySchedule` "+
				"(with `day_of_week`) or `MonthlyTelemetrySchedule` (with `day_of_month`).",
			map[string]schema.Attribute{
				"frequency_type": schema.StringAttribute{Required: true, MarkdownDescription: "`DailyTelemetrySchedule`, `WeeklyTelemetrySchedule` or `MonthlyTelemetrySchedule`.",
					Validators: []validator.String{stringvalidator.OneOf("DailyTelemetrySchedule", "WeeklyTelemetrySchedule", "MonthlyTelemetrySchedule")}},
				"day_of_week": optionalString("`SUNDAY` to `SATURDAY` (weekly schedules).",
					stringvalidator.OneOf("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")),
				"day_of_month": optInt("1 to 31 (monthly schedules).", int64validator.Between(1, 31)),
				"hour_of_day":  optInt("0 to 23.", int64validator.Between(0, 23)),
				"minutes":      optInt("0 to 59.", int64validator.Between(0, 59)),
			}),
	},
	validate: func(_ context.Context, cfg values, diags *diag.Diagnostics) {
		s, ok := cfg["telemetry_schedule"].(types.Object)
		if !ok || !framework.Known(s) {
			return
		}
		at := s.Attributes()
		ft, _ := at["frequency_type"].(types.String)
		if !framework.Known(ft) {
			return
		}
		set := func(k string) bool { return at[k] != nil && !at[k].IsNull() }
		if set("day_of_week") && ft.ValueString() != "WeeklyTelemetrySchedule" {
			diags.AddAttributeError(path.Root("telemetry_schedule").AtName("day_of_week"), "Field of Another Schedule", "day_of_week belongs to a WeeklyTelemetrySchedule.")
		}
		if set("day_of_month") && ft.ValueString() != "MonthlyTelemetrySchedule" {
			diags.AddAttributeError(path.Root("telemetry_schedule").AtName("day_of_month"), "Field of Another Schedule", "day_of_month belongs to a MonthlyTelemetrySchedule.")
		}
	},
}
