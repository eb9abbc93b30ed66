package provider

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// NewServer is the provider's protocol 6 server: the framework's, wrapped so that the text of
// every diagnostic of every RPC passes through the masking of every secret the pool's
// clients know (raw, form-encoded, JSON-escaped, Base64, the Basic pair) and loses its
// control characters; so that large data sources are read directly (direct.go); and so that
// a fraction given to a whole-number attribute is an attribute error (numbers.go). Errors
// quote what managers answered, and a manager may echo a password, a cookie or a token, or
// print escape sequences: this is the one place all of them pass on their way to the user.
func NewServer(version string, pool *session.Pool) func() (tfprotov6.ProviderServer, error) {
	return NewServerWithManagers(version, pool, DefaultManagers)
}

// NewServerWithManagers is NewServer serving the managers of table (a test adds one).
func NewServerWithManagers(version string, pool *session.Pool, table []framework.Manager) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &nsxProvider{version: version, pool: pool, table: table, configured: &configured{}}
		inner, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return &maskingServer{inner: inner, pool: pool, provider: p}, nil
	}
}

// maskingServer holds the framework's server; it implements every RPC itself (nothing is
// promoted from the framework's server unmasked), the optional ones the framework serves
// included (TestServerForwardsEveryRPC holds it to that, by reflection).
type maskingServer struct {
	inner    tfprotov6.ProviderServer
	pool     *session.Pool
	provider *nsxProvider

	typesOnce sync.Once
	types     *typeIndex

	// configuring is held for writing by ConfigureProvider and for reading by every other
	// RPC: the framework's server stores what ConfigureProvider gives it without a lock, and
	// a server shared by several provider configurations (terraform-plugin-testing's
	// in-process server, where aliases share one) could otherwise read it mid-write.
	configuring sync.RWMutex
}

var (
	_ tfprotov6.ProviderServer = (*maskingServer)(nil)
	// Deprecated only in that they will merge into ProviderServer: the framework's server
	// implements them today, and so must the wrapper (TestServerForwardsEveryRPC).
	_ tfprotov6.ProviderServerWithListResource = (*maskingServer)(nil) //nolint:staticcheck // see above
	_ tfprotov6.ProviderServerWithActions      = (*maskingServer)(nil) //nolint:staticcheck // see above
	_ tfprotov6.ProviderServerWithStateStores  = (*maskingServer)(nil) //nolint:staticcheck // see above
)

// maxDetail bounds the detail of one diagnostic; manager text in it is bounded already.
const maxDetail = 16 << 10

func (s *maskingServer) mask(diags []*tfprotov6.Diagnostic) {
	for _, d := range diags {
		if d != nil {
			d.Summary = session.Truncate(session.Clean(s.pool.Mask(d.Summary)), 256)
			d.Detail = session.Truncate(tidy(session.Clean(s.pool.Mask(d.Detail))), maxDetail)
		}
	}
}

var diagnosticsType = reflect.TypeFor[[]*tfprotov6.Diagnostic]()

// maskResponse masks the diagnostics of a response: its Diagnostics field, and those of
// the structs it holds, wherever they are.
func (s *maskingServer) maskResponse(resp any) {
	s.maskValue(reflect.ValueOf(resp), 0)
}

func (s *maskingServer) maskValue(v reflect.Value, depth int) {
	if depth > 6 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.maskValue(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for _, f := range v.Fields() {
			if !f.CanInterface() {
				continue
			}
			if f.Type() == diagnosticsType {
				s.mask(f.Interface().([]*tfprotov6.Diagnostic)) //nolint:forcetypeassert // the type was checked
				continue
			}
			s.maskValue(f, depth+1)
		}
	case reflect.Slice:
		for i := 0; i < v.Len() && i < 10_000; i++ {
			s.maskValue(v.Index(i), depth+1)
		}
	}
}

// doubledPeriod is where a manager's sentence, ending in a period, meets ours.
var doubledPeriod = regexp.MustCompile(`([^.])\.\.(\s|$)`)

// tidy removes the doubled periods that joining a manager's message and ours leaves; an
// ellipsis stays.
func tidy(s string) string { return doubledPeriod.ReplaceAllString(s, "$1.$2") }

