package nsxt

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// The role bindings of the policy API (/policy/api/v1/aaa/role-bindings): who holds which
// roles on which paths. Listed by cursor; each binding carries `_revision`.

// Roles are the role identifiers this fake knows, with NSX's display names.
var Roles = map[string]string{
	"enterprise_admin": "Enterprise Admin", "auditor": "Auditor",
	"network_engineer": "Network Admin", "network_op": "Network Operator",
	"security_engineer": "Security Admin", "security_op": "Security Operator",
	"lb_admin": "LB Admin", "lb_auditor": "LB Operator", "vpn_admin": "VPN Admin",
	"gi_partner_admin": "GI Partner Admin", "netx_partner_admin": "NETX Partner Admin",
	"project_admin": "Project Admin", "org_admin": "Org Admin", "vpc_admin": "VPC Admin",
}

var (
	bindingTypes  = []string{"remote_user", "remote_group", "local_user", "principal_identity"}
	identitySorts = []string{"VIDM", "LDAP", "OIDC", "CSP"}
)

type binding struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	Type          string              `json:"type"`
	SourceType    string              `json:"identity_source_type,omitempty"`
	SourceID      string              `json:"identity_source_id,omitempty"`
	RolesForPaths map[string][]string `json:"-"`
	Revision      int64               `json:"_revision"`
	// SystemOwned: the admin's binding, which NSX does not let anyone change or delete.
	SystemOwned bool `json:"_system_owned"`
}

type roleRef struct {
	Role        string `json:"role"`
	DisplayName string `json:"role_display_name,omitempty"`
}

type pathRoles struct {
	Path  string    `json:"path"`
	Roles []roleRef `json:"roles"`
}

func (b *binding) view() map[string]any {
	paths := make([]string, 0, len(b.RolesForPaths))
	for p := range b.RolesForPaths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	rfp := []pathRoles{}
	var root []roleRef
	for _, p := range paths {
		pr := pathRoles{Path: p}
		for _, r := range b.RolesForPaths[p] {
			ref := roleRef{Role: r, DisplayName: Roles[r]}
			pr.Roles = append(pr.Roles, ref)
			if p == "/" {
				root = append(root, ref)
			}
		}
		rfp = append(rfp, pr)
	}
	v := map[string]any{
		"id": b.ID, "display_name": b.Name, "name": b.Name, "type": b.Type, "resource_type": "RoleBinding",
		"roles_for_paths": rfp, "roles": root, "_revision": b.Revision,
		"_create_user": "system", "_system_owned": b.SystemOwned,
	}
	if b.SourceType != "" {
		v["identity_source_type"] = b.SourceType
	}
	if b.SourceID != "" {
		v["identity_source_id"] = b.SourceID
	}
	return v
}

func defaultBindings(admin string) map[string]*binding {
	out := map[string]*binding{}
	for i, b := range []struct{ name, role string }{{admin, "enterprise_admin"}, {"audit", "auditor"}, {"guestuser1", "auditor"}, {"guestuser2", "auditor"}} {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 0x10000+i, i)
		out[id] = &binding{ID: id, Name: b.name, Type: "local_user", RolesForPaths: map[string][]string{"/": {b.role}}, SystemOwned: i == 0}
	}
	return out
}

// bindingWrite is what POST and PUT take.
type bindingWrite struct {
	ID            *string     `json:"id"`
	Name          *string     `json:"name"`
	DisplayName   *string     `json:"display_name"`
	Type          *string     `json:"type"`
	SourceType    *string     `json:"identity_source_type"`
	SourceID      *string     `json:"identity_source_id"`
	RolesForPaths []pathRoles `json:"roles_for_paths"`
	Roles         []roleRef   `json:"roles"`
	Revision      *revision   `json:"_revision"`
	ResourceType  *string     `json:"resource_type"`
	Path          *string     `json:"path"`
	// Read-only fields a client may send back as read.
	CreateUser  *string `json:"_create_user"`
	SystemOwned *bool   `json:"_system_owned"`
}

