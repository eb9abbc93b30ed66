package framework

import (
	"errors"
	"fmt"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// hinter phrases, once for every manager, the advice for each kind of failure (session.Kind)
// in this provider's words: the block, its attributes and environment variables. The session
// layer and the manager packages report facts only; every error a session client returns
// carries this advice. extra, the spec's Hint, comes first where it has advice.
func hinter(info Info, s *Settings, extra func(error, *Settings) string) func(error) string {
	env := EnvLine
	// Where the addresses came from: the attribute set in the block, or the variable.
	address := info.AddressAttr() + " in the " + info.Block + " block" + env(info.EnvHost)
	if s != nil && s.AddressFrom != "" {
		address = s.AddressFrom + " in the " + info.Block + " block"
		if s.AddressFrom == info.EnvHost {
			address = "the " + info.EnvHost + " environment variable"
		}
	}
	return func(err error) string {
		if extra != nil {
			if h := extra(err, s); h != "" {
				return h
			}
		}
		switch session.KindOf(err) {
		case session.KindUntrustedCA:
			return fmt.Sprintf("set ca_file or ca_pem in the %s block%s to the CA that signed it (or insecure = true for a lab)", info.Block, env(info.EnvCACert))
		case session.KindHostnameMismatch:
			return fmt.Sprintf("use an address the certificate names in %s", address)
		case session.KindUnknownHost, session.KindNotAPI:
			return "check " + address
		case session.KindWrongProduct:
			return fmt.Sprintf("check %s: it must name %s's API (the password was not what failed)", address, info.Product)
		case session.KindRefused:
			return fmt.Sprintf("check the address and port in %s and that the manager's API service is running", address)
		case session.KindTimeout:
			return "raise request_timeout if the manager is this slow, or check the network between Terraform and the manager"
		case session.KindCutOff:
			return "run again; if it persists, check what sits between Terraform and the manager"
		case session.KindTooLarge:
			return "raise max_response_mib if the manager's answer is legitimately this large"
		case session.KindOverBudget:
			return "raise max_read_mib or max_read_items in the provider block if the manager legitimately holds this much"
		case session.KindLoginUnknown:
			return fmt.Sprintf("the provider does not send a password whose outcome it does not know again (a refusal counts towards the account's lockout); "+
				"check the network and the manager, then run again%s", cacheNote(err))
		case session.KindLoginRefused:
			if cached := cacheNote(err); cached != "" {
				return fmt.Sprintf("the refusal is kept in the session cache for session_cache_refusal_seconds, so that other runs do not lock the account: "+
					"correct the credentials in the %s block (other credentials are another cache entry), or delete the cache files in session_cache_dir (%s)",
					info.Block, EnvSessionCacheDir)
			}
			return fmt.Sprintf("check username and password in the %s block%s; the provider does not retry a refused login",
				info.Block, env(info.EnvUser, info.EnvPass))
		}
		return ""
	}
}

// cacheNote is what advice adds for a refusal kept in the session cache ("": refused now).
func cacheNote(err error) string {
	var le *session.LoginError
	if errors.As(err, &le) && !le.CachedAt.IsZero() {
		return "; the outcome is kept in the session cache for session_cache_refusal_seconds, so that other runs do not send the password either"
	}
	return ""
}

// EnvLine is " (or A / B)" for the environment variables that stand in for attributes.
func EnvLine(vars ...string) string {
	var set []string
	for _, v := range vars {
		if v != "" {
			set = append(set, v)
		}
	}
	switch len(set) {
	case 0:
		return ""
	case 1:
		return " (or " + set[0] + ")"
	}
	return " (or " + set[0] + " / " + set[1] + ")"
}
