package nsxt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Toggle is one named protocol version or cipher suite.
type Toggle struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// Tag is an NSX tag: a scope (may be empty) and a tag.
type Tag struct {
	Scope string `json:"scope,omitempty"`
	Tag   string `json:"tag"`
}

// APIServiceConfig is GET /api/v1/cluster/api-service: the fields the provider models, and
// the whole object as the manager sent it. From NSX 4.x it is a ManagedResource and every
// release may add fields; a PUT replaces the whole object, so a field left out of the body
// returns to its default. Marshalling therefore starts from the object as read and changes
// only the modelled fields whose values changed since: whatever the provider does not model
// (display_name, a field of a newer release, a new attribute of a cipher entry) goes back
// exactly as it came.
type APIServiceConfig struct {
	SessionTimeout                   int64    `json:"session_timeout"`
	ConnectionTimeout                int64    `json:"connection_timeout"`
	ProtocolVersions                 []Toggle `json:"protocol_versions"`
	CipherSuites                     []Toggle `json:"cipher_suites"`
	RedirectHost                     string   `json:"redirect_host"`
	ClientAPIRateLimit               int64    `json:"client_api_rate_limit"`
	GlobalAPIConcurrencyLimit        int64    `json:"global_api_concurrency_limit"`
	ClientAPIConcurrencyLimit        int64    `json:"client_api_concurrency_limit"`
	BasicAuthenticationEnabled       bool     `json:"basic_authentication_enabled"`
	CookieBasedAuthenticationEnabled bool     `json:"cookie_based_authentication_enabled"`
	LockoutImmuneAddresses           []string `json:"lockout_immune_addresses,omitempty"`
	Description                      string   `json:"description,omitempty"`
	Tags                             []Tag    `json:"tags,omitempty"`
	Revision                         int64    `json:"_revision"`

	// raw is the object as the manager sent it; read holds the modelled fields' values as
	// they were decoded, so that only changed ones are written over raw.
	raw  map[string]json.RawMessage
	read map[string][]byte
}

// apiServiceFields is APIServiceConfig without its methods, for plain (un)marshalling.
type apiServiceFields APIServiceConfig

// modelled maps each modelled field's JSON name to its current value.
func (c *APIServiceConfig) modelled() map[string]any {
	return map[string]any{
		"session_timeout": c.SessionTimeout, "connection_timeout": c.ConnectionTimeout,
		"protocol_versions": c.ProtocolVersions, "cipher_suites": c.CipherSuites,
		"redirect_host": c.RedirectHost, "client_api_rate_limit": c.ClientAPIRateLimit,
		"global_api_concurrency_limit":        c.GlobalAPIConcurrencyLimit,
		"client_api_concurrency_limit":        c.ClientAPIConcurrencyLimit,
		"basic_authentication_enabled":        c.BasicAuthenticationEnabled,
		"cookie_based_authentication_enabled": c.CookieBasedAuthenticationEnabled,
		"lockout_immune_addresses":            c.LockoutImmuneAddresses,
		"description":                         c.Description, "tags": c.Tags, "_revision": c.Revision,
	}
}

// omitWhenEmpty are modelled fields the manager may leave out; they are not added to a PUT
// body that lacked them unless they were given a value.
var omitWhenEmpty = map[string]bool{"lockout_immune_addresses": true, "description": true, "tags": true}

// UnmarshalJSON keeps the whole object beside the modelled fields.
func (c *APIServiceConfig) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var f apiServiceFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*c = APIServiceConfig(f)
	c.raw = raw
	c.read = map[string][]byte{}
	for k, v := range c.modelled() {
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		c.read[k] = enc
	}
	return nil
}

// MarshalJSON is the PUT body: the object as read, less the read-only underscore fields
// other than `_revision` (NSX ignores them on PUT, but they are not ours to send), with every
// modelled field that changed written over it.
func (c *APIServiceConfig) MarshalJSON() ([]byte, error) {
	out := make(map[string]json.RawMessage, len(c.raw)+4)
	for k, v := range c.raw {
		if strings.HasPrefix(k, "_") && k != "_revision" {
			continue
		}
		out[k] = v
	}
	for k, v := range c.modelled() {
		enc, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		prev, wasRead := c.read[k]
		_, present := c.raw[k]
		switch {
		case wasRead && bytes.Equal(prev, enc) && (present || omitWhenEmpty[k]):
			// Unchanged: keep the manager's own bytes (or its absence).
			continue
		case present && (k == "protocol_versions" || k == "cipher_suites"):
			// Change only "enabled" in the manager's entries, keeping any other field.
			list, _ := v.([]Toggle) // both toggle fields are []Toggle in modelled()
			patched, err := patchToggles(c.raw[k], list)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = patched
		default:
			out[k] = enc
		}
	}
	return json.Marshal(out)
}

