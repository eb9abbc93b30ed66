package nsxt

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"unicode"
)

// The cluster's platform settings, as the fake NSX holds them: the policy API's global
// configuration (its load balancers' FIPS mode), the backup configuration, the telemetry
// (CEIP) configuration, the cluster's virtual IP and the cluster's status. Shapes are the
// vendor SDK's (GlobalConfig with FipsGlobalConfig, BackupConfiguration, TelemetryConfig,
// ClusterVirtualIpProperties, ClusterStatus).

const (
	GlobalConfigPath = "/policy/api/v1/infra/global-config"
	BackupConfigPath = "/api/v1/cluster/backups/config"
	TelemetryPath    = "/api/v1/telemetry/config"
	VirtualIPPath    = "/api/v1/cluster/api-virtual-ip"
	ClusterStatusPat = "/api/v1/cluster/status"
)

// globalConfigDef is the policy API's GlobalConfig: a managed resource with `_revision`,
// whose resource_type must say what it is (the vendor's STIG template sends
// "FipsGlobalConfig", which is the type of its fips field, and is refused).
func globalConfigDef() *objectDef {
	ro := map[string]bool{}
	for _, k := range []string{"id", "display_name", "path", "relative_path", "parent_path", "unique_id", "marked_for_delete", "overridden",
		"realization_id", "owner_id", "origin_site_id", "remote_path", "description", "tags", "children"} {
		ro[k] = true
	}
	return &objectDef{
		path: GlobalConfigPath, schema: "GlobalConfig", revision: true, readOnly: ro,
		fields: map[string]rule{
			"resource_type":                   enumRule("GlobalConfig").need(),
			"fips":                            objectRule(map[string]rule{"lb_fips_enabled": boolRule()}),
			"l3_forwarding_mode":              enumRule("IPV4_ONLY", "IPV4_AND_IPV6"),
			"mtu":                             intRule(1280, 9000),
			"uplink_mtu_threshold":            intRule(1280, 9000),
			"allow_changing_vdr_mac_in_use":   boolRule(),
			"vdr_mac":                         stringRule(17),
			"vdr_mac_nested":                  stringRule(17),
			"arp_limit_per_gateway":           intRule(5000, 50000),
			"remote_tunnel_physical_mtu":      intRule(1280, 9000),
			"ipv6_ndra_profile_path":          stringRule(1024),
			"global_replication_mode_enabled": boolRule(),
		},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{
				"resource_type": "GlobalConfig", "id": "global-config", "display_name": "global-config", "path": "/infra/global-config",
				"relative_path": "global-config", "parent_path": "/infra", "marked_for_delete": false, "overridden": false,
				"fips": map[string]any{"lb_fips_enabled": false}, "l3_forwarding_mode": "IPV4_ONLY", "mtu": int64(1700),
				"uplink_mtu_threshold": int64(9000), "allow_changing_vdr_mac_in_use": false, "vdr_mac": "02:50:56:56:44:52",
				"vdr_mac_nested": "02:50:56:56:44:53", "arp_limit_per_gateway": int64(50000), "remote_tunnel_physical_mtu": int64(1700),
				"global_replication_mode_enabled": false,
			}
		},
	}
}

// fingerprint is an SSH host key's SHA256 fingerprint, as ssh-keygen -l -E sha256 prints it.
var fingerprint = regexp.MustCompile(`^SHA256:[A-Za-z0-9+/]{43}=?$`)

// backupDef is the BackupConfiguration: the passphrase and the SFTP password are secrets
// (never answered, kept when a write leaves them out); enabling backups takes a remote file
// server, a passphrase (8 characters or more, with a lower and an upper case letter, a digit
// and a special character) and, for the PASSWORD scheme, a password. Ranges are the API
// reference's.
func backupDef() *objectDef {
	schedule := objectRule(map[string]rule{
		"resource_type":           enumRule("IntervalBackupSchedule", "WeeklyBackupSchedule").need(),
		"seconds_between_backups": intRule(300, 86400),
		"days_of_week":            stringsRule(intRule(0, 6)).most(7),
		"hour_of_day":             intRule(0, 23),
		"minute_of_day":           intRule(0, 59),
	})
	server := objectRule(map[string]rule{
		"server":         hostRule().need(),
		"port":           intRule(1, 65535).or(int64(22)),
		"directory_path": {kind: "string", minLen: 1, maxLen: 255, required: true, pattern: regexp.MustCompile(`^/`)},
		"protocol": objectRule(map[string]rule{
			"protocol_name":   enumRule("sftp").need(),
			"ssh_fingerprint": rule{kind: "string", pattern: fingerprint}.need(),
			"authentication_scheme": objectRule(map[string]rule{
				"scheme_name":   enumRule("PASSWORD", "KEY").need(),
				"username":      {kind: "string", minLen: 1, maxLen: 255, required: true},
				"password":      stringRule(255),
				"identity_file": stringRule(255),
			}).need(),
		}).need(),
	})
	return &objectDef{
		path: BackupConfigPath, schema: "BackupConfiguration", bare: true,
		fields: map[string]rule{
			"backup_enabled":                  boolRule(),
			"backup_schedule":                 schedule,
			"remote_file_server":              server,
			"passphrase":                      stringRule(128),
			"inventory_summary_interval":      intRule(30, 3600),
			"after_inventory_update_interval": intRule(300, 86400),
		},
		secrets: []string{"passphrase", "remote_file_server.protocol.authentication_scheme.password"},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{"backup_enabled": false, "inventory_summary_interval": int64(240),
				"backup_schedule": map[string]any{"resource_type": "IntervalBackupSchedule", "seconds_between_backups": int64(3600)}}
		},
		check: checkBackup,
	}
}

