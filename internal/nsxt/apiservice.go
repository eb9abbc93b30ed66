package nsxt

import (
	"context"
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

// APIService is the reverse-proxy (API service) configuration, GET/PUT
// /api/v1/cluster/api-service: one object for the cluster, a ManagedResource from NSX 4.x.
// A write restarts the API service on every node (sessions end, requests get 503 for up to
// about a minute). Every read tells the session layer the manager's session_timeout (an idle
// session is renewed before use) and its client limits (the rate and concurrency it keeps to).
var APIService = &Object{
	Name: "API service configuration", Path: "/api/v1/cluster/api-service", ID: APIServiceID, Scope: Cluster,
	Restarts: func([]string) bool { return true },
	Reusable: true, StaleRetries: 5,
	Learn: func(c *Client, d *Document) {
		var cfg APIServiceConfig
		if cfg.decode(d) == nil {
			c.s.SetIdleTimeout(time.Duration(cfg.SessionTimeout) * time.Second)
			c.s.SetLimits(cfg.limits())
		}
	},
}

// APIServiceID is the id of the singleton configuration.
const APIServiceID = "reverse_proxy_config"

// APIServiceConfig is what the provider reads of the api-service configuration for itself.
type APIServiceConfig struct {
	SessionTimeout            int64    `json:"session_timeout"`
	ClientAPIRateLimit        int64    `json:"client_api_rate_limit"`
	ClientAPIConcurrencyLimit int64    `json:"client_api_concurrency_limit"`
	ProtocolVersions          []Toggle `json:"protocol_versions"`
	CipherSuites              []Toggle `json:"cipher_suites"`
}

func (cfg *APIServiceConfig) decode(d *Document) error {
	for path, out := range map[string]any{
		"session_timeout": &cfg.SessionTimeout, "client_api_rate_limit": &cfg.ClientAPIRateLimit,
		"client_api_concurrency_limit": &cfg.ClientAPIConcurrencyLimit,
		"protocol_versions":            &cfg.ProtocolVersions, "cipher_suites": &cfg.CipherSuites,
	} {
		if _, err := d.Decode(path, out); err != nil {
			return err
		}
	}
	return nil
}

// GetAPIService reads the reverse-proxy configuration (which also teaches the session layer
// the manager's idle timeout and limits, see APIService).
func (c *Client) GetAPIService(ctx context.Context) (*APIServiceConfig, error) {
	d, err := c.ReadSettings(ctx, APIService, "")
	if err != nil {
		return nil, err
	}
	var cfg APIServiceConfig
	if err := cfg.decode(d); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// IdleTimeout is NSX's default session_timeout, assumed until the manager's own value is read.
const IdleTimeout = 1800 * time.Second

// Client-side limits by default: half of NSX's published per-client limits
// (client_api_rate_limit 100/s, client_api_concurrency_limit 40).
const (
	DefaultRateLimit      = 50
	DefaultMaxConcurrency = 20
)
