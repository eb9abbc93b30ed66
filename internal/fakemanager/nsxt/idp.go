package nsxt

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// The identity provider the NSX 4.x STIG requires (NMGR-4X-000015): VMware Identity Manager
// (vIDM), NodeAuthProviderVidmProperties at /api/v1/node/aaa/providers/vidm (GET, PUT; the
// SDK's model, nsxt-mp v0.6.0). The client secret is kept and never answered. Whether NSX
// keeps it per node or for the cluster is UNCONFIRMED (the path is a node path; the UI sets it
// once): the fake plays both (Options.VidmForCluster). nsx_vidm writes every node, which is
// right under either reading: a new client secret goes to each node, a changed field only to
// the nodes that do not hold it yet (TestVidmUnderEitherReading).

// VidmPath is the vIDM provider's path.
const VidmPath = "/api/v1/node/aaa/providers/vidm"

// UpgradeNodesPath lists the nodes the upgrade coordinator knows, with their versions
// (NodeInfoListResult), which the NSX 4.x STIG's release check reads (NMGR-4X-000096).
const UpgradeNodesPath = "/api/v1/upgrade/nodes"

var thumbprintPattern = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)

func vidmDef(perNode bool) *objectDef {
	return &objectDef{
		path: VidmPath, schema: "NodeAuthProviderVidmProperties", perNode: perNode, bare: true,
		fields: map[string]rule{
			"vidm_enable":    boolRule(),
			"lb_enable":      boolRule(),
			"host_name":      {kind: "string", maxLen: 255},
			"node_host_name": {kind: "string", maxLen: 255},
			"client_id":      stringRule(255),
			"client_secret":  stringRule(255),
			"thumbprint":     {kind: "string", maxLen: 64},
		},
		secrets: []string{"client_secret"},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{"vidm_enable": false, "lb_enable": false, "host_name": "", "node_host_name": "", "client_id": "", "thumbprint": ""}
		},
		check: func(_ *Fake, _ int, next map[string]any) error {
			if next["vidm_enable"] != true {
				return nil
			}
			for _, k := range []string{"host_name", "node_host_name", "client_id", "client_secret", "thumbprint"} {
				if s, _ := next[k].(string); s == "" {
					return badRequest("Field %s is required to enable vIDM.", k)
				}
			}
			if !thumbprintPattern.MatchString(next["thumbprint"].(string)) { //nolint:forcetypeassert // checked above
				return badRequest("Field thumbprint must be the SHA-256 hash of the vIDM server's certificate, in hexadecimal.")
			}
			return nil
		},
	}
}

// upgradeNodes answers NodeInfoListResult: the manager nodes, with the release they run.
func (f *Fake) upgradeNodes(w http.ResponseWriter, _ *http.Request) {
	var results []map[string]any
	for i := range f.sessions {
		results = append(results, map[string]any{"id": fmt.Sprintf("4230%04x-74fc-4ec4-bee2-2cb0d59bb%03d", i, i), "display_name": fmt.Sprintf("nsx-manager-%d", i+1),
			"type": "MP", "component_version": f.version()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "result_count": len(results), "sort_by": "display_name", "sort_ascending": true})
}

// OIDCPath lists and creates the OpenID Connect providers (OidcEndPoint); GET and PUT of one
// at OIDCPath/{id}. The SDK's model (nsxt-mp v0.6.0) has no delete. The client secret is kept
// and never answered.
const OIDCPath = "/api/v1/trust-management/oidc-uris"

func (f *Fake) oidcRules() map[string]rule {
	return map[string]rule{
		"oidc_uri": {kind: "string", maxLen: 2048, pattern: regexp.MustCompile(`^https://`), required: true}, "thumbprint": {kind: "string", pattern: thumbprintPattern, required: true},
		"oidc_type": enumRule("vcenter", "ws_one", "csp").or("vcenter"), "client_id": stringRule(255), "client_secret": stringRule(255),
		"display_name": stringRule(255), "description": stringRule(1024), "restrict_scim_search": boolRule(),
		"serviced_domains": stringsRule(stringRule(255)), "override_roles": stringsRule(stringRule(255)), "scim_endpoints": stringsRule(stringRule(2048)),
		"claims_supported": stringsRule(stringRule(255)), "end_session_endpoint_uri": stringRule(2048),
	}
}

var oidcReadOnly = map[string]bool{"id": true, "resource_type": true, "issuer": true, "authorization_endpoint": true, "token_endpoint": true, "jwks_uri": true, "userinfo_endpoint": true}

// oidcAnswer is an OIDC provider as NSX answers it: what was written, its discovery's
// endpoints, never the secret.
func (f *Fake) oidcAnswer(id string) map[string]any {
	out := copyMap(f.oidc[id])
	delete(out, "client_secret")
	base := strings.TrimSuffix(fmt.Sprint(out["oidc_uri"]), "/.well-known/openid-configuration")
	out["id"], out["resource_type"], out["issuer"] = id, "OidcEndPoint", base
	out["authorization_endpoint"], out["token_endpoint"], out["jwks_uri"] = base+"/authorize", base+"/token", base+"/jwks"
	return out
}

func (f *Fake) serveOIDC(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && id == "":
		results := []any{}
		for _, k := range slices.Sorted(maps.Keys(f.oidc)) {
			results = append(results, f.oidcAnswer(k))
		}
		writeJSON(w, http.StatusOK, map[string]any{"results": results, "result_count": len(results)})
	case r.Method == http.MethodGet:
		if f.oidc[id] == nil {
			apiError(w, http.StatusNotFound, errCodeNotFound, "OIDC end-point "+id+" not found.")
			return
		}
		writeJSON(w, http.StatusOK, f.oidcAnswer(id))
	case (r.Method == http.MethodPost && id == "") || (r.Method == http.MethodPut && id != ""):
		if r.Method == http.MethodPost && r.URL.Query().Get("action") != "" {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Unknown action "+r.URL.Query().Get("action")+".")
			return
		}
		in, ok := decodeObject(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodPut && f.oidc[id] == nil {
			apiError(w, http.StatusNotFound, errCodeNotFound, "OIDC end-point "+id+" not found.")
			return
		}
		var rev int64
		if r.Method == http.MethodPut {
			rev, _ = f.oidc[id]["_revision"].(int64)
			if got, ok := revisionOf(in["_revision"]); !ok || got != rev {
				f.staleRevision(w)
				return
			}
			rev++
		}
		next, err := f.checked(f.oidcRules(), oidcReadOnly, in, map[string]any{}, f.oidc[id], "")
		if err == nil {
			err = keepSecrets(next, f.oidc[id], []string{"client_secret"}, nil)
		}
		if err != nil {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, err.Error())
			return
		}
		if id == "" {
			id = uuid.NewString()
		}
		next["_revision"] = rev
		f.oidc[id] = next
		f.stats.Add("oidc_writes", 1)
		status := http.StatusOK
		if r.Method == http.MethodPost {
			status = http.StatusCreated
		}
		writeJSON(w, status, f.oidcAnswer(id))
	default:
		apiError(w, http.StatusMethodNotAllowed, errCodeBadRequest, r.Method+" is not allowed at "+r.URL.Path+".")
	}
}
