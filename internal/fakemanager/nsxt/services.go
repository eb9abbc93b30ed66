package nsxt

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// What runs on each manager node, as the fake NSX holds it: the node services
// (/api/v1/node/services/<name>, each with its properties, a /status and the start, stop and
// restart actions), the syslog exporters of each node, and their fresh-manager values. The
// shapes are the vendor SDK's (NodeNtpServiceProperties, NodeSshServiceProperties,
// NodeSyslogExporterProperties, LoggingServiceProperties, NodeServiceStatusProperties); the
// SNMP service's is the NSX 4.2 API reference's (communities, v2 and v3 targets, v3 users
// with their protocols; the SDK of this release knows only the older strings).

// ServicesPath is where the node services live.
const ServicesPath = "/api/v1/node/services/"

// ServicePath is the path of the node service name.
func ServicePath(name string) string { return ServicesPath + name }

// LoggingServices are the node services whose properties carry a logging_level (the SDK's
// NodeAsyncReplicatorServiceProperties, NodeAuthServiceProperties, NodeHttpServiceProperties,
// NodeProtonServiceProperties for manager, NodePolicyServiceProperties and
// NodePhonehomeCoordinatorServiceProperties for telemetry).
var LoggingServices = []string{"async_replicator", "auth", "http", "manager", "policy", "telemetry"}

// loggingLevels are LoggingServiceProperties' levels.
var loggingLevels = []string{"OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"}

// hostOrIP is a host name or an IP address (HostnameOrIPAddress).
var hostOrIP = regexp.MustCompile(`^([0-9a-fA-F:.]+|[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$`)

func hostRule() rule { return rule{kind: "string", pattern: hostOrIP, maxLen: 255, minLen: 1} }

// serviceDef is the node service name with the property rules props and the fresh values
// defaults.
func serviceDef(name, schema string, props map[string]rule, defaults func() map[string]any) *objectDef {
	return &objectDef{
		path: ServicePath(name), schema: schema, perNode: true,
		readOnly: map[string]bool{"service_name": true},
		fields:   map[string]rule{"service_properties": objectRule(props)},
		defaults: func(*Fake, int) map[string]any {
			return map[string]any{"service_name": name, "service_properties": defaults()}
		},
	}
}

// serviceDefs are the node services this fake serves, with a fresh manager's values: NTP
// without servers, SSH running and started on boot (as an appliance deployed with SSH
// enabled has it), SNMP off, every logging service at INFO.
func serviceDefs() []*objectDef {
	defs := []*objectDef{
		serviceDef("ntp", "NodeNtpServiceProperties", map[string]rule{
			// UNCONFIRMED limit, the fake's own: NodeNtpServiceProperties documents no maxItems
			// (NSX API reference), and the provider does not rely on one.
			"servers":       stringsRule(hostRule()).most(5),
			"start_on_boot": boolRule(),
		}, func() map[string]any { return map[string]any{"servers": []any{}, "start_on_boot": true} }),
		serviceDef("ssh", "NodeSshServiceProperties", map[string]rule{
			"start_on_boot": boolRule(),
			"root_login":    boolRule(),
		}, func() map[string]any { return map[string]any{"start_on_boot": true, "root_login": false} }),
		snmpDef(),
	}
	for _, name := range LoggingServices {
		if name == "http" {
			defs = append(defs, httpServiceDef())
			continue
		}
		props := map[string]rule{"logging_level": enumRule(loggingLevels...)}
		dflt := map[string]any{"logging_level": "INFO"}
		if name != "auth" && name != "telemetry" {
			// LoggingServiceProperties; the auth and telemetry services' models (the SDK's
			// AuthServiceProperties, PhonehomeCoordinatorServiceProperties) have the level only.
			props["package_logging_level"] = stringsRule(objectRule(map[string]rule{"logging_level": enumRule(loggingLevels...), "package_name": stringRule(255)}))
			props["modified_package_logging_levels"] = stringRule(4096)
			dflt["package_logging_level"] = []any{}
		}
		defs = append(defs, serviceDef(name, "NodeServiceProperties", props, func() map[string]any { return copyMap(dflt) }))
	}
	return defs
}

