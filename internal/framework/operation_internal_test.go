package framework

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An operation whose deadline ended it says which timeout ran out, in the error that said only
// "context deadline exceeded", on the attribute it was on, and how to give more time; on the
// bubble's clock the deadline is exactly the limit.
func TestStartOperationSaysWhichTimeoutRanOut(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var diags diag.Diagnostics
		start := time.Now()
		ctx, done := StartOperation(context.Background(), "nsx_segments", "read", 90*time.Second, &diags)
		<-ctx.Done()
		if took := time.Since(start); took != 90*time.Second {
			t.Fatalf("the deadline came after %v, want 90s", took)
		}
		diags.AddAttributeError(path.Root("name"), "Reading Failed", "GET /x: "+context.DeadlineExceeded.Error())
		diags.AddWarning("Kept", "a warning stays as it is")
		done()
		if len(diags) != 2 {
			t.Fatalf("want the error and the warning, got %v", diags)
		}
		d := diags.Errors()[0]
		if !strings.Contains(d.Detail(), "the nsx_segments's read timeout of 1m30s ran out") || !strings.Contains(d.Detail(), `timeouts = { read = "…" }`) ||
			strings.Contains(d.Detail(), context.DeadlineExceeded.Error()) {
			t.Fatalf("detail %q", d.Detail())
		}
		if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("name")) {
			t.Fatalf("the error lost its attribute: %v", d)
		}
	})
}

// An error that does not say the deadline, under an operation the deadline ended, gets one
// more error that says so; an operation that ended in time is left as it is.
func TestStartOperationAddsTheTimeoutWhereNoErrorSaysIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var diags diag.Diagnostics
		ctx, done := StartOperation(context.Background(), "nsx_ntp", "update", 2*time.Hour, &diags)
		<-ctx.Done()
		diags.AddError("Writing Failed", "the manager went away")
		done()
		if len(diags) != 2 || diags[1].Summary() != "Timeout Ran Out" || !strings.Contains(diags[1].Detail(), "The nsx_ntp's update timeout of 2h ran out") {
			t.Fatalf("want the timeout said once more, got %v", diags)
		}
	})
	var diags diag.Diagnostics
	_, done := StartOperation(context.Background(), "nsx_ntp", "read", time.Hour, &diags)
	diags.AddError("Reading Failed", "refused: "+context.DeadlineExceeded.Error())
	done()
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), context.DeadlineExceeded.Error()) {
		t.Fatalf("an operation its deadline did not end was reworded: %v", diags)
	}
}

func TestShortDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{15 * time.Minute: "15m", time.Hour: "1h", 90 * time.Second: "1m30s", 5 * time.Second: "5s",
		2*time.Hour + 30*time.Minute: "2h30m"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// A timeout of zero or below is refused on its attribute; a positive one, a null and an
// unknown pass (a malformed one is the timeouts type's to refuse).
func TestTimeoutsAboveZero(t *testing.T) {
	t.Parallel()
	for v, refused := range map[types.String]bool{
		types.StringValue("0s"): true, types.StringValue("-5m"): true, types.StringValue("30s"): false,
		types.StringNull(): false, types.StringUnknown(): false,
	} {
		var resp validator.StringResponse
		positiveDuration{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("timeouts").AtName("read"), ConfigValue: v}, &resp)
		if resp.Diagnostics.HasError() != refused {
			t.Errorf("%v: refused %v, want %v (%v)", v, resp.Diagnostics.HasError(), refused, resp.Diagnostics)
		}
	}
}
