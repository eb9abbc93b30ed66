package nsxt_test

import (
	"context"
	"errors"
	"testing"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	"github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

func client(t *testing.T, h *fakeharness.NSXT) *nsxt.Client {
	t.Helper()
	return nsxt.NewClient(fakeharness.Session(t, h.Control, session.Config{
		Block: "nsxt", MaxRetries: 2, Auth: &nsxt.Auth{Username: h.Username, Password: h.Password},
	}))
}

// started is a fake NSX started for t with o, and a client of it.
func started(t *testing.T, o fakeharness.NSXTOptions) (*fakeharness.NSXT, *nsxt.Client) {
	t.Helper()
	h := fakeharness.StartNSXT(t, o)
	return h, client(t, h)
}

// Reading 2,500 segments costs one login and three requests of 1,000.
func TestListSegmentsRequests(t *testing.T) {
	t.Parallel()
	h, c := started(t, fakeharness.NSXTOptions{Nodes: 1, Segments: 2500})
	segs, pages, err := c.ListSegments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 2500 || pages != 3 {
		t.Fatalf("want 2500 segments in 3 pages, got %d in %d", len(segs), pages)
	}
	if s := h.Stats(t); s["requests"] != 4 || s["logins"] != 1 {
		t.Fatalf("want 4 requests (1 login + 3 pages), fake says %v", s)
	}
}

// A second refusal after renewing the session is reported with NSX's own words.
func TestSecondRefusalQuotesNSX(t *testing.T) {
	t.Parallel()
	h, c := started(t, fakeharness.NSXTOptions{Nodes: 1})
	ctx := context.Background()
	// The first read logs in and meets the refusal: a version read well would be kept.
	body := `{"module_name":"common-services","error_message":"The credentials were incorrect or the account specified has been locked.","error_code":403}`
	h.Faults(t, fakemanager.Faults{Answers: []fakemanager.Fault{{Status: 403, Count: 2, PathPrefix: "/api/v1/node", Body: body}}})
	_, err := c.NodeVersion(ctx)
	var apiErr *nsxt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 403 || !apiErr.Renewed || apiErr.Message == "" {
		t.Fatalf("want NSX's error after one renewal, got %v", err)
	}
	if s := h.Stats(t); s["logins"] != 2 {
		t.Fatalf("want exactly one renewal, fake says %v", s)
	}
}