func checkBackup(_ *Fake, _ int, next map[string]any) error {
	if s, ok := next["backup_schedule"].(map[string]any); ok {
		interval := s["resource_type"] == "IntervalBackupSchedule"
		for _, k := range []string{"days_of_week", "hour_of_day", "minute_of_day"} {
			if _, has := s[k]; has == interval {
				if interval {
					return badRequest("Field backup_schedule.%s is not allowed in an IntervalBackupSchedule.", k)
				}
				return badRequest("Field backup_schedule.%s is required in a WeeklyBackupSchedule.", k)
			}
		}
		if _, has := s["seconds_between_backups"]; has != interval {
			return badRequest("Field backup_schedule.seconds_between_backups belongs to an IntervalBackupSchedule only.")
		}
	}
	if p, ok := next["passphrase"].(string); ok && !goodPassphrase(p) {
		return badRequest("The passphrase must be at least 8 characters long and contain a lower case letter, an upper case letter, a digit and a special character.")
	}
	if next["backup_enabled"] != true {
		return nil
	}
	rfs, ok := next["remote_file_server"].(map[string]any)
	if !ok {
		return badRequest("Backups cannot be enabled without a remote_file_server.")
	}
	if _, ok := next["passphrase"]; !ok {
		return badRequest("Backups cannot be enabled without a passphrase.")
	}
	proto, _ := rfs["protocol"].(map[string]any)
	auth, _ := proto["authentication_scheme"].(map[string]any)
	if _, ok := auth["password"]; auth["scheme_name"] == "PASSWORD" && !ok {
		return badRequest("Field remote_file_server.protocol.authentication_scheme.password is required for the PASSWORD scheme.")
	}
	return nil
}

func goodPassphrase(p string) bool {
	var lower, upper, digit, special bool
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r):
			return false
		default:
			special = true
		}
	}
	return len(p) >= 8 && lower && upper && digit && special
}

// telemetryDef is the TelemetryConfig, a managed resource with `_revision`; a fresh manager
// takes part in CEIP on the default schedule (weekly, Sunday at 2:00).
func telemetryDef() *objectDef {
	ro := map[string]bool{}
	for _, k := range []string{"telemetry_deployment_id", "id", "display_name", "resource_type", "description", "tags", "protection", "system_owned"} {
		ro[k] = true
	}
	return &objectDef{
		path: TelemetryPath, schema: "TelemetryConfig", revision: true, readOnly: ro,
		fields: map[string]rule{
			"ceip_acceptance":  boolRule(),
			"schedule_enabled": boolRule(),
			"proxy_enabled":    boolRule(),
			"telemetry_schedule": objectRule(map[string]rule{
				"frequency_type": enumRule("DailyTelemetrySchedule", "WeeklyTelemetrySchedule", "MonthlyTelemetrySchedule").need(),
				"day_of_week":    enumRule("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"),
				"day_of_month":   intRule(1, 31),
				"hour_of_day":    intRule(0, 23),
				"minutes":        intRule(0, 59),
			}),
			"telemetry_proxy": objectRule(map[string]rule{
				"hostname": hostRule(), "port": intRule(1, 65535), "scheme": enumRule("HTTP", "HTTPS"), "username": stringRule(255),
				"password": stringRule(255), "certificate_id": stringRule(255), "test_connection_url": stringRule(2048),
			}),
		},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{
				"ceip_acceptance": true, "schedule_enabled": true, "proxy_enabled": false, "resource_type": "TelemetryConfig",
				"id": "TelemetryConfigIdentifier", "telemetry_deployment_id": "7d1c3a5e-0000-4000-8000-000000000001",
				"telemetry_schedule": map[string]any{"frequency_type": "WeeklyTelemetrySchedule", "day_of_week": "SUNDAY", "hour_of_day": int64(2), "minutes": int64(0)},
			}
		},
		check: func(_ *Fake, _ int, next map[string]any) error {
			s, ok := next["telemetry_schedule"].(map[string]any)
			if !ok {
				return nil
			}
			needs := map[string][]string{
				"DailyTelemetrySchedule":   {"hour_of_day"},
				"WeeklyTelemetrySchedule":  {"day_of_week", "hour_of_day"},
				"MonthlyTelemetrySchedule": {"day_of_month", "hour_of_day"},
			}
			ft, _ := s["frequency_type"].(string)
			for _, k := range needs[ft] {
				if _, ok := s[k]; !ok {
					return badRequest("Field telemetry_schedule.%s is required in a %s.", k, ft)
				}
			}
			if _, ok := s["day_of_week"]; ok && ft != "WeeklyTelemetrySchedule" {
				return badRequest("Field telemetry_schedule.day_of_week belongs to a WeeklyTelemetrySchedule only.")
			}
			if _, ok := s["day_of_month"]; ok && ft != "MonthlyTelemetrySchedule" {
				return badRequest("Field telemetry_schedule.day_of_month belongs to a MonthlyTelemetrySchedule only.")
			}
			return nil
		},
	}
}