// call is one RPC through the framework's server, its answer masked. A panic in it is one
// error diagnostic on that operation (see bugAnswer), and the plugin goes on serving.
func call[Req, Resp any](s *maskingServer, ctx context.Context, req *Req, rpc func(context.Context, *Req) (*Resp, error)) (*Resp, error) {
	s.configuring.RLock()
	defer s.configuring.RUnlock()
	return invoke(s, ctx, rpcName(rpc), req, rpc)
}

// invoke is call without the configuring lock, for the RPC name.
func invoke[Req, Resp any](s *maskingServer, ctx context.Context, name string, req *Req, rpc func(context.Context, *Req) (*Resp, error)) (resp *Resp, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = bugAnswer[Req, Resp](ctx, name, req, p, debug.Stack()), nil
		}
		if resp != nil {
			s.maskResponse(resp)
		}
	}()
	return rpc(ctx, req)
}

// rpcName is the name of the framework's method rpc ("ReadResource").
func rpcName(rpc any) string {
	name := runtime.FuncForPC(reflect.ValueOf(rpc).Pointer()).Name()
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndex(name, ".")+1:]
}

// bugAnswer is the answer to an RPC that panicked: its Diagnostics one error that says the
// provider has a bug, in which operation of which type, and the state it was given left as
// it was (an apply or a read changes nothing it cannot account for). The stack goes to the
// log.
func bugAnswer[Req, Resp any](ctx context.Context, rpc string, req *Req, p any, stack []byte) *Resp {
	resp := new(Resp)
	rq, rs := reflect.ValueOf(req).Elem(), reflect.ValueOf(resp).Elem()
	what := rpc
	if tn := rq.FieldByName("TypeName"); tn.IsValid() && tn.Kind() == reflect.String && tn.String() != "" {
		what = rpc + " of " + tn.String()
	}
	tflog.Error(ctx, "the provider panicked", map[string]any{"rpc": rpc, "panic": fmt.Sprint(p), "stack": string(stack)})
	for from, to := range map[string]string{"PriorState": "NewState", "CurrentState": "NewState", "PlannedPrivate": "Private", "Private": "Private"} {
		src, dst := rq.FieldByName(from), rs.FieldByName(to)
		if src.IsValid() && dst.IsValid() && src.Type() == dst.Type() && dst.IsZero() {
			dst.Set(src)
		}
	}
	if d := rs.FieldByName("Diagnostics"); d.IsValid() && d.Type() == diagnosticsType {
		d.Set(reflect.ValueOf([]*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Provider Bug",
			Detail: fmt.Sprintf("The provider has a bug: %s stopped with a panic (%v). Nothing more was done in this operation, "+
				"and the plugin goes on serving the others. Please report this message, with the TRACE log if you can (TF_LOG=TRACE), "+
				"where the stack is.", what, session.Truncate(fmt.Sprint(p), 512)),
		}}))
	}
	return resp
}

// maskedSeq masks the diagnostics of every item a stream yields.
func maskedSeq[T any](s *maskingServer, seq iter.Seq[T]) iter.Seq[T] {
	if seq == nil {
		return nil
	}
	return func(yield func(T) bool) {
		defer func() {
			// A stream has no answer of its own to carry the error: said in the log, and
			// the stream ends.
			if p := recover(); p != nil {
				tflog.Error(context.Background(), "the provider panicked in a stream", map[string]any{"panic": fmt.Sprint(p), "stack": string(debug.Stack())})
			}
		}()
		for item := range seq {
			s.maskResponse(&item)
			if !yield(item) {
				return
			}
		}
	}
}

func (s *maskingServer) GetMetadata(ctx context.Context, r *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return call(s, ctx, r, s.inner.GetMetadata)
}

func (s *maskingServer) GetProviderSchema(ctx context.Context, r *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return call(s, ctx, r, s.inner.GetProviderSchema)
}

func (s *maskingServer) GetResourceIdentitySchemas(ctx context.Context, r *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return call(s, ctx, r, s.inner.GetResourceIdentitySchemas)
}

func (s *maskingServer) ValidateProviderConfig(ctx context.Context, r *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	if diags := s.wholeNumbers(ctx, kindProvider, "", r.Config); len(diags) > 0 {
		return &tfprotov6.ValidateProviderConfigResponse{Diagnostics: diags}, nil
	}
	return call(s, ctx, r, s.inner.ValidateProviderConfig)
}

func (s *maskingServer) ConfigureProvider(ctx context.Context, r *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.configuring.Lock()
	defer s.configuring.Unlock()
	return invoke(s, ctx, "ConfigureProvider", r, s.inner.ConfigureProvider)
}

