// Command bench is what `make bench` runs: it builds the provider (or takes one with
// -provider), starts a fake NSX for each workload, runs the real terraform against it through
// a CLI configuration with dev_overrides, and prints one table: for each workload the
// requests the fake served, how many it refused (429/503), the logins, the wall time, and
// the ratio to the physical floor.
//
// The floor is what the work cannot go below on this machine: a terraform run that reads one
// nsx_version (measured first, the median of five) for each command, plus what the manager's
// limits force (requests beyond its full bucket at its stated rate, rounds of its concurrency
// limit times its latency). Requests and logins are shown beside those the work needs.
//
// Timings are ratios within one run; no test asserts them.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/devrun"
	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	"github.com/netsession/terraform-provider-nsx/internal/stigcheck"
)

func main() {
	providerDir := flag.String("provider", "", "directory holding a built terraform-provider-nsx to measure (default: build this tree)")
	only := flag.String("only", "", "run only the workloads whose name matches this regular expression")
	flag.Parse()
	if err := run(*providerDir, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// workload is one row of the table.
type workload struct {
	name     string
	nsxt     fakensxt.Options
	latency  time.Duration
	settings []string // provider-level attributes
	config   string   // data sources and resources
	// prepare runs unmeasured commands first (a session to cache, a session to kill).
	prepare func(w *workspace, fake *fakensxt.Fake) error
	// cmds are the measured terraform commands.
	cmds [][]string
	// needs: the workload uses something a provider may lack (checked with the schema).
	needs string
	// floor is the physical floor of the measured commands, from the fake's limits and
	// latency and the baseline run; logins is the logins the work needs.
	floor  func(base time.Duration) time.Duration
	logins int64
	// needed is the requests the work needs (0: not worked out).
	needed int64
	// note adds what the row is about (GETs, the provider's time after the last page).
	note func(st map[string]int64, log string) string
	// logged says whether the provider's log has what note reads: terraform may stop the
	// provider before it has copied the last lines of its log, and the run is then repeated
	// (at most twice).
	logged func(log string) bool
	// nodes is the size of the NSX cluster (default 1); restart the API service's
	// unavailability after a restarting write; module a root module under examples/modules
	// (<module>/examples/<root>) run instead of config, with the fake's addresses and
	// credentials in its variables.
	nodes   int
	restart time.Duration
	module  string
	// vendor runs, after the measured commands and unmeasured, what the vendor's own tool
	// would send for the same work, and says so in the notes.
	vendor func(base string, c *http.Client, user, password string) (string, error)
}

type bench struct {
	root, providerDir string
	repo              string
	ca                *fakemanager.CA
	caFile            string
	base              time.Duration
	schema            string
}

func run(providerDir, only string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nsx-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	if providerDir == "" {
		providerDir = filepath.Join(tmp, "provider")
		build := exec.Command("go", "build", "-o", filepath.Join(providerDir, "terraform-provider-nsx"), ".")
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the provider: %w", err)
		}
	}
	ca, err := fakemanager.NewCA()
	if err != nil {
		return err
	}
	b := &bench{root: tmp, repo: root, providerDir: providerDir, ca: ca, caFile: filepath.Join(tmp, "ca.pem")}
	if err := os.WriteFile(b.caFile, ca.CertPEM, 0o600); err != nil {
		return err
	}
	b.schema, err = b.providerSchema()
	if err != nil {
		return err
	}

	// The baseline: a plan that reads one nsx_version, median of five.
	var runs []time.Duration
	for range 5 {
		r, err := b.measure(&workload{name: "baseline", config: `data "nsx_version" "v" {}`, cmds: [][]string{{"plan"}}})
		if err != nil {
			return err
		}
		runs = append(runs, r.wall)
	}
	slices.Sort(runs)
	b.base = runs[2]
	fmt.Printf("baseline: a terraform plan reading one nsx_version takes %s on this machine (median of 5)\n\n", b.base.Round(time.Millisecond))

	re, err := regexp.Compile(only)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	rows := [][]string{{"workload", "requests", "needed", "refused", "logins", "needed", "wall s", "floor s", "ratio", "notes"}}
	for _, w := range workloads() {
		if !re.MatchString(w.name) {
			continue
		}
		if w.needs != "" && !strings.Contains(b.schema, `"`+w.needs+`"`) {
			rows = append(rows, []string{w.name, "-", "-", "-", "-", "-", "-", "-", "-", "(this provider has no " + w.needs + ")"})
			continue
		}
		r, err := b.measure(&w)
		for try := 0; err == nil && w.logged != nil && !w.logged(r.log) && try < 2; try++ {
			r, err = b.measure(&w)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		floor := w.floor(b.base)
		note := ""
		if w.note != nil {
			note = w.note(r.stats, r.log)
		}
		if r.vendor != "" {
			note = strings.TrimPrefix(note+"; "+r.vendor, "; ")
		}
		needed := "-"
		if w.needed > 0 {
			needed = fmt.Sprint(w.needed)
		}
		rows = append(rows, []string{w.name, fmt.Sprint(r.stats["requests"]), needed,
			fmt.Sprint(r.stats["rate_limited"] + r.stats["concurrency_limited"]), fmt.Sprint(r.stats["logins"]), fmt.Sprint(w.logins),
			fmt.Sprintf("%.2f", r.wall.Seconds()), fmt.Sprintf("%.2f", floor.Seconds()),
			fmt.Sprintf("%.2f", r.wall.Seconds()/floor.Seconds()), note})
		fmt.Fprintf(os.Stderr, "done: %s (%.1f s)\n", w.name, r.wall.Seconds())
	}
	for _, row := range rows {
		if _, err := fmt.Fprintln(tw, strings.Join(row, "\t")+"\t"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// rateFloor is the wait a manager with a full bucket of limit requests, refilled at limit a
// second, imposes on n requests.
func rateFloor(n, limit int) time.Duration {
	return time.Duration(float64(max(n-limit, 0)) / float64(limit) * float64(time.Second))
}

func segmentReads(n, from int) string {
	return fmt.Sprintf("data \"nsx_segment\" \"s\" {\n  count = %d\n  id    = format(\"segment-%%04d\", count.index + %d)\n}\n", n, from)
}

func workloads() []workload {
	plan := [][]string{{"plan"}}
	versions := func(n int) string { return fmt.Sprintf("data \"nsx_version\" \"v\" { count = %d }\n", n) }
	gets := func(st map[string]int64, _ string) string {
		return fmt.Sprintf("%d GETs", st["requests"]-st["logins"]-st["logouts"])
	}
	oneRun := func(base time.Duration) time.Duration { return base }
	cycle := [][]string{{"plan"}, {"apply", "-auto-approve"}, {"destroy", "-auto-approve"}}
	return append([]workload{
		{
			name:   "100 nsx_version, -parallelism=20, rate limit 5/s",
			nsxt:   fakensxt.Options{APIService: map[string]any{"client_api_rate_limit": 5}},
			config: versions(100), cmds: [][]string{{"plan", "-parallelism=20"}},
			// One GET, a login and a logout: within the manager's bucket.
			floor: oneRun, logins: 1, needed: 3, note: gets,
		},
		{
			name:   "100 distinct reads (nsx_segment), -parallelism=20, rate limit 5/s",
			nsxt:   fakensxt.Options{Segments: 120, APIService: map[string]any{"client_api_rate_limit": 5}},
			config: segmentReads(100, 7), cmds: [][]string{{"plan", "-parallelism=20"}}, needs: "nsx_segment",
			floor: func(base time.Duration) time.Duration { return base + rateFloor(102, 5) }, logins: 1, needed: 102,
		},
		{
			name: "30 nsx_version in one plan", config: versions(30), cmds: plan,
			floor: oneRun, logins: 1, needed: 3, note: gets,
		},
		{
			name: "nsx_segments over 2,600 segments", nsxt: fakensxt.Options{Segments: 2600},
			config: `data "nsx_segments" "all" {}` + "\n", cmds: plan,
			floor: oneRun, logins: 1, needed: 5, note: afterLastPage, logged: timed,
		},
		{
			// The same listing with a state of one segment: the difference to the row above
			// is what a state of 2,600 segments costs, most of it in terraform itself.
			name: "the same listing, filtered to one segment", nsxt: fakensxt.Options{Segments: 2600},
			config: "data \"nsx_segments\" \"all\" {\n  display_name = \"web\"\n}\n", cmds: plan,
			floor: oneRun, logins: 1, needed: 5, note: afterLastPage, logged: timed,
		},
		{
			name: "nsx_segments over 20,000 segments", nsxt: fakensxt.Options{Segments: 20000},
			config: `data "nsx_segments" "all" {}` + "\n", cmds: plan,
			floor: oneRun, logins: 1, needed: 22, note: afterLastPage, logged: timed,
		},
		{
			name: "40 distinct reads, concurrency limit 5, 40 ms latency",
			nsxt: fakensxt.Options{Segments: 60, APIService: map[string]any{"client_api_concurrency_limit": 5}}, latency: 40 * time.Millisecond,
			config: segmentReads(40, 7), cmds: [][]string{{"plan", "-parallelism=20"}}, needs: "nsx_segment",
			// 40 reads 5 at a time, the login and the logout in rounds of their own.
			floor: func(base time.Duration) time.Duration { return base + 10*40*time.Millisecond }, logins: 1, needed: 42,
		},
		{
			// Logins are lazy: only the apply and the destroy contact the manager.
			name: "plan/apply/destroy of nsx_api_service_config", config: apiServiceConfig, cmds: cycle,
			floor: func(base time.Duration) time.Duration { return 3 * base }, logins: 2,
		},
		{
			name: "the same cycle, session_cache = true", config: apiServiceConfig, settings: []string{"session_cache = true"}, cmds: cycle,
			floor: func(base time.Duration) time.Duration { return 3 * base }, logins: 1,
		},
		{
			name: "50 parallel reads on a dead cached session", nsxt: fakensxt.Options{Segments: 60},
			settings: []string{"session_cache = true"}, config: segmentReads(50, 7), needs: "nsx_segment",
			prepare: func(w *workspace, fake *fakensxt.Fake) error {
				// A first run caches its session; the manager then ends it.
				if err := w.write(`data "nsx_version" "v" {}`); err != nil {
					return err
				}
				if _, _, err := w.terraform("plan"); err != nil {
					return err
				}
				fake.ExpireSessions()
				return nil
			},
			cmds: [][]string{{"plan", "-parallelism=50"}},
			// 50 reads, the one refused with the dead session, one login.
			floor: oneRun, logins: 1, needed: 52,
		},
		{
			// The routing STIG over a large site: one hierarchical read and the global
			// configuration, whatever the number of gateways. The vendor's profile sends one
			// GET per gateway, locale service, interface list, BGP/OSPF object and profile,
			// for each control again (counted by running its port against the same fake).
			name:   "nsx_routing_stig: 20 Tier-0, 40 Tier-1, 200 interfaces",
			nsxt:   fakensxt.Options{Release: fakensxt.Release90, Infra: routingInfra(20, 40, 6, 2), APIService: map[string]any{"client_api_rate_limit": 0}},
			config: `data "nsx_routing_stig" "all" {}` + "\n", cmds: plan, needs: "nsx_routing_stig",
			floor: oneRun, logins: 1, needed: 4, note: gets,
			vendor: func(base string, c *http.Client, user, password string) (string, error) {
				rep, err := stigcheck.RunRouting(context.Background(), c, base, user, password, stigcheck.RoutingInputs{})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("the vendor's InSpec profile: %d GETs", rep.Requests), nil
			},
		},
	}, append(stigRows("VCF 9", "", fakensxt.Release90), stigRows("NSX 4.2", " (NSX 4.x STIG)", fakensxt.Release42)...)...)
}

// stigRows are the STIG module's first apply on a fresh three-node manager of release, and
// its second apply on the compliant manager.
func stigRows(name, stig, release string) []workload {
	opts := fakensxt.Options{Release: release}
	return []workload{
		{
			// One login per node of the apply, one for the plan's check of the cipher names,
			// and one more per node for each restart: the lockout policy's (each node in
			// turn) and the API service's (every node). The floor waits out the four
			// restarts one after the other.
			name: "STIG module, first apply on a fresh 3-node " + name + " manager" + stig, module: "nsx-stig/examples/three-nodes",
			nodes: 3, restart: time.Second, nsxt: opts, cmds: [][]string{{"apply", "-auto-approve"}},
			floor: func(base time.Duration) time.Duration { return base + 4*time.Second }, logins: 10, note: stigNote,
		},
		{
			// The refresh reads every object on every node (one login per node); nothing
			// is written, and no apply walk runs.
			name: "STIG module, second apply on the compliant " + name + " manager", module: "nsx-stig/examples/three-nodes",
			nodes: 3, restart: time.Second, nsxt: opts,
			prepare: func(w *workspace, _ *fakensxt.Fake) error {
				_, _, err := w.terraform("apply", "-auto-approve")
				return err
			},
			cmds: [][]string{{"apply", "-auto-approve"}}, floor: func(base time.Duration) time.Duration { return base }, logins: 3,
			note: func(st map[string]int64, _ string) string { return fmt.Sprintf("writes %d (needed 0)", writes(st)) },
		},
	}
}

// stigWrites is what the STIG module must write on a fresh three-node manager: the auth
// policy, the CLI timeout, the SSH service (its properties and its stop), the NTP servers
// and one exporter on each node (5 x 3), and once for the cluster the API service, the
// banner, the audit user, FIPS, backups, the virtual IP and CEIP (7), and SSH's stop on
// each node (3).
const stigWrites = 25

// writes are the writes of every kind the fake counts.
func writes(st map[string]int64) int64 {
	return st["object_writes"] + st["config_writes"] + st["service_actions"] + st["vip_actions"] + st["user_writes"] + st["binding_writes"]
}

func stigNote(st map[string]int64, _ string) string {
	return fmt.Sprintf("writes %d (needed %d), restarts %d, 503s while restarting %d", writes(st), stigWrites, st["restarts"], st["restart_rejections"])
}

const apiServiceConfig = `resource "nsx_api_service_config" "this" {
  session_timeout    = 1800
  connection_timeout = 30
}
`

// afterLastPage is the provider's time after the last page of nsx_segments: the whole read as
// Terraform waited for it (the state's encoding included) less the listing.
var (
	readAnswered = regexp.MustCompile(`data source read answered:.*data_source=nsx_segments.*duration_ms=([0-9.]+)`)
	listed       = regexp.MustCompile(`listed segments:.*listing_ms=([0-9.]+)`)
)

func afterLastPage(_ map[string]int64, log string) string {
	reads, lists := timings(log)
	if len(reads) == 0 || len(reads) != len(lists) {
		return fmt.Sprintf("provider time after the last page: not in the log (%d reads, %d listings)", len(reads), len(lists))
	}
	return fmt.Sprintf("provider time after the last page: %.0f ms", reads[len(reads)-1]-lists[len(lists)-1])
}

// timed: the log has the read's and the listing's timings.
func timed(log string) bool {
	reads, lists := timings(log)
	return len(reads) > 0 && len(reads) == len(lists)
}

// timings are the durations of the nsx_segments reads and of their listings in log.
func timings(log string) (reads, lists []float64) {
	for line := range strings.SplitSeq(log, "\n") {
		if m := readAnswered.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			reads = append(reads, v)
		}
		if m := listed.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			lists = append(lists, v)
		}
	}
	return reads, lists
}

type result struct {
	wall  time.Duration
	stats map[string]int64
	log   string
	// vendor is what the vendor's tool sent for the same work (workload.vendor).
	vendor string
}

// measure starts a fake for w, runs its commands, and returns what they cost.
func (b *bench) measure(w *workload) (*result, error) {
	opts := w.nsxt
	opts.Username, opts.Password = "admin", "B3nch&Pw@x%2B+1"
	fake, srv, err := fakensxt.Start(opts, fakemanager.Options{Nodes: max(w.nodes, 1), CA: b.ca, Latency: w.latency, Restart: w.restart})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp(b.root, "ws-")
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, u := range srv.URLs() {
		hosts = append(hosts, strconv.Quote(strings.TrimPrefix(u, "https://")))
	}
	host := strings.Join(hosts, ", ")
	ws := &workspace{dir: dir, providerDir: b.providerDir, provider: fmt.Sprintf(`provider "nsx" {
  %s
  session_cache_dir = %q
  nsxt {
    hosts    = [%s]
    username = %q
    password = %q
    ca_file  = %q
  }
}
`, strings.Join(w.settings, "\n  "), filepath.Join(dir, "sessions"), host, opts.Username, opts.Password, b.caFile)}
	if w.module != "" {
		// examples/modules/<module>/examples/<root>: the whole module, run from its example.
		mod, root, _ := strings.Cut(w.module, "/")
		if err := devrun.CopyModule(filepath.Join(b.repo, "examples", "modules", mod), filepath.Join(dir, mod)); err != nil {
			return nil, err
		}
		hosts, _ := json.Marshal(strings.Split(strings.ReplaceAll(host, `"`, ""), ", "))
		ws = &workspace{dir: filepath.Join(dir, mod, root), providerDir: b.providerDir, env: []string{
			"TF_VAR_nsx_hosts=" + string(hosts), "TF_VAR_nsx_password=" + opts.Password, "TF_VAR_nsx_ca_file=" + b.caFile,
			"TF_VAR_backup_password=Sftp-Passw0rd!", "TF_VAR_backup_passphrase=Backup-Passphr4se!",
		}}
		if err := ws.write(""); err != nil {
			return nil, err
		}
		if _, _, err := ws.terraform("get"); err != nil {
			return nil, err
		}
	}
	if w.prepare != nil {
		if err := w.prepare(ws, fake); err != nil {
			return nil, err
		}
	}
	before := srv.StatsSnapshot()
	if w.module == "" {
		if err := ws.write(w.config); err != nil {
			return nil, err
		}
	}
	r := &result{}
	var logs strings.Builder
	for _, args := range w.cmds {
		start := time.Now()
		_, log, err := ws.terraform(args...)
		r.wall += time.Since(start)
		if err != nil {
			return nil, err
		}
		logs.WriteString(log)
	}
	after := srv.StatsSnapshot()
	r.stats = map[string]int64{}
	for k, v := range after {
		r.stats[k] = v - before[k]
	}
	r.log = logs.String()
	if w.vendor != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(b.ca.CertPEM)
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}, Timeout: time.Minute}
		if r.vendor, err = w.vendor(srv.URLs()[0], c, opts.Username, opts.Password); err != nil {
			return nil, fmt.Errorf("the vendor's tool: %w", err)
		}
	}
	return r, nil
}

