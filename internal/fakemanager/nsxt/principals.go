package nsxt

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Principal identities (/api/v1/trust-management/principal-identities): certificate users
// for automation, with no password and no lockout. POST …/with-certificate registers a name,
// a node_id and a PEM certificate (stored as a certificate of its own, which deleting the
// identity leaves in place) and, in NSX 4.x, its roles_for_paths as a role binding of type
// principal_identity. A request whose TLS handshake presents a registered certificate is that
// identity's; an unknown or revoked one is refused as bad credentials, which counts toward no
// account's lockout. Objects a protected identity (is_protected) creates or changes refuse
// every other user's writes unless the request carries X-Allow-Overwrite: true.

const (
	principalsPath   = "/api/v1/trust-management/principal-identities"
	certificatesPath = "/api/v1/trust-management/certificates"
	// errCodeProtected: UNCONFIRMED (no primary source states it); the provider matches
	// NSX's words as well as this code, each reading tested (TestUnconfirmedRefusalsReadBothWays).
	errCodeProtected = 289
)

type principal struct {
	ID, Name, NodeID, Description, CertificateID string
	IsProtected                                  bool
	Revision                                     int64
	Created                                      int64
	fingerprint                                  string
}

func (p *principal) view() map[string]any {
	return map[string]any{
		"id": p.ID, "display_name": p.Name, "name": p.Name, "node_id": p.NodeID, "certificate_id": p.CertificateID,
		"is_protected": p.IsProtected, "description": p.Description, "resource_type": "PrincipalIdentity",
		"_revision": p.Revision, "_create_time": p.Created, "_create_user": "admin", "_protection": "NOT_PROTECTED",
	}
}

type storedCert struct {
	ID, PEM, Subject string
	fingerprint      string
}

func certFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// principalWrite is what POST …/with-certificate takes (PrincipalIdentityWithCertificate).
type principalWrite struct {
	Name           *string     `json:"name"`
	NodeID         *string     `json:"node_id"`
	CertificatePEM *string     `json:"certificate_pem"`
	CertificateID  *string     `json:"certificate_id"`
	IsProtected    *bool       `json:"is_protected"`
	Description    *string     `json:"description"`
	DisplayName    *string     `json:"display_name"`
	Role           *string     `json:"role"`
	RolesForPaths  []pathRoles `json:"roles_for_paths"`
	Tags           []any       `json:"tags"`
	ResourceType   *string     `json:"resource_type"`
	ID             *string     `json:"id"`
	Revision       *int64      `json:"_revision"`
}

func (f *Fake) createPrincipal(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeStrict[principalWrite](w, r)
	if !ok {
		return
	}
	refuse := func(msg string) {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, msg)
	}
	switch {
	case in.Name == nil || strings.TrimSpace(*in.Name) == "":
		refuse("Field name is required.")
		return
	case strings.ContainsAny(*in.Name, " \t/"):
		refuse(fmt.Sprintf("The principal name %q may not contain spaces or '/'.", *in.Name))
		return
	case in.NodeID == nil || *in.NodeID == "":
		refuse("Field node_id is required.")
		return
	case in.CertificatePEM == nil || *in.CertificatePEM == "":
		refuse("Field certificate_pem is required.")
		return
	}
	blk, _ := pem.Decode([]byte(*in.CertificatePEM))
	if blk == nil || blk.Type != "CERTIFICATE" {
		refuse("Invalid PEM encoded certificate: no CERTIFICATE block found.")
		return
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		refuse("Invalid PEM encoded certificate: its CERTIFICATE block is not an X.509 certificate.")
		return
	}
	if time.Now().After(cert.NotAfter) {
		refuse("The certificate has expired.")
		return
	}
	if len(in.RolesForPaths) == 0 && in.Role != nil && *in.Role != "" {
		in.RolesForPaths = []pathRoles{{Path: "/", Roles: []roleRef{{Role: *in.Role}}}}
	}
	typ := "principal_identity"
	f.mu.Lock()
	defer f.mu.Unlock()
	b, problem := f.checkedBinding(&bindingWrite{Name: in.Name, Type: &typ, RolesForPaths: in.RolesForPaths})
	if problem != "" {
		refuse(problem)
		return
	}
	fp := certFingerprint(cert.Raw)
	for _, p := range f.principals {
		if p.Name == *in.Name && p.NodeID == *in.NodeID {
			refuse(fmt.Sprintf("A principal identity with name %s and node_id %s already exists.", p.Name, p.NodeID))
			return
		}
		if p.fingerprint == fp {
			refuse("The certificate is already used by principal identity " + p.Name + ".")
			return
		}
	}
	c := &storedCert{ID: uuid.NewString(), PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})), Subject: cert.Subject.String(), fingerprint: fp}
	f.certs[c.ID] = c
	p := &principal{ID: uuid.NewString(), Name: *in.Name, NodeID: *in.NodeID, CertificateID: c.ID, fingerprint: fp, Created: time.Now().UnixMilli()}
	if in.IsProtected != nil {
		p.IsProtected = *in.IsProtected
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	f.principals[p.ID] = p
	// One role binding per principal name: a second node_id of the name shares it.
	if f.bindingNamed(p.Name, typ) == nil {
		b.ID = uuid.NewString()
		f.bindings[b.ID] = b
	}
	f.stats.Add("principal_writes", 1)
	writeJSON(w, http.StatusCreated, p.view())
}

func (f *Fake) bindingNamed(name, typ string) *binding {
	for _, b := range f.bindings {
		if b.Name == name && b.Type == typ {
			return b
		}
	}
	return nil
}

func (f *Fake) listPrincipals(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.principals))
	for id := range f.principals {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	results := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		results = append(results, f.principals[id].view())
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "result_count": len(results)})
}