func (s *maskingServer) StopProvider(ctx context.Context, r *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return call(s, ctx, r, s.inner.StopProvider)
}

func (s *maskingServer) ValidateResourceConfig(ctx context.Context, r *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if diags := s.wholeNumbers(ctx, kindResource, r.TypeName, r.Config); len(diags) > 0 {
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: diags}, nil
	}
	return call(s, ctx, r, s.inner.ValidateResourceConfig)
}

func (s *maskingServer) UpgradeResourceState(ctx context.Context, r *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(s, ctx, r, s.inner.UpgradeResourceState)
}

func (s *maskingServer) ReadResource(ctx context.Context, r *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(s, ctx, r, s.inner.ReadResource)
}

func (s *maskingServer) PlanResourceChange(ctx context.Context, r *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(s, ctx, r, s.inner.PlanResourceChange)
}

func (s *maskingServer) ApplyResourceChange(ctx context.Context, r *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(s, ctx, r, s.inner.ApplyResourceChange)
}

func (s *maskingServer) ImportResourceState(ctx context.Context, r *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(s, ctx, r, s.inner.ImportResourceState)
}

func (s *maskingServer) MoveResourceState(ctx context.Context, r *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(s, ctx, r, s.inner.MoveResourceState)
}

func (s *maskingServer) UpgradeResourceIdentity(ctx context.Context, r *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(s, ctx, r, s.inner.UpgradeResourceIdentity)
}

func (s *maskingServer) GenerateResourceConfig(ctx context.Context, r *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(s, ctx, r, s.inner.GenerateResourceConfig)
}

func (s *maskingServer) ValidateDataResourceConfig(ctx context.Context, r *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	if diags := s.wholeNumbers(ctx, kindDataSource, r.TypeName, r.Config); len(diags) > 0 {
		return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: diags}, nil
	}
	return call(s, ctx, r, s.inner.ValidateDataResourceConfig)
}

func (s *maskingServer) ReadDataSource(ctx context.Context, r *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	start := time.Now()
	direct := false
	s.configuring.RLock()
	defer s.configuring.RUnlock()
	resp, err := invoke(s, ctx, "ReadDataSource", r, func(ctx context.Context, r *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
		resp, ok := s.readDirect(ctx, r)
		if direct = ok; ok {
			return resp, nil
		}
		return s.inner.ReadDataSource(ctx, r)
	})
	// The whole read as Terraform waits for it, the state's encoding included (`make bench`
	// reads it: the provider's time after a listing's last page is this less the listing).
	fields := map[string]any{"data_source": r.TypeName, "duration_ms": float64(time.Since(start).Microseconds()) / 1000, "direct": direct}
	if resp != nil && resp.State != nil {
		fields["state_bytes"] = len(resp.State.MsgPack)
	}
	tflog.Debug(ctx, "data source read answered", fields)
	return resp, err
}

func (s *maskingServer) CallFunction(ctx context.Context, r *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return call(s, ctx, r, s.inner.CallFunction)
}

func (s *maskingServer) GetFunctions(ctx context.Context, r *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return call(s, ctx, r, s.inner.GetFunctions)
}

func (s *maskingServer) ValidateEphemeralResourceConfig(ctx context.Context, r *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	if diags := s.wholeNumbers(ctx, kindEphemeral, r.TypeName, r.Config); len(diags) > 0 {
		return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: diags}, nil
	}
	return call(s, ctx, r, s.inner.ValidateEphemeralResourceConfig)
}

func (s *maskingServer) OpenEphemeralResource(ctx context.Context, r *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return call(s, ctx, r, s.inner.OpenEphemeralResource)
}

func (s *maskingServer) RenewEphemeralResource(ctx context.Context, r *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return call(s, ctx, r, s.inner.RenewEphemeralResource)
}

func (s *maskingServer) CloseEphemeralResource(ctx context.Context, r *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return call(s, ctx, r, s.inner.CloseEphemeralResource)
}

// The RPCs the framework serves beyond ProviderServer (list resources, actions, state
// stores) go to its server where it implements them; a framework that stops serving one
// answers it with an error diagnostic.

func (s *maskingServer) ValidateListResourceConfig(ctx context.Context, r *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	srv, ok := s.inner.(tfprotov6.ListResourceServer)
	if !ok {
		return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: unserved("ValidateListResourceConfig")}, nil
	}
	return call(s, ctx, r, srv.ValidateListResourceConfig)
}