// httpServiceReadOnly are the fields of HttpServiceProperties (the SDK's model) beside the
// logging level: the API service's settings and the node's certificate, which NSX answers
// here and takes from /api/v1/cluster/api-service (they are deprecated on this object). A PUT
// may send them back as read; they are ignored.
var httpServiceReadOnly = []string{"basic_authentication_enabled", "certificate", "cipher_suites", "client_api_concurrency_limit",
	"client_api_rate_limit", "connection_timeout", "cookie_based_authentication_enabled", "global_api_concurrency_limit",
	"protocol_versions", "redirect_host", "session_timeout"}

// httpServiceDef is the HTTP service, NodeHttpServiceProperties whole: its logging level
// (writable) and the read-only fields above, from the API service's configuration as it is.
func httpServiceDef() *objectDef {
	d := serviceDef("http", "NodeHttpServiceProperties", map[string]rule{"logging_level": enumRule(loggingLevels...)},
		func() map[string]any { return map[string]any{"logging_level": "INFO"} })
	props := d.fields["service_properties"]
	props.readOnly = map[string]bool{}
	for _, name := range httpServiceReadOnly {
		props.readOnly[name] = true
	}
	d.fields["service_properties"] = props
	d.present = func(f *Fake, _ int, o map[string]any) {
		p, _ := o["service_properties"].(map[string]any)
		if p == nil {
			return
		}
		c := f.config
		p["session_timeout"], p["connection_timeout"], p["redirect_host"] = c.SessionTimeout, c.ConnectionTimeout, c.RedirectHost
		p["client_api_rate_limit"], p["client_api_concurrency_limit"] = c.ClientAPIRateLimit, c.ClientAPIConcurrencyLimit
		p["global_api_concurrency_limit"] = c.GlobalAPIConcurrencyLimit
		p["basic_authentication_enabled"], p["cookie_based_authentication_enabled"] = c.BasicAuthenticationEnabled, c.CookieBasedAuthenticationEnabled
		p["cipher_suites"], p["protocol_versions"] = c.CipherSuites, c.ProtocolVersions
		p["certificate"] = f.serverCertificate()
	}
	return d
}

// serverCertificate is the Certificate the HTTP service answers: the one the nodes serve.
func (f *Fake) serverCertificate() map[string]any {
	c := map[string]any{"resource_type": "certificate_self_signed", "id": "d4b1c0de-0000-4000-8000-00000000ce47",
		"display_name": "tomcat-certificate", "pem_encoded": ""}
	if srv := f.srv.Load(); srv != nil {
		c["pem_encoded"] = srv.CertificatePEM()
	}
	return c
}