// virtualIP answers GET, and the set_virtual_ip, clear_virtual_ip and clear_virtual_ip6
// actions of the cluster's virtual IP; unset, it reads 0.0.0.0 and ::, as NSX documents. An
// address another host holds (InUse) is refused unless force=true, which skips the
// duplicate-address check, as NSX documents.
func (f *Fake) virtualIP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, f.vipOut())
		return
	}
	q := r.URL.Query()
	switch q.Get("action") {
	case "set_virtual_ip":
		ip4, ip6 := q.Get("ip_address"), q.Get("ip6_address")
		force := q.Get("force")
		if force != "" && force != "true" && force != "false" {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Parameter force must be true or false.")
			return
		}
		if ip4 == "" && ip6 == "" {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Either ip_address or ip6_address is required.")
			return
		}
		if ip4 != "" {
			if a := net.ParseIP(ip4); a == nil || a.To4() == nil || a.IsUnspecified() {
				apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Invalid IPv4 address %q.", ip4))
				return
			}
		}
		if ip6 != "" {
			if a := net.ParseIP(ip6); a == nil || a.To4() != nil || a.IsUnspecified() {
				apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Invalid IPv6 address %q.", ip6))
				return
			}
		}
		for _, ip := range []string{ip4, ip6} {
			if ip != "" && contains(f.opts.InUse, ip) && force != "true" {
				apiError(w, http.StatusBadRequest, errCodeVIPInUse, fmt.Sprintf("The address %s is in use on the network (duplicate address detected).", ip))
				return
			}
		}
		if ip4 != "" {
			f.vip[0] = ip4
		}
		if ip6 != "" {
			f.vip[1] = ip6
		}
	case "clear_virtual_ip":
		f.vip[0] = ""
	case "clear_virtual_ip6":
		f.vip[1] = ""
	default:
		apiError(w, http.StatusBadRequest, errCodeBadRequest, "Invalid action "+q.Get("action")+".")
		return
	}
	f.stats.Add("object_writes", 1)
	f.stats.Add("vip_actions", 1)
	writeJSON(w, http.StatusOK, f.vipOut())
}

const errCodeVIPInUse = 21042 // UNCONFIRMED; the provider reports the refusal as it comes and matches no code

func (f *Fake) vipOut() map[string]any {
	ip4, ip6 := f.vip[0], f.vip[1]
	if ip4 == "" {
		ip4 = "0.0.0.0"
	}
	if ip6 == "" {
		ip6 = "::"
	}
	return map[string]any{"ip_address": ip4, "ip6_address": ip6}
}

// VirtualIP is the cluster's virtual IPv4 address ("" unset), for tests.
func (f *Fake) VirtualIP() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.vip[0]
}

// SetVirtualIP sets the cluster's virtual IPv4 address ("" clears it), as an operator would.
func (f *Fake) SetVirtualIP(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.vip[0] = ip
}

// clusterStatus is the cluster's status: every node the server serves is online; the
// management cluster is STABLE with all of them, DEGRADED with a majority, UNSTABLE without.
func (f *Fake) clusterStatus(w http.ResponseWriter, _ *http.Request) {
	srv := f.srv.Load()
	var online, offline []map[string]any
	for i := range f.sessions {
		n := map[string]any{"uuid": nodeUUID(i), "mgmt_cluster_listen_ip_address": fmt.Sprintf("192.0.2.%d", 11+i)}
		if srv == nil || srv.Serving(i) {
			online = append(online, n)
		} else {
			offline = append(offline, n)
		}
	}
	status := "STABLE"
	switch {
	case len(offline) == 0:
	case len(online) > len(offline):
		status = "DEGRADED"
	default:
		status = "UNSTABLE"
	}
	if online == nil {
		online = []map[string]any{}
	}
	if offline == nil {
		offline = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"cluster_id":             "5d6e1a2b-0000-4000-8000-00000000c1a5",
		"control_cluster_status": map[string]any{"status": status},
		"mgmt_cluster_status":    map[string]any{"status": status, "online_nodes": online, "offline_nodes": offline},
	})
}

func nodeUUID(i int) string { return fmt.Sprintf("4a2f1c3d-0000-4000-8000-%012d", i+1) }
