package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NewServer is the provider's protocol 6 server: the framework's, with the text of every
// diagnostic passed through the masking of every secret the pool's clients know, in every
// form (raw, form-encoded, JSON-escaped, Base64, the Basic pair). Errors quote what managers
// answered, and a manager may echo a password, a cookie or a token; this is the one place
// all of them pass on their way to the user.
func NewServer(version string, pool *session.Pool) func() (tfprotov6.ProviderServer, error) {
	return newServer(version, pool, defaultManagers)
}

func newServer(version string, pool *session.Pool, table []manager) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		slot := &configured{}
		s, err := providerserver.NewProtocol6WithError(&nsxProvider{version: version, pool: pool, table: table, configured: slot})()
		if err != nil {
			return nil, err
		}
		return &maskingServer{ProviderServer: s, pool: pool, configured: slot}, nil
	}
}

type maskingServer struct {
	tfprotov6.ProviderServer
	pool       *session.Pool
	configured *configured // see readDirect
}

func (s *maskingServer) mask(diags []*tfprotov6.Diagnostic) {
	for _, d := range diags {
		if d != nil {
			d.Summary = s.pool.Mask(d.Summary)
			d.Detail = tidy(s.pool.Mask(d.Detail))
		}
	}
}

// doubledPeriod is where a manager's sentence, ending in a period, meets ours.
var doubledPeriod = regexp.MustCompile(`([^.])\.\.(\s|$)`)

// tidy removes the doubled periods that joining a manager's message and ours leaves; an
// ellipsis stays.
func tidy(s string) string { return doubledPeriod.ReplaceAllString(s, "$1.$2") }

func (s *maskingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	start := time.Now()
	resp, direct := s.readDirect(ctx, req)
	var err error
	if !direct {
		resp, err = s.ProviderServer.ReadDataSource(ctx, req)
	}
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	// The whole read as Terraform waits for it, the state's encoding included (`make bench`
	// reads it: the provider's time after a listing's last page is this less the listing).
	fields := map[string]any{"data_source": req.TypeName, "duration_ms": float64(time.Since(start).Microseconds()) / 1000, "direct": direct}
	if resp != nil && resp.State != nil {
		fields["state_bytes"] = len(resp.State.MsgPack)
	}
	tflog.Debug(ctx, "data source read answered", fields)
	return resp, err
}

func (s *maskingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.RenewEphemeralResource(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}

func (s *maskingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.CloseEphemeralResource(ctx, req)
	if resp != nil {
		s.mask(resp.Diagnostics)
	}
	return resp, err
}