// checkedBinding is in as a binding, or the refusal's message (f.mu held).
func (f *Fake) checkedBinding(in *bindingWrite) (*binding, string) {
	b := &binding{RolesForPaths: map[string][]string{}}
	if in.Name == nil || *in.Name == "" {
		return nil, "Field name is required."
	}
	b.Name = *in.Name
	if in.Type == nil || !contains(bindingTypes, *in.Type) {
		return nil, "Field type must be one of " + strings.Join(bindingTypes, ", ") + "."
	}
	b.Type = *in.Type
	if in.SourceType != nil && *in.SourceType != "" {
		if !contains(identitySorts, *in.SourceType) {
			return nil, "Field identity_source_type must be one of " + strings.Join(identitySorts, ", ") + "."
		}
		b.SourceType = *in.SourceType
	}
	if in.SourceID != nil {
		b.SourceID = *in.SourceID
	}
	if b.Type == "local_user" && f.userNamed(b.Name) == nil {
		return nil, fmt.Sprintf("No local user %s exists.", b.Name)
	}
	if len(in.RolesForPaths) == 0 {
		return nil, "Field roles_for_paths must have at least 1 item."
	}
	for _, pr := range in.RolesForPaths {
		if !strings.HasPrefix(pr.Path, "/") {
			return nil, fmt.Sprintf("The path %q of roles_for_paths is not a policy path.", pr.Path)
		}
		if _, dup := b.RolesForPaths[pr.Path]; dup {
			return nil, fmt.Sprintf("The path %q is listed twice in roles_for_paths.", pr.Path)
		}
		if len(pr.Roles) == 0 {
			return nil, fmt.Sprintf("The path %q has no roles.", pr.Path)
		}
		for _, r := range pr.Roles {
			if _, known := Roles[r.Role]; !known {
				return nil, fmt.Sprintf("Role %s does not exist.", r.Role)
			}
			b.RolesForPaths[pr.Path] = append(b.RolesForPaths[pr.Path], r.Role)
		}
		sort.Strings(b.RolesForPaths[pr.Path])
	}
	return b, ""
}

func (f *Fake) listBindings(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.bindings))
	for id := range f.bindings {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	size, start, ok := pageOf(w, r.URL.Query(), offsetCursor)
	if !ok {
		return
	}
	start = min(start, len(ids))
	end := min(start+size, len(ids))
	results := make([]map[string]any, 0, end-start)
	for _, id := range ids[start:end] {
		results = append(results, f.bindings[id].view())
	}
	out := map[string]any{"results": results, "result_count": len(ids)}
	if end < len(ids) {
		out["cursor"] = strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) createBinding(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeStrict[bindingWrite](w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, problem := f.checkedBinding(in)
	if problem != "" {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, problem)
		return
	}
	for _, other := range f.bindings {
		if other.Name == b.Name && other.Type == b.Type {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("A role binding for %s %s exists already.", b.Type, b.Name))
			return
		}
	}
	b.ID = uuid.NewString()
	f.storeBinding(w, http.StatusCreated, b)
}

// storeBinding keeps b, counts the write and answers b with status; f.mu is held.
func (f *Fake) storeBinding(w http.ResponseWriter, status int, b *binding) {
	f.bindings[b.ID] = b
	f.stats.Add("binding_writes", 1)
	writeJSON(w, status, b.view())
}

func (f *Fake) getBinding(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b := byID(w, r, f.bindings, "Role binding"); b != nil {
		writeJSON(w, http.StatusOK, b.view())
	}
}

func (f *Fake) putBinding(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeStrict[bindingWrite](w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := byID(w, r, f.bindings, "Role binding")
	if cur == nil {
		return
	}
	if cur.SystemOwned {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, "The role binding of "+cur.Name+" is system owned and cannot be changed.")
		return
	}
	if in.Revision == nil || int64(*in.Revision) != cur.Revision {
		f.staleRevision(w)
		return
	}
	b, problem := f.checkedBinding(in)
	if problem != "" {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, problem)
		return
	}
	b.ID, b.Revision = cur.ID, cur.Revision+1
	f.storeBinding(w, http.StatusOK, b)
}

func (f *Fake) deleteBinding(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b := byID(w, r, f.bindings, "Role binding"); b != nil {
		if b.SystemOwned {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "The role binding of "+b.Name+" is system owned and cannot be deleted.")
			return
		}
		delete(f.bindings, b.ID)
		w.WriteHeader(http.StatusOK)
	}
}

// Bindings are the role bindings as stored, by id.
func (f *Fake) Bindings() map[string]map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]any{}
	for id, b := range f.bindings {
		out[id] = b.view()
	}
	return out
}
