package nsxt_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
)

// The login banner is written where NSX takes it: the policy path, or, where NSX refuses the
// method there, the node path, which then serves the rest of the process (one refused PUT,
// not one per write); where both refuse, an error that names both answers and the UI.
func TestLoginBannerWritePaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode, path string
		refused    int64
	}{
		{fakensxt.BannerWritePolicy, "/policy/api/v1/loginbanner", 0},
		{fakensxt.BannerWriteNode, "/api/v1/loginbanner", 1},
		{fakensxt.BannerWriteNone, "", 2},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			h, c := started(t, fakeharness.NSXTOptions{Nodes: 1, BannerWrite: tc.mode})
			for i, title := range []string{"first", "second"} {
				_, err := c.WriteSettings(context.Background(), nsxt.LoginBanner, "", time.Minute, func(*nsxt.Document) (nsxt.Changes, error) {
					return nsxt.Changes{"login_banner_title": title}, nil
				})
				var uw *nsxt.UnwritableError
				switch {
				case tc.path == "" && i == 0:
					if !errors.As(err, &uw) || !strings.Contains(err.Error(), "PUT /policy/api/v1/loginbanner: ") || !strings.Contains(err.Error(), "PUT /api/v1/loginbanner: ") ||
						!strings.Contains(err.Error(), "System > Settings > General Settings > User Interface") {
						t.Fatalf("want both answers and the UI, got %v", err)
					}
				case tc.path == "":
				case err != nil:
					t.Fatalf("write %d: %v", i, err)
				case c.WritePath(nsxt.LoginBanner) != tc.path:
					t.Fatalf("written at %s, want %s", c.WritePath(nsxt.LoginBanner), tc.path)
				}
			}
			if s := h.Stats(t); s["rejected_writes"] != tc.refused || (tc.path != "" && h.Fake.Object(fakensxt.BannerWritePath, 0)["login_banner_title"] != "second") {
				t.Fatalf("want %d refused writes and the banner written: %v %v", tc.refused, s, h.Fake.Object(fakensxt.BannerWritePath, 0))
			}
		})
	}
}