// routingInfra is a hierarchical policy body of t0 Tier-0 gateways (each with a locale
// service, i0 interfaces and BGP with two neighbours) and t1 Tier-1 gateways (each with a
// locale service and i1 interfaces).
func routingInfra(t0, t1, i0, i1 int) json.RawMessage {
	child := func(typ string, body map[string]any, children ...any) map[string]any {
		if len(children) > 0 {
			body["children"] = children
		}
		return map[string]any{"resource_type": "Child" + typ, typ: body}
	}
	iface := func(typ string, g, i int) any {
		return child(typ, map[string]any{"id": fmt.Sprintf("if-%d", i), "subnets": []any{map[string]any{"ip_addresses": []string{fmt.Sprintf("10.%d.%d.1", g/250, g%250)}, "prefix_len": 30}}})
	}
	var gws []any
	for g := range t0 {
		var kids []any
		for i := range i0 {
			kids = append(kids, iface("Tier0Interface", g, i))
		}
		kids = append(kids, child("BgpRoutingConfig", map[string]any{"local_as_num": "65001"},
			child("BgpNeighborConfig", map[string]any{"id": "tor-a", "neighbor_address": "192.0.2.1", "remote_as_num": "65002", "password": "Bench-Peer-1"}),
			child("BgpNeighborConfig", map[string]any{"id": "tor-b", "neighbor_address": "192.0.2.2", "remote_as_num": "65002", "password": "Bench-Peer-2"})))
		gws = append(gws, child("Tier0", map[string]any{"id": fmt.Sprintf("t0-%02d", g)}, child("LocaleServices", map[string]any{"id": "default"}, kids...)))
	}
	for g := range t1 {
		var kids []any
		for i := range i1 {
			kids = append(kids, iface("Tier1Interface", 100+g, i))
		}
		gws = append(gws, child("Tier1", map[string]any{"id": fmt.Sprintf("t1-%02d", g)}, child("LocaleServices", map[string]any{"id": "default"}, kids...)))
	}
	b, _ := json.Marshal(map[string]any{"resource_type": "Infra", "children": gws})
	return b
}