func (s *maskingServer) ListResource(ctx context.Context, r *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	srv, ok := s.inner.(tfprotov6.ListResourceServer)
	if !ok {
		return &tfprotov6.ListResourceServerStream{Results: func(yield func(tfprotov6.ListResourceResult) bool) {
			yield(tfprotov6.ListResourceResult{Diagnostics: unserved("ListResource")})
		}}, nil
	}
	stream, err := srv.ListResource(ctx, r)
	if stream != nil {
		stream.Results = maskedSeq(s, stream.Results)
	}
	return stream, err
}

func (s *maskingServer) ValidateActionConfig(ctx context.Context, r *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	srv, ok := s.inner.(tfprotov6.ActionServer)
	if !ok {
		return &tfprotov6.ValidateActionConfigResponse{Diagnostics: unserved("ValidateActionConfig")}, nil
	}
	return call(s, ctx, r, srv.ValidateActionConfig)
}

func (s *maskingServer) PlanAction(ctx context.Context, r *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	srv, ok := s.inner.(tfprotov6.ActionServer)
	if !ok {
		return &tfprotov6.PlanActionResponse{Diagnostics: unserved("PlanAction")}, nil
	}
	return call(s, ctx, r, srv.PlanAction)
}

func (s *maskingServer) InvokeAction(ctx context.Context, r *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	srv, ok := s.inner.(tfprotov6.ActionServer)
	if !ok {
		return &tfprotov6.InvokeActionServerStream{Events: func(yield func(tfprotov6.InvokeActionEvent) bool) {
			yield(tfprotov6.InvokeActionEvent{Type: tfprotov6.CompletedInvokeActionEventType{Diagnostics: unserved("InvokeAction")}})
		}}, nil
	}
	stream, err := srv.InvokeAction(ctx, r)
	if stream != nil {
		stream.Events = maskedSeq(s, stream.Events)
	}
	return stream, err
}

func (s *maskingServer) ValidateStateStoreConfig(ctx context.Context, r *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.ValidateStateStoreConfigResponse{Diagnostics: unserved("ValidateStateStoreConfig")}, nil
	}
	return call(s, ctx, r, srv.ValidateStateStoreConfig)
}

func (s *maskingServer) ConfigureStateStore(ctx context.Context, r *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.ConfigureStateStoreResponse{Diagnostics: unserved("ConfigureStateStore")}, nil
	}
	return call(s, ctx, r, srv.ConfigureStateStore)
}

func (s *maskingServer) ReadStateBytes(ctx context.Context, r *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.ReadStateBytesStream{Chunks: func(yield func(tfprotov6.ReadStateByteChunk) bool) {
			yield(tfprotov6.ReadStateByteChunk{Diagnostics: unserved("ReadStateBytes")})
		}}, nil
	}
	stream, err := srv.ReadStateBytes(ctx, r)
	if stream != nil {
		stream.Chunks = maskedSeq(s, stream.Chunks)
	}
	return stream, err
}

func (s *maskingServer) WriteStateBytes(ctx context.Context, r *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.WriteStateBytesResponse{Diagnostics: unserved("WriteStateBytes")}, nil
	}
	return call(s, ctx, r, srv.WriteStateBytes)
}

func (s *maskingServer) GetStates(ctx context.Context, r *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.GetStatesResponse{Diagnostics: unserved("GetStates")}, nil
	}
	return call(s, ctx, r, srv.GetStates)
}

func (s *maskingServer) DeleteState(ctx context.Context, r *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.DeleteStateResponse{Diagnostics: unserved("DeleteState")}, nil
	}
	return call(s, ctx, r, srv.DeleteState)
}

func (s *maskingServer) LockState(ctx context.Context, r *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.LockStateResponse{Diagnostics: unserved("LockState")}, nil
	}
	return call(s, ctx, r, srv.LockState)
}

func (s *maskingServer) UnlockState(ctx context.Context, r *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	srv, ok := s.inner.(tfprotov6.StateStoreServer)
	if !ok {
		return &tfprotov6.UnlockStateResponse{Diagnostics: unserved("UnlockState")}, nil
	}
	return call(s, ctx, r, srv.UnlockState)
}

// unserved is the answer to an RPC the framework's server no longer serves.
func unserved(rpc string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "RPC Not Served",
		Detail: "This provider's framework does not serve " + rpc + ". This is a bug in the provider; please report it."}}
}
