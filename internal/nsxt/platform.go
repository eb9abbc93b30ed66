package nsxt

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// What runs on the managers: the node services of every manager node and the cluster's
// platform settings, declared on the settings engine; the syslog exporters, the cluster's
// virtual IP and its status, which are no settings objects.

// ServicePath is the path of the node service name.
func ServicePath(name string) string { return "/api/v1/node/services/" + name }

func service(name, title string) *Object {
	return &Object{Name: title, Path: ServicePath(name), ID: name, Scope: Node, Service: true}
}

var (
	// NTPService is the node's NTP service: its servers, whether it starts on boot, and
	// whether it runs.
	NTPService = service("ntp", "NTP service")
	// SSHService is the node's SSH service: root login, start on boot, running.
	SSHService = service("ssh", "SSH service")
	// SNMPService is the node's SNMP agent: v2c communities and targets, v3 users and
	// targets. Community strings and v3 passwords are never answered.
	SNMPService = service("snmp", "SNMP service")
	// SyslogService is the node's syslog service, whose exporters are a collection.
	SyslogService = service("syslog", "syslog service")
)

// LoggingServices are the node services whose properties carry a logging_level (the SDK's
// Node*ServiceProperties with LoggingServiceProperties, AuthServiceProperties,
// HttpServiceProperties or PhonehomeCoordinatorServiceProperties).
var LoggingServices = []string{"async_replicator", "auth", "http", "manager", "policy", "telemetry"}

// LoggingService is the properties object of one of LoggingServices.
func LoggingService(name string) *Object {
	return &Object{Name: name + " service", Path: ServicePath(name), ID: name, Scope: Node}
}

// GlobalConfig is the policy API's global configuration (GlobalConfig, a managed resource
// with `_revision`), of which nsx_fips_config manages fips.lb_fips_enabled.
var GlobalConfig = &Object{Name: "FIPS configuration", Path: "/policy/api/v1/infra/global-config", ID: "fips_config", Scope: Cluster,
	// A policy object's PUT takes its read-only fields back (NSX ignores them) but
	// refuses the ones the server sets on read only.
	Unsent: []string{"children"}}

// BackupConfig is the cluster's backup configuration; its passphrase and the SFTP password
// are never answered, and go with every write.
var BackupConfig = &Object{Name: "backup configuration", Path: "/api/v1/cluster/backups/config", ID: "backup_config", Scope: Cluster}

// TelemetryConfig is the cluster's CEIP (telemetry) configuration, with `_revision`.
var TelemetryConfig = &Object{Name: "telemetry configuration", Path: "/api/v1/telemetry/config", ID: "telemetry_config", Scope: Cluster}

// VirtualIPPath is the cluster's virtual IP.
const VirtualIPPath = "/api/v1/cluster/api-virtual-ip"

// VirtualIP is ClusterVirtualIpProperties: NSX answers 0.0.0.0 and :: for an address not
// set, which VirtualIP reads as "".
type VirtualIP struct {
	IPAddress  string `json:"ip_address"`
	IP6Address string `json:"ip6_address"`
}

func (v *VirtualIP) normalize() {
	v.IPAddress, v.IP6Address = session.Clean(v.IPAddress), session.Clean(v.IP6Address)
	if v.IPAddress == "0.0.0.0" {
		v.IPAddress = ""
	}
	if v.IP6Address == "::" {
		v.IP6Address = ""
	}
}

// GetVirtualIP reads the cluster's virtual IP.
func (c *Client) GetVirtualIP(ctx context.Context) (*VirtualIP, error) {
	var v VirtualIP
	if err := c.do(ctx, http.MethodGet, VirtualIPPath, nil, &v); err != nil {
		return nil, err
	}
	v.normalize()
	return &v, nil
}

// SetVirtualIP sets the cluster's virtual IPv4 and IPv6 address ("": leave it); force skips
// NSX's duplicate-address and DNS checks.
func (c *Client) SetVirtualIP(ctx context.Context, ip4, ip6 string, force bool) (*VirtualIP, error) {
	q := url.Values{"action": {"set_virtual_ip"}, "force": {fmt.Sprint(force)}}
	if ip4 != "" {
		q.Set("ip_address", ip4)
	}
	if ip6 != "" {
		q.Set("ip6_address", ip6)
	}
	var v VirtualIP
	if err := c.do(ctx, http.MethodPost, VirtualIPPath+"?"+q.Encode(), nil, &v); err != nil {
		return nil, err
	}
	v.normalize()
	return &v, nil
}

// ClearVirtualIP clears the cluster's virtual IPv4 address, or its IPv6 one.
func (c *Client) ClearVirtualIP(ctx context.Context, v6 bool) error {
	action := "clear_virtual_ip"
	if v6 {
		action = "clear_virtual_ip6"
	}
	return c.do(ctx, http.MethodPost, VirtualIPPath+"?action="+action, nil, nil)
}