// snmpDef is the SNMP service. Community strings and v3 passwords are secrets: never
// answered, kept when a write leaves them out for an item that exists, required for a new
// one. v2_configured and v3_configured are read-only and follow from the communities and the
// v3 users; a v3 target must name a v3 user.
func snmpDef() *objectDef {
	secretString := rule{kind: "string", minLen: 1, maxLen: 64}
	port := intRule(1, 65535).or(int64(162))
	d := serviceDef("snmp", "NodeSnmpServiceProperties", map[string]rule{
		"start_on_boot": boolRule(),
		"communities": stringsRule(objectRule(map[string]rule{
			"community_name":   {kind: "string", minLen: 1, maxLen: 64, required: true},
			"community_string": secretString,
			"access":           enumRule("READ_ONLY").or("READ_ONLY"),
		})).most(10),
		"v2_targets": stringsRule(objectRule(map[string]rule{
			"server":           hostRule().need(),
			"port":             port,
			"community_name":   {kind: "string", minLen: 1, maxLen: 64, required: true},
			"community_string": secretString,
		})).most(3),
		"v3_auth_protocol": enumRule("SHA1", "SHA256", "SHA384", "SHA512").or("SHA1"),
		"v3_priv_protocol": enumRule("AES128", "AES192", "AES256").or("AES128"),
		"v3_users": stringsRule(objectRule(map[string]rule{
			"user_id":        {kind: "string", minLen: 1, maxLen: 32, required: true, pattern: regexp.MustCompile(`^\S+$`)},
			"auth_password":  {kind: "string", minLen: 8, maxLen: 128},
			"priv_password":  {kind: "string", minLen: 8, maxLen: 128},
			"access":         enumRule("READ_ONLY").or("READ_ONLY"),
			"security_level": enumRule("AUTH_PRIV").or("AUTH_PRIV"),
		})).most(5),
		"v3_targets": stringsRule(objectRule(map[string]rule{
			"server":         hostRule().need(),
			"port":           port,
			"user_id":        {kind: "string", minLen: 1, maxLen: 32, required: true},
			"security_level": enumRule("AUTH_PRIV").or("AUTH_PRIV"),
		})).most(3),
	}, func() map[string]any {
		return map[string]any{
			"start_on_boot": false, "communities": []any{}, "v2_targets": []any{}, "v3_users": []any{}, "v3_targets": []any{},
			"v3_auth_protocol": "SHA1", "v3_priv_protocol": "AES128", "v2_configured": false, "v3_configured": false,
		}
	})
	props := d.fields["service_properties"]
	props.readOnly = map[string]bool{"v2_configured": true, "v3_configured": true}
	d.fields["service_properties"] = props
	d.secrets = []string{
		"service_properties.communities[].community_string", "service_properties.v2_targets[].community_string",
		"service_properties.v3_users[].auth_password", "service_properties.v3_users[].priv_password",
	}
	d.keep = map[string]string{"communities": "community_name", "v2_targets": "server", "v3_users": "user_id"}
	d.derive = func(next map[string]any) {
		p, _ := next["service_properties"].(map[string]any)
		if p == nil {
			return
		}
		comm, _ := p["communities"].([]any)
		users, _ := p["v3_users"].([]any)
		p["v2_configured"] = len(comm) > 0
		p["v3_configured"] = len(users) > 0
	}
	d.check = func(_ *Fake, _ int, next map[string]any) error {
		p, _ := next["service_properties"].(map[string]any)
		users := map[any]bool{}
		list, _ := p["v3_users"].([]any)
		for _, u := range list {
			if m, ok := u.(map[string]any); ok {
				users[m["user_id"]] = true
			}
		}
		targets, _ := p["v3_targets"].([]any)
		for i, t := range targets {
			if m, ok := t.(map[string]any); ok && !users[m["user_id"]] {
				return badRequest("Field service_properties.v3_targets[%d].user_id names %v, which is not one of the v3_users.", i, m["user_id"])
			}
		}
		return nil
	}
	return d
}

// serviceNames are the services with a status: the declared ones and syslog.
func (f *Fake) serviceNames() []string {
	var out []string
	for _, d := range f.defs {
		if name, ok := strings.CutPrefix(d.path, ServicesPath); ok {
			out = append(out, name)
		}
	}
	return append(out, "syslog")
}

// resetServices starts every service on every node, but SNMP, which a fresh manager has
// stopped; and gives every node no syslog exporter.
func (f *Fake) resetServices() {
	f.running = make([]map[string]bool, len(f.sessions))
	f.exporters = make([][]map[string]any, len(f.sessions))
	for i := range f.running {
		f.running[i] = map[string]bool{}
		for _, name := range f.serviceNames() {
			f.running[i][name] = name != "snmp"
		}
	}
}

// Running reports whether the service name runs on node, for tests.
func (f *Fake) Running(node int, name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running[node][name]
}

// SetRunning starts or stops the service name on node, as someone on its CLI would.
func (f *Fake) SetRunning(node int, name string, running bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running[node][name] = running
}

// serviceStatus is a service's NodeServiceStatusProperties on node (f.mu held): what GET
// …/status and every action answer.
func (f *Fake) serviceStatus(node int, name string) map[string]any {
	st := map[string]any{"_schema": "NodeServiceStatusProperties", "runtime_state": "stopped", "monitor_runtime_state": "running",
		"monitor_pid": 900 + node, "health": "STABLE", "pids": []int{}}
	if f.running[node][name] {
		st["runtime_state"], st["pids"] = "running", []int{1000 + 10*node + len(name)}
	}
	return st
}

