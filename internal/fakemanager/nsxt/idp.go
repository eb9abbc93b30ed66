package nsxt

import (
	"fmt"
	"net/http"
	"regexp"
)

// The identity provider the NSX 4.x STIG requires (NMGR-4X-000015): VMware Identity Manager
// (vIDM), NodeAuthProviderVidmProperties at /api/v1/node/aaa/providers/vidm (GET, PUT; the
// SDK's model, nsxt-mp v0.6.0). The client secret is kept and never answered. Whether NSX
// keeps it per node or for the cluster is UNCONFIRMED (the path is a node path; the UI sets it
// once): the fake keeps it per node, the reading under which the provider must write every
// node, and which costs two more writes where NSX keeps one.

// VidmPath is the vIDM provider's path.
const VidmPath = "/api/v1/node/aaa/providers/vidm"

// UpgradeNodesPath lists the nodes the upgrade coordinator knows, with their versions
// (NodeInfoListResult), which the NSX 4.x STIG's release check reads (NMGR-4X-000096).
const UpgradeNodesPath = "/api/v1/upgrade/nodes"

var thumbprintPattern = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)

func vidmDef() *objectDef {
	return &objectDef{
		path: VidmPath, schema: "NodeAuthProviderVidmProperties", perNode: true, bare: true,
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