// ClusterStatus is the part of GET /api/v1/cluster/status a hardening check reads.
type ClusterStatus struct {
	ClusterID            string `json:"cluster_id"`
	ControlClusterStatus struct {
		Status string `json:"status"`
	} `json:"control_cluster_status"`
	MgmtClusterStatus struct {
		Status       string        `json:"status"`
		OnlineNodes  []ClusterNode `json:"online_nodes"`
		OfflineNodes []ClusterNode `json:"offline_nodes"`
	} `json:"mgmt_cluster_status"`
}

// ClusterNode is a management plane node of a ClusterStatus.
type ClusterNode struct {
	UUID      string `json:"uuid"`
	IPAddress string `json:"mgmt_cluster_listen_ip_address"`
	IP6       string `json:"mgmt_cluster_listen_ipv6_address,omitempty"`
}

// maxClusterNodes bounds the node lists a status may hold (NSX clusters have three).
const maxClusterNodes = 64

// GetClusterStatus reads the cluster's status.
func (c *Client) GetClusterStatus(ctx context.Context) (*ClusterStatus, error) {
	var s ClusterStatus
	if err := c.do(ctx, http.MethodGet, "/api/v1/cluster/status", nil, &s); err != nil {
		return nil, err
	}
	m := &s.MgmtClusterStatus
	if len(m.OnlineNodes)+len(m.OfflineNodes) > maxClusterNodes {
		return nil, fmt.Errorf("the manager listed %d cluster nodes; no NSX cluster has more than %d", len(m.OnlineNodes)+len(m.OfflineNodes), maxClusterNodes)
	}
	s.ClusterID, s.ControlClusterStatus.Status, m.Status = session.Clean(s.ClusterID), session.Clean(s.ControlClusterStatus.Status), session.Clean(m.Status)
	for _, list := range [][]ClusterNode{m.OnlineNodes, m.OfflineNodes} {
		for i := range list {
			list[i].UUID, list[i].IPAddress, list[i].IP6 = session.Clean(list[i].UUID), session.Clean(list[i].IPAddress), session.Clean(list[i].IP6)
		}
	}
	return &s, nil
}

// SyslogExporter is NodeSyslogExporterProperties; TLSKeyPEM is sent, never answered.
type SyslogExporter struct {
	ExporterName   string   `json:"exporter_name"`
	Server         string   `json:"server"`
	Port           int64    `json:"port,omitempty"`
	Protocol       string   `json:"protocol"`
	Level          string   `json:"level"`
	Facilities     []string `json:"facilities"`
	Msgids         []string `json:"msgids"`
	StructuredData []string `json:"structured_data"`
	TLSCAPEM       string   `json:"tls_ca_pem,omitempty"`
	TLSCertPEM     string   `json:"tls_cert_pem,omitempty"`
	TLSClientCAPEM string   `json:"tls_client_ca_pem,omitempty"`
	TLSKeyPEM      string   `json:"tls_key_pem,omitempty"`
}

const exportersPath = "/api/v1/node/services/syslog/exporters"

// maxExporters bounds the exporters a node may list (NSX keeps a handful).
const maxExporters = 1000

// SyslogExporters lists node's syslog exporters.
func (c *Client) SyslogExporters(ctx context.Context, node string) ([]SyslogExporter, error) {
	var out struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := c.doOn(ctx, node, http.MethodGet, exportersPath, nil, &out); err != nil {
		return nil, err
	}
	if len(out.Results) > maxExporters {
		return nil, fmt.Errorf("node %s listed %d syslog exporters, more than the %d this provider reads", node, len(out.Results), maxExporters)
	}
	list := make([]SyslogExporter, 0, len(out.Results))
	seen := map[string]bool{}
	for _, raw := range out.Results {
		var e SyslogExporter
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("node %s listed a syslog exporter the provider cannot read: %w", node, err)
		}
		e.ExporterName = session.Clean(e.ExporterName)
		if seen[e.ExporterName] {
			return nil, fmt.Errorf("node %s listed the syslog exporter %s twice", node, session.Quote(e.ExporterName))
		}
		seen[e.ExporterName] = true
		list = append(list, e)
	}
	return list, nil
}

// CreateSyslogExporter adds e on node.
func (c *Client) CreateSyslogExporter(ctx context.Context, node string, e SyslogExporter) error {
	return c.doOn(ctx, node, http.MethodPost, exportersPath, e, nil)
}

// DeleteSyslogExporter removes node's exporter name; one already gone is no error.
func (c *Client) DeleteSyslogExporter(ctx context.Context, node, name string) error {
	err := c.doOn(ctx, node, http.MethodDelete, exportersPath+"/"+url.PathEscape(name), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ServerCertificate is the certificate node presents on its API port (node: as the nsxt
// block lists it), read from the TLS connection of a request to it.
func (c *Client) ServerCertificate(ctx context.Context, node string) (*x509.Certificate, error) {
	resp, err := c.s.Checked(ctx, node, &session.Request{Method: http.MethodGet, Path: "/api/v1/node/version"}, c.answerError)
	if err != nil {
		return nil, err
	}
	if len(resp.Certificates) == 0 {
		return nil, fmt.Errorf("node %s presented no certificate", node)
	}
	return resp.Certificates[0], nil
}