// patchToggles sets each entry's "enabled" in raw, a list of objects with "name", from list.
func patchToggles(raw json.RawMessage, list []Toggle) (json.RawMessage, error) {
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(list))
	for _, t := range list {
		want[t.Name] = t.Enabled
	}
	seen := map[string]bool{}
	for _, e := range entries {
		var name string
		if err := json.Unmarshal(e["name"], &name); err != nil {
			return nil, fmt.Errorf("an entry without a name: %w", err)
		}
		if en, ok := want[name]; ok {
			e["enabled"] = json.RawMessage(fmt.Sprint(en))
			seen[name] = true
		}
	}
	for _, t := range list {
		if !seen[t.Name] {
			entries = append(entries, map[string]json.RawMessage{
				"name": mustJSON(t.Name), "enabled": json.RawMessage(fmt.Sprint(t.Enabled)),
			})
		}
	}
	return json.Marshal(entries)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// Unmodelled lists the names of the fields the manager sent that the provider does not
// model, read-only ones left out: what a write carries through untouched.
func (c *APIServiceConfig) Unmodelled() []string {
	m := c.modelled()
	var out []string
	for k := range c.raw {
		if _, ok := m[k]; !ok && !strings.HasPrefix(k, "_") {
			out = append(out, k)
		}
	}
	return out
}

// IdleTimeout is NSX's default session_timeout, assumed until the manager's own value is read.
const IdleTimeout = 1800 * time.Second

// APIServiceID is the id of the singleton configuration.
const APIServiceID = "reverse_proxy_config"

// GetAPIService reads the reverse-proxy configuration. Its session_timeout tells the session
// layer how long an idle session lives, so that one idle longer is renewed before use, and its
// client_api_rate_limit and client_api_concurrency_limit are the limits the session layer
// keeps to.
func (c *Client) GetAPIService(ctx context.Context) (*APIServiceConfig, error) {
	var cfg APIServiceConfig
	if err := c.do(ctx, http.MethodGet, "/api/v1/cluster/api-service", nil, &cfg); err != nil {
		return nil, err
	}
	c.s.SetIdleTimeout(time.Duration(cfg.SessionTimeout) * time.Second)
	c.s.SetLimits(cfg.limits())
	return &cfg, nil
}

// PutAPIService writes cfg, as read by GetAPIService and then changed, so that it carries the
// `_revision` just read and every field the provider does not model. A stale revision yields
// an error matching ErrStaleRevision. NSX then restarts its API service on every node:
// sessions end and requests get 503 for up to about a minute; AwaitAPIService waits that out.
func (c *Client) PutAPIService(ctx context.Context, cfg *APIServiceConfig) (*APIServiceConfig, error) {
	var out APIServiceConfig
	if err := c.do(ctx, http.MethodPut, "/api/v1/cluster/api-service", cfg, &out); err != nil {
		return nil, err
	}
	c.s.SetIdleTimeout(time.Duration(out.SessionTimeout) * time.Second)
	c.s.SetLimits(out.limits())
	return &out, nil
}

// AwaitAPIService waits, for at most within, until the API service answers again after a
// PUT restarted it, and returns the configuration it then reads: the settings as written.
func (c *Client) AwaitAPIService(ctx context.Context, within time.Duration) (*APIServiceConfig, error) {
	var cfg *APIServiceConfig
	err := c.s.AwaitAvailable(ctx, within, func(ctx context.Context) error {
		var err error
		cfg, err = c.GetAPIService(ctx)
		return err
	})
	return cfg, err
}

// Client-side limits by default: half of NSX's published per-client limits
// (client_api_rate_limit 100/s, client_api_concurrency_limit 40).
const (
	DefaultRateLimit      = 50
	DefaultMaxConcurrency = 20
)
