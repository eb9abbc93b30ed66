package provider

import (
	"errors"
	"fmt"

	"github.com/netsession/terraform-provider-nsx/internal/nsxv"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// hinter phrases, once for every manager, the advice for each kind of failure (session.Kind)
// in this provider's words: the block, its attributes and environment variables. The session
// layer and the manager packages report facts only; every error a session client returns
// carries this advice.
func hinter(info managerInfo, s *managerSettings) func(error) string {
	env := func(vars ...string) string {
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
	return func(err error) string {
		switch session.KindOf(err) {
		case session.KindUntrustedCA:
			return fmt.Sprintf("set ca_file or ca_pem in the %s block%s to the CA that signed it (or insecure = true for a lab)", info.block, env(info.envCA))
		case session.KindHostnameMismatch:
			return fmt.Sprintf("use an address the certificate names in the %s block", info.block)
		case session.KindUnknownHost, session.KindNotAPI:
			return fmt.Sprintf("check the address in the %s block%s", info.block, env(info.envHost))
		case session.KindRefused:
			return fmt.Sprintf("check the address and port in the %s block and that the manager's API service is running", info.block)
		case session.KindTimeout:
			return "raise request_timeout if the manager is this slow, or check the network between Terraform and the manager"
		case session.KindCutOff:
			return "run again; if it persists, check what sits between Terraform and the manager"
		case session.KindTooLarge:
			return "raise max_response_mib if the manager's answer is legitimately this large"
		case session.KindLoginRefused:
			var le *session.LoginError
			if errors.As(err, &le) && !le.CachedAt.IsZero() {
				return fmt.Sprintf("the refusal is kept in the session cache for session_cache_refusal_seconds, so that other runs do not lock the account: "+
					"correct the credentials in the %s block (other credentials are another cache entry), or delete the cache files in session_cache_dir (%s)",
					info.block, envSessionCacheDir)
			}
			switch {
			case errors.Is(err, nsxv.ErrNoRole):
				return "assign it a role (for a CLI user, with the nsxv_cli_user_role resource) using an account that has one, such as admin"
			case s != nil && s.apiKey:
				return fmt.Sprintf("check api_key_username and api_key_secret in the %s block%s; the provider does not retry a refused login",
					info.block, env(envIllumioKeyUser, envIllumioKeySecret))
			}
			return fmt.Sprintf("check username and password in the %s block%s; the provider does not retry a refused login",
				info.block, env(info.envUser, info.envPass))
		}
		return ""
	}
}
