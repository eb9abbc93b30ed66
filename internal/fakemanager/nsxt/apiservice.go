package nsxt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

const maxInt32 = 2147483647

// rsaSuites are the TLS 1.2 RSA suites every release offers, first in the document's order.
var rsaSuites = []string{
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
}

// ProtocolNames and CipherNames are what this fake's manager knows, in the document's order.
var (
	ProtocolNames = []string{"TLSv1.1", "TLSv1.2", "TLSv1.3"}
	CipherNames   = slices.Concat(rsaSuites, []string{"TLS_ECDSA_WITH_AES_256_GCM_SHA384"})
	// CipherNames90 are what a VCF 9 (NSX 9.0) manager offers, as the vendor's STIG
	// automation for VCF 9 lists them: the ECDSA suite under its ECDHE name, and the three
	// TLS 1.3 suites.
	CipherNames90 = slices.Concat(rsaSuites, []string{
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
		"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	})
)

// Releases the fake can play: "4.2" (the default: the session document's manager) and
// "9.0" (VCF 9).
const (
	Release42 = "4.2"
	Release90 = "9.0"
)

var hostnamePattern = regexp.MustCompile(`^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)

type toggle struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

type tag struct {
	Scope string `json:"scope,omitempty"`
	Tag   string `json:"tag"`
}

type selfLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// APIService is the ApiServiceConfig ManagedResource of NSX 4.x: the writable settings,
// display_name, description and tags, and the read-only underscore fields. Extra holds the
// fields of a newer release this fake was told to know (Options.ExtraFields).
type APIService struct {
	SessionTimeout                   int64          `json:"session_timeout"`
	ConnectionTimeout                int64          `json:"connection_timeout"`
	ProtocolVersions                 []toggle       `json:"protocol_versions"`
	CipherSuites                     []toggle       `json:"cipher_suites"`
	RedirectHost                     string         `json:"redirect_host"`
	ClientAPIRateLimit               int64          `json:"client_api_rate_limit"`
	GlobalAPIConcurrencyLimit        int64          `json:"global_api_concurrency_limit"`
	ClientAPIConcurrencyLimit        int64          `json:"client_api_concurrency_limit"`
	BasicAuthenticationEnabled       bool           `json:"basic_authentication_enabled"`
	CookieBasedAuthenticationEnabled bool           `json:"cookie_based_authentication_enabled"`
	LockoutImmuneAddresses           []string       `json:"lockout_immune_addresses,omitempty"`
	ResourceType                     string         `json:"resource_type"`
	ID                               string         `json:"id"`
	DisplayName                      string         `json:"display_name"`
	Description                      string         `json:"description,omitempty"`
	Tags                             []tag          `json:"tags,omitempty"`
	CreateTime                       int64          `json:"_create_time"`
	CreateUser                       string         `json:"_create_user"`
	LastModifiedTime                 int64          `json:"_last_modified_time"`
	LastModifiedUser                 string         `json:"_last_modified_user"`
	SystemOwned                      bool           `json:"_system_owned"`
	Protection                       string         `json:"_protection"`
	Revision                         int64          `json:"_revision"`
	Schema                           string         `json:"_schema"`
	Self                             selfLink       `json:"_self"`
	Links                            []selfLink     `json:"_links"`
	Extra                            map[string]any `json:"-"`
}

// MarshalJSON adds the extra fields beside the documented ones.
func (c APIService) MarshalJSON() ([]byte, error) {
	type plain APIService
	b, err := json.Marshal(plain(c))
	if err != nil || len(c.Extra) == 0 {
		return b, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	maps.Copy(m, c.Extra)
	return json.Marshal(m)
}

// apiServiceWrite is what a PUT may carry: the writable fields and `_revision`. Read-only
// underscore fields are ignored before decoding, as NSX ignores them (`_links`: "Ignored on
// PUT and POST"); any other field is refused (the schema says additionalProperties: false).
type apiServiceWrite struct {
	SessionTimeout                   *int64    `json:"session_timeout"`
	ConnectionTimeout                *int64    `json:"connection_timeout"`
	ProtocolVersions                 *[]toggle `json:"protocol_versions"`
	CipherSuites                     *[]toggle `json:"cipher_suites"`
	RedirectHost                     *string   `json:"redirect_host"`
	ClientAPIRateLimit               *int64    `json:"client_api_rate_limit"`
	GlobalAPIConcurrencyLimit        *int64    `json:"global_api_concurrency_limit"`
	ClientAPIConcurrencyLimit        *int64    `json:"client_api_concurrency_limit"`
	BasicAuthenticationEnabled       *bool     `json:"basic_authentication_enabled"`
	CookieBasedAuthenticationEnabled *bool     `json:"cookie_based_authentication_enabled"`
	LockoutImmuneAddresses           *[]string `json:"lockout_immune_addresses"`
	ResourceType                     *string   `json:"resource_type"`
	ID                               *string   `json:"id"`
	DisplayName                      *string   `json:"display_name"`
	Description                      *string   `json:"description"`
	Tags                             *[]tag    `json:"tags"`
	Revision                         *revision `json:"_revision"`
	// extra: the values of Options.ExtraFields the body carries.
	extra map[string]any
}

const apiServicePath = "/api/v1/cluster/api-service"

func defaultAPIService(release string) APIService {
	now := time.Now().UnixMilli()
	c := APIService{
		SessionTimeout: 1800, ConnectionTimeout: 30, RedirectHost: "",
		ClientAPIRateLimit: 100, GlobalAPIConcurrencyLimit: 199, ClientAPIConcurrencyLimit: 40,
		BasicAuthenticationEnabled: true, CookieBasedAuthenticationEnabled: true,
		ResourceType: "ApiServiceConfig", ID: "reverse_proxy_config", DisplayName: "reverse_proxy_config",
		CreateTime: now, CreateUser: "system", LastModifiedTime: now, LastModifiedUser: "system",
		Protection: "NOT_PROTECTED", Schema: "ApiServiceConfig",
		Self:  selfLink{Rel: "self", Href: apiServicePath},
		Links: []selfLink{{Rel: "self", Href: apiServicePath}},
	}
	ciphers := CipherNames
	if release == Release90 {
		ciphers = CipherNames90
	}
	for _, n := range ProtocolNames {
		// TLSv1.3 ships disabled on the releases the document describes; VCF 9 has its
		// TLS 1.3 suites, and the protocol on (UNCONFIRMED: a fresh manager's state only;
		// the provider and the STIG module set the protocol explicitly and rely on neither).
		c.ProtocolVersions = append(c.ProtocolVersions, toggle{Name: n, Enabled: n != "TLSv1.3" || release == Release90})
	}
	for _, n := range ciphers {
		c.CipherSuites = append(c.CipherSuites, toggle{Name: n, Enabled: true})
	}
	return c
}

func (f *Fake) getAPIService(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	c := f.config
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

func (f *Fake) putAPIService(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		apiError(w, http.StatusUnsupportedMediaType, errCodeBadRequest, "Content type "+ct+" is not supported; send application/json.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, bodyProblem(err))
		return
	}
	f.mu.Lock()
	f.lastPut = append([]byte(nil), body...)
	f.mu.Unlock()
	in, err := f.decodeAPIServiceWrite(body)
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, bodyProblem(err))
		return
	}
	srv := f.srv.Load()
	if f.storeAPIService(w, srv, in) && srv != nil {
		// The answer is out; now the API service restarts on every node.
		srv.RestartAPIService()
	}
}

// decodeAPIServiceWrite reads a PUT body: read-only underscore fields are dropped (and
// counted), the fields of a newer release this fake knows are taken aside, and anything else
// the schema does not name is refused, as are values of the wrong type.
func (f *Fake) decodeAPIServiceWrite(body []byte) (apiServiceWrite, error) {
	var in apiServiceWrite
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return in, err
	}
	known := map[string]bool{}
	for _, name := range f.opts.ExtraFields {
		known[name] = true
	}
	for k, v := range fields {
		switch {
		case strings.HasPrefix(k, "_") && k != "_revision":
			f.stats.Add("ignored_read_only_fields", 1)
			delete(fields, k)
		case known[k]:
			var val any
			if err := json.Unmarshal(v, &val); err != nil {
				return in, fmt.Errorf("field %s: %w", k, err)
			}
			if in.extra == nil {
				in.extra = map[string]any{}
			}
			in.extra[k] = val
			delete(fields, k)
		}
	}
	rest, err := json.Marshal(fields)
	if err != nil {
		return in, err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, err
	}
	return in, nil
}

// storeAPIService checks and stores a PUT body, answers it, and reports whether it was stored.
func (f *Fake) storeAPIService(w http.ResponseWriter, srv *fakemanager.Server, in apiServiceWrite) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if srv != nil && srv.TakeConcurrentWrite() {
		// Someone else wrote between this client's read and its write.
		f.config.Revision++
		f.config.LastModifiedUser = "other-admin"
		f.config.LastModifiedTime = time.Now().UnixMilli()
	}
	if in.Revision == nil || int64(*in.Revision) != f.config.Revision {
		f.staleRevision(w)
		return false
	}
	next, err := f.merged(in)
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, err.Error())
		return false
	}
	next.Revision = f.config.Revision + 1
	next.LastModifiedTime = time.Now().UnixMilli()
	next.LastModifiedUser = f.opts.Username
	f.sweepIdle(time.Now()) // under the timeout that was in force until now
	f.config = next
	f.stats.Add("config_writes", 1)
	writeJSON(w, http.StatusOK, next)
	return true
}

// merged applies a PUT body to the current configuration. The PUT replaces the whole
// object: a field left out returns to its default, as on the real manager, so clients must
// send back every field they read. Toggle lists are matched by name.
func (f *Fake) merged(in apiServiceWrite) (APIService, error) {
	def := defaultAPIService(f.opts.Release)
	next := f.config
	intField := func(name string, v *int64, dflt int64, dst *int64) error {
		if v == nil {
			*dst = dflt
			return nil
		}
		if *v < 0 || *v > maxInt32 {
			return badRequest("Field %s has value %d outside the range 0 to %d.", name, *v, maxInt32)
		}
		*dst = *v
		return nil
	}
	for _, x := range []struct {
		name string
		v    *int64
		dflt int64
		dst  *int64
	}{
		{"session_timeout", in.SessionTimeout, def.SessionTimeout, &next.SessionTimeout},
		{"connection_timeout", in.ConnectionTimeout, def.ConnectionTimeout, &next.ConnectionTimeout},
		{"client_api_rate_limit", in.ClientAPIRateLimit, def.ClientAPIRateLimit, &next.ClientAPIRateLimit},
		{"global_api_concurrency_limit", in.GlobalAPIConcurrencyLimit, def.GlobalAPIConcurrencyLimit, &next.GlobalAPIConcurrencyLimit},
		{"client_api_concurrency_limit", in.ClientAPIConcurrencyLimit, def.ClientAPIConcurrencyLimit, &next.ClientAPIConcurrencyLimit},
	} {
		if err := intField(x.name, x.v, x.dflt, x.dst); err != nil {
			return next, err
		}
	}
	next.RedirectHost = def.RedirectHost
	if in.RedirectHost != nil {
		if *in.RedirectHost != "" && !hostnamePattern.MatchString(*in.RedirectHost) {
			return next, badRequest("Field redirect_host value %q is not a valid hostname.", *in.RedirectHost)
		}
		next.RedirectHost = *in.RedirectHost
	}
	if in.ID != nil && *in.ID != def.ID {
		return next, badRequest("Field id cannot be changed from %q.", def.ID)
	}
	if in.ResourceType != nil && *in.ResourceType != def.ResourceType {
		return next, badRequest("Field resource_type must be %q.", def.ResourceType)
	}
	next.DisplayName = def.DisplayName
	if in.DisplayName != nil {
		if len(*in.DisplayName) > 255 {
			return next, badRequest("Field display_name is longer than 255 characters.")
		}
		next.DisplayName = *in.DisplayName
	}
	next.Description = def.Description
	if in.Description != nil {
		if len(*in.Description) > 1024 {
			return next, badRequest("Field description is longer than 1024 characters.")
		}
		next.Description = *in.Description
	}
	next.Tags = nil
	if in.Tags != nil {
		if len(*in.Tags) > 30 {
			return next, badRequest("Field tags has more than 30 items.")
		}
		for _, t := range *in.Tags {
			if len(t.Scope) > 128 || len(t.Tag) > 256 {
				return next, badRequest("Field tags has a scope longer than 128 or a tag longer than 256 characters.")
			}
		}
		next.Tags = *in.Tags
	}
	next.Extra = in.extra
	next.BasicAuthenticationEnabled, next.CookieBasedAuthenticationEnabled = def.BasicAuthenticationEnabled, def.CookieBasedAuthenticationEnabled
	if in.BasicAuthenticationEnabled != nil {
		next.BasicAuthenticationEnabled = *in.BasicAuthenticationEnabled
	}
	if in.CookieBasedAuthenticationEnabled != nil {
		next.CookieBasedAuthenticationEnabled = *in.CookieBasedAuthenticationEnabled
	}
	if !next.BasicAuthenticationEnabled && !next.CookieBasedAuthenticationEnabled {
		return next, badRequest("At least one of basic_authentication_enabled and cookie_based_authentication_enabled must be true.")
	}
	next.LockoutImmuneAddresses = nil
	if in.LockoutImmuneAddresses != nil {
		for _, a := range *in.LockoutImmuneAddresses {
			if net.ParseIP(a) == nil {
				return next, badRequest("Field lockout_immune_addresses value %q is not an IP address.", a)
			}
		}
		next.LockoutImmuneAddresses = *in.LockoutImmuneAddresses
	}
	var err error
	if in.ProtocolVersions != nil {
		if next.ProtocolVersions, err = mergeToggles("protocol_versions", f.config.ProtocolVersions, *in.ProtocolVersions); err != nil {
			return next, err
		}
	}
	if in.CipherSuites != nil {
		if next.CipherSuites, err = mergeToggles("cipher_suites", f.config.CipherSuites, *in.CipherSuites); err != nil {
			return next, err
		}
	}
	for _, x := range []struct {
		name string
		list []toggle
	}{{"protocol_versions", next.ProtocolVersions}, {"cipher_suites", next.CipherSuites}} {
		enabled := false
		for _, t := range x.list {
			enabled = enabled || t.Enabled
		}
		if !enabled {
			return next, badRequest("At least one entry of %s must be enabled.", x.name)
		}
	}
	return next, nil
}

func mergeToggles(field string, current, in []toggle) ([]toggle, error) {
	if len(in) == 0 {
		return nil, badRequest("Field %s must have at least 1 item.", field)
	}
	out := append([]toggle(nil), current...)
	seen := map[string]bool{}
	for _, t := range in {
		if seen[t.Name] {
			return nil, badRequest("Field %s lists %q twice.", field, t.Name)
		}
		seen[t.Name] = true
		found := false
		for i := range out {
			if out[i].Name == t.Name {
				out[i].Enabled = t.Enabled
				found = true
			}
		}
		if !found {
			return nil, badRequest("Field %s has an unsupported value %q.", field, t.Name)
		}
	}
	return out, nil
}

// Config is the api-service configuration as stored.
func (f *Fake) Config() APIService {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.config
}

// apiMessage is an error that is the API's own sentence, sent as error_message as it is:
// capitalised, with its full stop.
type apiMessage string

func (m apiMessage) Error() string { return string(m) }

// badRequest is the message of a 400 answer.
func badRequest(format string, args ...any) error { return apiMessage(fmt.Sprintf(format, args...)) }
