package sdwan

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	sdwan "github.com/netsession/terraform-provider-nsx/internal/sdwan"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The sdwan block logs in one of three ways (auth): a session (form login, cookie and XSRF
// token, one of the manager's 100 session slots), a JWT (20.18.1 and later: no slot, renewed
// before it lapses), or a user's API key (20.18.1 and later: no login at all).

// Auth methods.
const (
	AuthSession = "session"
	AuthJWT     = "jwt"
	AuthAPIKey  = "api_key"
)

// EnvAPIKey is the environment variable of api_key.
const EnvAPIKey = "SDWAN_API_KEY" //nolint:gosec // the name of an environment variable

type blockSettings struct{ auth string }

func extra(s *framework.Settings) blockSettings {
	if s == nil {
		return blockSettings{auth: AuthSession}
	}
	e, _ := s.Extra.(blockSettings)
	if e.auth == "" {
		e.auth = AuthSession
	}
	return e
}

func block(b schema.SingleNestedBlock) schema.SingleNestedBlock {
	b.Attributes["auth"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "How to log in: `session` (default: form login, a session cookie and XSRF token, one of the manager's 100 concurrent " +
			"session slots, logged out at the end), `jwt` (SD-WAN Manager " + sdwan.JWTRelease + " and later: `POST /jwt/login`, a bearer token that " +
			"takes no session slot and is renewed before it lapses) or `api_key` (" + sdwan.JWTRelease + " and later: the user's API key on every call, " +
			"no login). Default `api_key` where only an API key is set.",
		Validators: []validator.String{stringvalidator.OneOf(AuthSession, AuthJWT, AuthAPIKey)},
	}
	b.Attributes["api_key"] = schema.StringAttribute{
		Optional: true, Sensitive: true,
		MarkdownDescription: "A user's API key, for `auth = \"api_key\"`. Defaults to `" + EnvAPIKey + "`. Never logged or kept in state.",
		Validators: []validator.String{stringvalidator.ConflictsWith(
			path.MatchRelative().AtParent().AtName("username"), path.MatchRelative().AtParent().AtName("password"))},
	}
	return b
}

// resolveSettings resolves the shared block, with an API key in place of the password
// where auth is api_key.
func resolveSettings(ctx context.Context, info framework.Info, cfg tfsdk.Config) (*framework.Settings, bool, diag.Diagnostics) {
	conn, unknown, diags := framework.ReadConnection(ctx, info, cfg, false)
	if conn == nil || diags.HasError() {
		return nil, unknown, diags
	}
	str := conn.String
	blk := path.Root(info.Block)
	key := framework.EnvOr(str("api_key"), EnvAPIKey)
	auth := str("auth").ValueString()
	if auth == "" {
		auth = AuthSession
		userSet := !conn.Username.IsNull() || !conn.Password.IsNull() || os.Getenv(info.EnvUser) != "" || os.Getenv(info.EnvPass) != ""
		if key != "" && !userSet {
			auth = AuthAPIKey
		}
	}
	switch {
	case auth == AuthAPIKey && key == "":
		diags.AddAttributeError(blk.AtName("api_key"), "Missing SD-WAN Manager API Key",
			fmt.Sprintf("auth = \"api_key\" needs api_key in the sdwan block or %s.", EnvAPIKey))
	case auth == AuthAPIKey && (!conn.Username.IsNull() || !conn.Password.IsNull()):
		diags.AddAttributeError(blk.AtName("username"), "API Key and Password Together",
			"auth = \"api_key\" logs in with the API key alone: remove username and password from the sdwan block.")
	case auth != AuthAPIKey && !str("api_key").IsNull():
		diags.AddAttributeError(blk.AtName("api_key"), "API Key Without auth = \"api_key\"",
			fmt.Sprintf("The sdwan block sets api_key but auth = %q, which logs in with username and password. Set auth = \"api_key\", or remove api_key.", auth))
	}
	if diags.HasError() {
		return nil, false, diags
	}
	conn.NoPassword = auth == AuthAPIKey
	s, d := framework.Resolve(ctx, info, conn)
	diags.Append(d...)
	if s == nil {
		return nil, false, diags
	}
	if auth == AuthAPIKey {
		s.Password = key // the secret, masked like a password; never sent as one
	}
	s.Extra = blockSettings{auth: auth}
	return s, false, diags
}

func auth(s *framework.Settings) session.Authenticator {
	switch extra(s).auth {
	case AuthJWT:
		return &sdwan.JWTAuth{Username: s.Username, Password: s.Password}
	case AuthAPIKey:
		return &sdwan.KeyAuth{Key: s.Password}
	}
	return &sdwan.Auth{Username: s.Username, Password: s.Password}
}

// idle is the session idle timeout; a JWT or a key does not idle out (a JWT lapses at its
// exp, which the session layer renews ahead of).
func idle(s *framework.Settings) time.Duration {
	if extra(s).auth != AuthSession {
		return 0
	}
	return sdwan.IdleTimeout
}

func hint(err error, s *framework.Settings) string {
	if session.KindOf(err) == session.KindLoginRefused && extra(s).auth == AuthAPIKey {
		return fmt.Sprintf("check api_key in the sdwan block%s; the provider does not retry a refused key", framework.EnvLine(EnvAPIKey))
	}
	return ""
}