// providerSchema is the provider's schema as JSON, to tell what it offers.
func (b *bench) providerSchema() (string, error) {
	dir, err := os.MkdirTemp(b.root, "schema-")
	if err != nil {
		return "", err
	}
	ws := &workspace{dir: dir, providerDir: b.providerDir, provider: "provider \"nsx\" {}\n"}
	if err := ws.write(""); err != nil {
		return "", err
	}
	out, _, err := ws.terraform("providers", "schema", "-json")
	return out, err
}

type workspace struct {
	dir, providerDir, provider string
	// env are variables for every command (a module example's TF_VAR_s).
	env []string
}

func (w *workspace) write(body string) error {
	if err := os.WriteFile(filepath.Join(w.dir, "dev.tfrc"), []byte(devrun.CLIConfig("nsx", w.providerDir)), 0o600); err != nil {
		return err
	}
	if w.provider == "" { // a module's example: its own configuration
		return nil
	}
	main := "terraform {\n  required_providers {\n    nsx = { source = \"netsession/nsx\" }\n  }\n}\n\n" + w.provider + body
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(main), 0o600)
}

// terraform runs one command and returns its output and the provider's DEBUG log.
func (w *workspace) terraform(args ...string) (string, string, error) {
	logFile := filepath.Join(w.dir, "provider.log")
	_ = os.Remove(logFile)
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(w.dir, "dev.tfrc"), "TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", "TF_LOG=", "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logFile)
	cmd.Env = append(cmd.Env, w.env...)
	out, err := cmd.CombinedOutput()
	log, _ := os.ReadFile(logFile)
	if err != nil {
		return string(out), string(log), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), string(log), nil
}
