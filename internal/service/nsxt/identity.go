package nsxt

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/framework"
	nsxtapi "github.com/netsession/terraform-provider-nsx/internal/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The nsxt block authenticates either as a user (session cookie and XSRF token per node) or
// as a principal identity (a client certificate in every TLS handshake: no session, no
// password, no lockout).

// Environment variables of the nsxt block beyond the shared ones: the names the vendor's
// provider reads, so that its users' pipelines carry over.
const (
	EnvClientCertFile = "NSXT_CLIENT_AUTH_CERT_FILE"
	EnvClientKeyFile  = "NSXT_CLIENT_AUTH_KEY_FILE"
)

// blockSettings are what the nsxt block adds to the shared settings (part of the pool key:
// the certificate's fingerprint, never its key).
type blockSettings struct {
	cert           bool
	fingerprint    string
	allowOverwrite bool
}

func extra(s *framework.Settings) blockSettings {
	if s == nil {
		return blockSettings{}
	}
	e, _ := s.Extra.(blockSettings)
	return e
}

// block adds the client certificate and allow_overwrite to the shared connection block.
func block(b schema.SingleNestedBlock) schema.SingleNestedBlock {
	pass := path.MatchRelative().AtParent().AtName("password")
	user := path.MatchRelative().AtParent().AtName("username")
	b.Attributes["client_cert_file"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Path of the PEM certificate of a principal identity, to authenticate by mutual TLS instead of a password: " +
			"no session, no password, no lockout, nothing to log out. Needs `client_key_file` or `client_key_pem`; conflicts with " +
			"`client_cert_pem`, `username` and `password`. Defaults to `" + EnvClientCertFile + "`.",
		Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("client_cert_pem"), user, pass)},
	}
	b.Attributes["client_cert_pem"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "PEM text of the principal identity's certificate, as an alternative to `client_cert_file`.",
		Validators:          []validator.String{stringvalidator.ConflictsWith(user, pass)},
	}
	b.Attributes["client_key_file"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Path of the PEM private key of the certificate. Read by the provider only, never logged or kept in state. " +
			"Conflicts with `client_key_pem`. Defaults to `" + EnvClientKeyFile + "`.",
		Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("client_key_pem"))},
	}
	b.Attributes["client_key_pem"] = schema.StringAttribute{
		Optional: true, Sensitive: true,
		MarkdownDescription: "PEM text of the certificate's private key, as an alternative to `client_key_file`. Never logged or kept in state.",
	}
	b.Attributes["allow_overwrite"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Send `X-Allow-Overwrite: true` with every write, so that this block's user may change objects a principal identity " +
			"created as protected. Default `false`: such a change is refused, and the error says the object is protected.",
	}
	return b
}

// resolveSettings resolves the shared block, with a client certificate in place of the
// username and password where one is set.
func resolveSettings(ctx context.Context, info framework.Info, cfg tfsdk.Config) (*framework.Settings, bool, diag.Diagnostics) {
	conn, unknown, diags := framework.ReadConnection(ctx, info, cfg, true)
	if conn == nil || diags.HasError() {
		return nil, unknown, diags
	}
	str := conn.String
	blk := path.Root(info.Block)
	cert, certAttr, certFrom, d := pemOf(blk, str("client_cert_file"), str("client_cert_pem"), "client_cert_file", "client_cert_pem", EnvClientCertFile)
	diags.Append(d...)
	key, keyAttr, keyFrom, d := pemOf(blk, str("client_key_file"), str("client_key_pem"), "client_key_file", "client_key_pem", EnvClientKeyFile)
	diags.Append(d...)
	useCert := certFrom != "" || keyFrom != ""
	switch {
	case certFrom != "" && keyFrom == "":
		diags.AddAttributeError(blk.AtName("client_key_file"), "Client Certificate Without Its Key",
			fmt.Sprintf("%s gives a client certificate but no key is set. Set client_key_file or client_key_pem in the nsxt block, or %s.", certFrom, EnvClientKeyFile))
	case keyFrom != "" && certFrom == "":
		diags.AddAttributeError(blk.AtName("client_cert_file"), "Client Key Without Its Certificate",
			fmt.Sprintf("%s gives a client key but no certificate is set. Set client_cert_file or client_cert_pem in the nsxt block, or %s.", keyFrom, EnvClientCertFile))
	}
	if useCert {
		// A certificate in the block overrides NSXT_USERNAME/NSXT_PASSWORD (the bootstrap
		// provider configuration may use them); a password in the block, or both kinds in
		// the environment, is ambiguous.
		switch {
		case !conn.Password.IsNull() || !conn.Username.IsNull():
			at := "password"
			if conn.Password.IsNull() {
				at = "username"
			}
			diags.AddAttributeError(blk.AtName(at), "Password and Client Certificate Together",
				fmt.Sprintf("The nsxt block sets %s and a client certificate (%s). A principal identity authenticates with its certificate alone: "+
					"remove username and password, or the certificate and key.", at, certFrom))
		case certFrom == EnvClientCertFile && os.Getenv(info.EnvPass) != "":
			diags.AddAttributeError(blk, "Password and Client Certificate Together",
				fmt.Sprintf("The environment sets both %s and %s. Set exactly one kind of credentials, or choose one in the nsxt block.", info.EnvPass, EnvClientCertFile))
		}
	}
	var pair tls.Certificate
	if useCert && !diags.HasError() {
		var err error
		if pair, err = tls.X509KeyPair(cert, key); err != nil {
			at := keyAttr
			if !strings.Contains(err.Error(), "private key") {
				at = certAttr
			}
			// crypto/tls names what is wrong, never the key's bytes.
			diags.AddAttributeError(blk.AtName(at), "Invalid Client Certificate or Key",
				fmt.Sprintf("The client certificate (%s) and key (%s) are not a usable pair: %v. Give the PEM certificate of the principal identity and its own private key.",
					certFrom, keyFrom, err))
		}
	}
	if diags.HasError() {
		return nil, false, diags
	}
	conn.NoPassword = useCert
	s, d := framework.Resolve(ctx, info, conn)
	diags.Append(d...)
	if s == nil {
		return nil, false, diags
	}
	e := blockSettings{}
	if conn.Bool("allow_overwrite").ValueBool() {
		e.allowOverwrite = true
		s.WriteHeader = http.Header{nsxtapi.AllowOverwriteHeader: {"true"}}
	}
	if useCert {
		sum := sha256.Sum256(pair.Certificate[0])
		e.cert, e.fingerprint = true, hex.EncodeToString(sum[:])
		s.TLS.Certificates = []tls.Certificate{pair}
		s.Secrets = append(s.Secrets, keySecrets(key)...)
	}
	s.Extra = e
	return s, false, diags
}