// byID is the object of m the request's {id} names, or nil after NSX's 404 for kind.
func byID[T any](w http.ResponseWriter, r *http.Request, m map[string]*T, kind string) *T {
	v := m[r.PathValue("id")]
	if v == nil {
		apiError(w, http.StatusNotFound, errCodeNotFound, fmt.Sprintf("%s %s not found.", kind, r.PathValue("id")))
	}
	return v
}

func (f *Fake) getPrincipal(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := byID(w, r, f.principals, "Principal identity"); p != nil {
		writeJSON(w, http.StatusOK, p.view())
	}
}

// deletePrincipal deletes the identity (its certificate stays, as NSX documents) and, with
// the last identity of its name, its role binding; its certificate is refused from then on.
func (f *Fake) deletePrincipal(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := byID(w, r, f.principals, "Principal identity")
	if p == nil {
		return
	}
	delete(f.principals, p.ID)
	last := true
	for _, o := range f.principals {
		last = last && o.Name != p.Name
	}
	if b := f.bindingNamed(p.Name, "principal_identity"); b != nil && last {
		delete(f.bindings, b.ID)
	}
	w.WriteHeader(http.StatusOK)
}

func (f *Fake) getCertificate(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := byID(w, r, f.certs, "Certificate")
	if c == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "display_name": c.Subject, "pem_encoded": c.PEM,
		"resource_type": "certificate_signed", "used_by": []any{}, "_revision": 0})
}

// principalOf is the identity whose certificate r's handshake presented: nil and false when
// it presented none, nil and true when the certificate is unknown or revoked (f.mu held).
func (f *Fake) principalOf(r *http.Request) (*principal, bool) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, false
	}
	fp := certFingerprint(r.TLS.PeerCertificates[0].Raw)
	if f.revoked[fp] {
		return nil, true
	}
	for _, p := range f.principals {
		if p.fingerprint == fp {
			return p, true
		}
	}
	return nil, true
}

// Revoke makes NSX refuse a certificate from now on (as a revoked or replaced one is).
func (f *Fake) Revoke(certPEM []byte) {
	blk, _ := pem.Decode(certPEM)
	if blk == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked[certFingerprint(blk.Bytes)] = true
}

// Principals are the principal identities as NSX lists them.
func (f *Fake) Principals() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, p := range f.principals {
		out = append(out, p.view())
	}
	return out
}

// recorder keeps the status and body of an answer, to learn what a write created.
type recorder struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (r *recorder) WriteHeader(s int) { r.status = s; r.ResponseWriter.WriteHeader(s) }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if len(r.body) < 64<<10 {
		r.body = append(r.body, b...)
	}
	return r.ResponseWriter.Write(b)
}

// protectedBy is the protected identity that owns what r writes ("": none, or the caller
// itself, or the request allows the overwrite); f.mu held.
func (f *Fake) protectedBy(r *http.Request, caller string) string {
	if r.Method == http.MethodGet || strings.EqualFold(r.Header.Get("X-Allow-Overwrite"), "true") {
		return ""
	}
	owner := f.owners[strings.TrimSuffix(r.URL.Path, "/")]
	if owner == caller {
		return ""
	}
	return owner
}

// own records that a protected identity wrote what r names (f.mu not held).
func (f *Fake) own(r *http.Request, p *principal, rec *recorder) {
	if p == nil || !p.IsProtected || rec.status >= 300 || r.Method == http.MethodGet {
		return
	}
	key := strings.TrimSuffix(r.URL.Path, "/")
	var created struct {
		ID string `json:"id"`
	}
	if r.Method == http.MethodPost && json.Unmarshal(rec.body, &created) == nil && created.ID != "" && !strings.HasSuffix(key, "/"+created.ID) {
		key += "/" + created.ID
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodDelete {
		delete(f.owners, key)
		return
	}
	f.owners[key] = p.Name
}

// protectedError is NSX's refusal of a change to an object a principal identity protects
// (its words as NSX's users quote them; the code UNCONFIRMED).
func protectedError(w http.ResponseWriter, caller, owner string) {
	apiError(w, http.StatusForbidden, errCodeProtected, fmt.Sprintf(
		"Principal '%s' attempts to delete or modify an object it doesn't own. (createUser=%s, allowOverwrite=null)", caller, owner))
}

// withProtection answers a GET, and where a protected identity owns the object read, sets
// its _protection as NSX does for the caller: NOT_PROTECTED for the owner, REQUIRE_OVERRIDE
// for a superuser (enterprise_admin: X-Allow-Overwrite lets it change the object), PROTECTED
// for anyone else.
func (f *Fake) withProtection(w http.ResponseWriter, r *http.Request, caller string, h http.HandlerFunc) {
	f.mu.Lock()
	owner := f.owners[strings.TrimSuffix(r.URL.Path, "/")]
	super := f.holds(caller, "enterprise_admin")
	f.mu.Unlock()
	if owner == "" {
		h(w, r)
		return
	}
	rec := httptest.NewRecorder()
	h(rec, r)
	var obj map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &obj) != nil {
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	switch {
	case owner == caller:
		obj["_protection"] = "NOT_PROTECTED"
	case super:
		obj["_protection"] = "REQUIRE_OVERRIDE"
	default:
		obj["_protection"] = "PROTECTED"
	}
	writeJSON(w, http.StatusOK, obj)
}

// holds reports whether user holds role on "/" (f.mu held).
func (f *Fake) holds(user, role string) bool {
	for _, b := range f.bindings {
		if b.Name == user && slices.Contains(b.RolesForPaths["/"], role) {
			return true
		}
	}
	return false
}