func (f *Fake) registerServices(mux *http.ServeMux, node int) {
	for _, name := range f.serviceNames() {
		p := ServicePath(name)
		mux.HandleFunc("GET "+p+"/status", f.authed(node, func(w http.ResponseWriter, _ *http.Request) {
			f.mu.Lock()
			defer f.mu.Unlock()
			writeJSON(w, http.StatusOK, f.serviceStatus(node, name))
		}))
		act := f.authed(node, func(w http.ResponseWriter, r *http.Request) {
			action := r.URL.Query().Get("action")
			f.mu.Lock()
			defer f.mu.Unlock()
			switch action {
			case "start", "restart":
				f.running[node][name] = true
			case "stop":
				f.running[node][name] = false
			default:
				apiError(w, http.StatusBadRequest, errCodeBadRequest, "Invalid action "+action+"; it must be one of start, stop, restart.")
				return
			}
			f.stats.Add("service_actions", 1)
			f.stats.Add("service_actions "+name+" "+action, 1)
			writeJSON(w, http.StatusOK, f.serviceStatus(node, name))
		})
		mux.HandleFunc("POST "+p, act)
		if name == "ssh" {
			// The SSH service's actions that also notify the management plane agent
			// (CreateSSHServiceActionNotifyMpa; the SDK's ssh NotifyMpaClient: start, stop,
			// restart, answering NodeServiceStatusProperties).
			mux.HandleFunc("POST "+p+"/notify_mpa", act)
		}
	}
	if !contains(f.serviceNames(), "syslog") {
		return
	}
	mux.HandleFunc("GET "+ServicePath("syslog"), f.authed(node, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"_schema": "NodeServiceProperties", "service_name": "syslog"})
	}))
	exp := ServicePath("syslog") + "/exporters"
	mux.HandleFunc("GET "+exp, f.authed(node, f.listExporters(node)))
	mux.HandleFunc("POST "+exp, f.authed(node, f.createExporter(node)))
	mux.HandleFunc("GET "+exp+"/{name}", f.authed(node, f.getExporter(node)))
	mux.HandleFunc("DELETE "+exp+"/{name}", f.authed(node, f.deleteExporter(node)))
}

// exporterRules are NodeSyslogExporterProperties' fields; tls_key_pem is never answered.
var exporterRules = map[string]rule{
	"exporter_name":     {kind: "string", minLen: 1, maxLen: 255, required: true, pattern: regexp.MustCompile(`^[^/?#%\s]+$`)},
	"server":            hostRule().need(),
	"port":              intRule(1, 65535),
	"protocol":          enumRule("TCP", "TLS", "UDP", "LI", "LI-TLS").need(),
	"level":             enumRule("EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG").need(),
	"facilities":        stringsRule(enumRule("KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "AUTHPRIV", "FTP", "LOGALERT", "CRON", "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7")),
	"msgids":            stringsRule(stringRule(64)),
	"structured_data":   stringsRule(stringRule(255)),
	"tls_ca_pem":        stringRule(65536),
	"tls_cert_pem":      stringRule(65536),
	"tls_client_ca_pem": stringRule(65536),
	"tls_key_pem":       stringRule(65536),
}

func exporterOut(e map[string]any) map[string]any {
	out := copyMap(e)
	delete(out, "tls_key_pem")
	out["_schema"] = "NodeSyslogExporterProperties"
	return out
}

func (f *Fake) listExporters(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		results := make([]map[string]any, 0, len(f.exporters[node]))
		for _, e := range f.exporters[node] {
			results = append(results, exporterOut(e))
		}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"result_count": len(results), "results": results})
	}
}

func (f *Fake) exporterAt(node int, name string) int {
	for i, e := range f.exporters[node] {
		if e["exporter_name"] == name {
			return i
		}
	}
	return -1
}