// pemOf reads a PEM value from its file attribute, its text attribute, or the file the
// environment names; from says where it came from ("": nowhere), attr the attribute to
// blame.
func pemOf(blk path.Path, file, text types.String, fileAttr, textAttr, env string) (b []byte, attr, from string, diags diag.Diagnostics) {
	switch {
	case !text.IsNull() && text.ValueString() != "":
		return []byte(text.ValueString()), textAttr, textAttr, nil
	case !file.IsNull() && file.ValueString() != "":
		from = fileAttr
	case text.IsNull() && file.IsNull() && os.Getenv(env) != "":
		from = env
	default:
		return nil, fileAttr, "", nil
	}
	name := file.ValueString()
	if from == env {
		name = os.Getenv(env)
	}
	b, err := os.ReadFile(name) //nolint:gosec // the file the user names in the block or its environment variable
	if err != nil {
		if pe, ok := errors.AsType[*os.PathError](err); ok {
			err = pe.Err
		}
		diags.AddAttributeError(blk.AtName(fileAttr), "Unreadable Client Certificate or Key File",
			fmt.Sprintf("Reading %s (from %s): %v.", name, from, err))
	}
	return b, fileAttr, from, diags
}

// keySecrets are the forms of a PEM key that masking covers: the text as given, and its
// Base64 body on one line and line by line.
func keySecrets(key []byte) []string {
	out := []string{strings.TrimSpace(string(key))}
	rest := key
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if !strings.Contains(blk.Type, "PRIVATE KEY") {
			continue
		}
		body := pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes})
		var lines []string
		for l := range strings.SplitSeq(string(body), "\n") {
			if l != "" && !strings.HasPrefix(l, "-----") {
				lines = append(lines, l)
			}
		}
		out = append(out, strings.Join(lines, ""))
		out = append(out, lines...)
	}
	return out
}

// certHint advises on the errors a principal identity or a protected object causes.
func certHint(err error, s *framework.Settings) string {
	switch {
	case errors.Is(err, nsxtapi.ErrCertificateRefused):
		return "check client_cert_file/client_cert_pem and client_key_file/client_key_pem in the nsxt block" +
			framework.EnvLine(EnvClientCertFile, EnvClientKeyFile) + "; the provider does not present a refused certificate again in this run"
	case errors.Is(err, nsxtapi.ErrProtected) && !extra(s).allowOverwrite:
		return "the object is protected: a principal identity created it. Change it through that principal identity, or set allow_overwrite = true " +
			"in the nsxt block to change it as this user (NSX's X-Allow-Overwrite)"
	}
	return ""
}

// lendable refuses to lend a certificate's "session": there is none, and the identity is in
// the TLS handshake, which headers cannot carry.
func lendable(s *framework.Settings) error {
	if extra(s).cert {
		return errors.New("this nsxt block authenticates with a client certificate: there is no session cookie or token to lend, " +
			"and the certificate is presented in each TLS handshake, which headers cannot carry. Give the other tool the certificate and key " +
			"itself, or lend a session from an nsxt block (another provider configuration) that logs in with username and password")
	}
	return nil
}

// auth is the block's Authenticator: the certificate, else the user's session login.
func auth(s *framework.Settings) session.Authenticator {
	if extra(s).cert {
		return nsxtapi.CertAuth{}
	}
	return &nsxtapi.Auth{Username: s.Username, Password: s.Password}
}