func (f *Fake) getExporter(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		i := f.exporterAt(node, r.PathValue("name"))
		var out map[string]any
		if i >= 0 {
			out = exporterOut(f.exporters[node][i])
		}
		f.mu.Unlock()
		if out == nil {
			apiError(w, http.StatusNotFound, errCodeNotFound, "Syslog exporter "+r.PathValue("name")+" not found.")
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// createExporter adds an exporter: the name unique on the node, the port the protocol's
// default when left out (514, or 9000 for LI and LI-TLS), the TLS protocols with their CA
// (and, for a client certificate, its key), at most maxExporters on a node.
func (f *Fake) createExporter(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, ok := decodeObject(w, r)
		if !ok {
			return
		}
		e, err := f.checked(exporterRules, nil, in, map[string]any{}, nil, "")
		if err == nil {
			err = checkExporter(e)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if err == nil && f.exporterAt(node, e["exporter_name"].(string)) >= 0 { //nolint:forcetypeassert // required string
			err = badRequest("Syslog exporter %s already exists.", e["exporter_name"])
		}
		if err == nil && len(f.exporters[node]) >= maxExporters {
			err = badRequest("At most %d syslog exporters can be configured.", maxExporters)
		}
		if err != nil {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, err.Error())
			return
		}
		f.exporters[node] = append(f.exporters[node], e)
		f.stats.Add("object_writes", 1)
		f.stats.Add("exporter_creates", 1)
		writeJSON(w, http.StatusCreated, exporterOut(e))
	}
}

// maxExporters is the fake's limit of exporters on a node: UNCONFIRMED (no document gives
// one); the provider does not rely on it.
const maxExporters = 5

func checkExporter(e map[string]any) error {
	if _, ok := e["port"]; !ok {
		e["port"] = int64(514)
		if p := e["protocol"]; p == "LI" || p == "LI-TLS" {
			e["port"] = int64(9000)
		}
	}
	if p := e["protocol"]; p == "TLS" || p == "LI-TLS" {
		if e["tls_ca_pem"] == nil || e["tls_ca_pem"] == "" {
			return badRequest("Field tls_ca_pem is required for protocol %s.", p)
		}
		_, cert := e["tls_cert_pem"]
		_, key := e["tls_key_pem"]
		if cert != key {
			return badRequest("Fields tls_cert_pem and tls_key_pem go together.")
		}
	} else {
		for _, k := range []string{"tls_ca_pem", "tls_cert_pem", "tls_client_ca_pem", "tls_key_pem"} {
			if _, ok := e[k]; ok {
				return badRequest("Field %s is only for the TLS and LI-TLS protocols.", k)
			}
		}
	}
	for _, k := range []string{"facilities", "msgids", "structured_data"} {
		if _, ok := e[k]; !ok {
			e[k] = []any{}
		}
	}
	if s, _ := e["server"].(string); net.ParseIP(s) == nil && !strings.Contains(s, ".") && s != "localhost" {
		return badRequest("Field server has the invalid value %q: give an IP address or a fully qualified name.", s)
	}
	return nil
}

func (f *Fake) deleteExporter(node int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		i := f.exporterAt(node, r.PathValue("name"))
		if i < 0 {
			apiError(w, http.StatusNotFound, errCodeNotFound, "Syslog exporter "+r.PathValue("name")+" not found.")
			return
		}
		f.exporters[node] = append(f.exporters[node][:i], f.exporters[node][i+1:]...)
		f.stats.Add("exporter_deletes", 1)
		w.WriteHeader(http.StatusOK)
	}
}

// Exporters are the names of node's syslog exporters, sorted, for tests.
func (f *Fake) Exporters(node int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.exporters[node] {
		out = append(out, e["exporter_name"].(string)) //nolint:forcetypeassert // required string
	}
	sort.Strings(out)
	return out
}

// DeleteExporter removes node's exporter name, as someone on its CLI would.
func (f *Fake) DeleteExporter(node int, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := f.exporterAt(node, name); i >= 0 {
		f.exporters[node] = append(f.exporters[node][:i], f.exporters[node][i+1:]...)
	}
}

// decodeObject is r's JSON object body, or false with the 4xx written.
func decodeObject(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		apiError(w, http.StatusUnsupportedMediaType, errCodeBadRequest, "Content type "+ct+" is not supported; send application/json.")
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, bodyProblem(err))
		return nil, false
	}
	in, err := decodeJSONObject(body)
	if err != nil {
		apiError(w, http.StatusBadRequest, errCodeBadRequest, bodyProblem(err))
		return nil, false
	}
	return in, true
}

// AddExporter adds an exporter on node, as someone on its CLI would (checked as a POST is).
func (f *Fake) AddExporter(node int, e map[string]any) error {
	e, err := f.checked(exporterRules, nil, normalize(copyMap(e)).(map[string]any), map[string]any{}, nil, "") //nolint:forcetypeassert // a map stays a map
	if err == nil {
		err = checkExporter(e)
	}
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exporters[node] = append(f.exporters[node], e)
	return nil
}
