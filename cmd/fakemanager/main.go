// Command fakemanager runs every fake manager on loopback with TLS and serves until SIGINT or
// SIGTERM. Its first line on stdout is one JSON object naming the CA file, each manager's
// URLs and credentials: scripts, benchmarks and module tests read it.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
	fakeillumio "github.com/netsession/terraform-provider-nsx/internal/fakemanager/illumio"
	fakensxt "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxt"
	fakensxv "github.com/netsession/terraform-provider-nsx/internal/fakemanager/nsxv"
	fakesdwan "github.com/netsession/terraform-provider-nsx/internal/fakemanager/sdwan"
	fakevcenter "github.com/netsession/terraform-provider-nsx/internal/fakemanager/vcenter"
	"github.com/netsession/terraform-provider-nsx/internal/framework"
	illumiosvc "github.com/netsession/terraform-provider-nsx/internal/service/illumio"
	nsxtsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxt"
	nsxvsvc "github.com/netsession/terraform-provider-nsx/internal/service/nsxv"
	sdwansvc "github.com/netsession/terraform-provider-nsx/internal/service/sdwan"
	vcentersvc "github.com/netsession/terraform-provider-nsx/internal/service/vcenter"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fakemanager:", err)
		os.Exit(1)
	}
}

func run() error {
	nodes := flag.Int("nodes", 3, "NSX cluster size")
	segments := flag.Int("segments", 6, "number of NSX segments")
	labels := flag.Int("labels", 12, "number of Illumio labels")
	idle := flag.Duration("idle", 0, "session idle timeout, and NSX-v token lifetime (0: each manager's own default)")
	latency := flag.Duration("latency", 0, "latency added to every answer")
	restart := flag.Duration("restart", 0, "how long NSX's API service is unavailable after a PUT to /api/v1/cluster/api-service restarts it (0: no restart)")
	listen := flag.String("listen", "127.0.0.1", "address to listen on")
	dir := flag.String("dir", "", "directory for ca.pem (default: a new temporary directory)")
	bannerWrite := flag.String("nsxt-banner-write", fakensxt.BannerWritePolicy, "where the fake NSX takes a login banner write: policy (PUT /policy/api/v1/loginbanner), node (PUT /api/v1/loginbanner) or none (neither; NSX's answer for both is unknown)")
	vidmCluster := flag.Bool("nsxt-vidm-cluster", false, "one vIDM provider for the cluster, which a write on any node sets for all (whether NSX keeps it per node or for the cluster is not documented; by default each node keeps its own)")
	oldPasswordCounts := flag.Bool("nsxt-old-password-counts", false, "a wrong old_password in a node user's password change counts as a failed authentication towards the lockout (whether NSX counts it is not documented; by default it does not)")
	release := flag.String("nsxt-release", fakensxt.Release42, "NSX release the fake NSX plays: 4.2, or 9.0 (VCF 9: the TLS 1.3 cipher suites)")
	sdwanRelease := flag.String("sdwan-release", fakesdwan.Version, "SD-WAN Manager release the fake plays; from "+fakesdwan.JWTRelease+" it offers JWT login and an API key (announced, and SDWAN_API_KEY in -env)")
	extra := flag.String("nsxt-extra-fields", "", "comma-separated api-service fields of a newer NSX release that the fake NSX then knows, stores and returns")
	location := flag.String("illumio-location", fakeillumio.LocationRelative, "form of the PCE's async Location header: relative (/orgs/1/jobs/…) or absolute (https://<pce>/api/v2/orgs/1/jobs/…)")
	fixtureFile := flag.String("fixture", "", "JSON file of the objects the fakes start with (segments, api_service, infra — gateways and their routing, as a hierarchical policy body —, cli_users, devices, labels, tags); see the guide \"Testing modules without a manager\"")
	envFile := flag.String("env", "", "also write the provider's environment variables (addresses, credentials, the PCE's organization, CA files) as shell exports to `FILE`; after . FILE, an empty provider \"nsx\" {} block reaches every fake")
	port := flag.Int("port", 0, "first port: the NSX nodes, NSX-v, SD-WAN, the PCE and vCenter take it and the ports after it, in that order (0: any free ports)")
	flag.Parse()
	if *release != fakensxt.Release42 && *release != fakensxt.Release90 {
		return fmt.Errorf("-nsxt-release %q: the fake plays 4.2 or 9.0", *release)
	}
	if *location != fakeillumio.LocationRelative && *location != fakeillumio.LocationAbsolute {
		return fmt.Errorf("-illumio-location must be relative or absolute, not %q", *location)
	}
	var extraFields []string
	for f := range strings.SplitSeq(*extra, ",") {
		if f = strings.TrimSpace(f); f != "" {
			extraFields = append(extraFields, f)
		}
	}
	fx, err := readFixture(*fixtureFile)
	if err != nil {
		return err
	}
	ports := func(first, n int) []int {
		if *port == 0 {
			return nil
		}
		out := make([]int, n)
		for i := range out {
			out[i] = *port + first + i
		}
		return out
	}
	if *port < 0 || *port > 65535-(*nodes+4) {
		return fmt.Errorf("-port must leave room for %d ports below 65536", *nodes+4)
	}
	if *nodes < 1 || *segments < 0 || *labels < 0 || *idle < 0 || *latency < 0 || *restart < 0 {
		return fmt.Errorf("-nodes must be at least 1 and -segments, -labels, -idle, -latency and -restart not negative")
	}

	ca, err := fakemanager.NewCA()
	if err != nil {
		return err
	}
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "fakemanager-"); err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(*dir) }()
	}
	caFile := filepath.Join(*dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		return err
	}
	opts := fakemanager.Options{Nodes: *nodes, Listen: *listen, Latency: *latency, Restart: *restart, CA: ca, Ports: ports(0, *nodes)}
	single := func(i int) fakemanager.Options {
		return fakemanager.Options{Listen: *listen, Latency: *latency, CA: ca, Ports: ports(*nodes+i, 1)}
	}

	nsxtPass := password()
	_, nsxtSrv, err := fakensxt.Start(fakensxt.Options{Username: "admin", Password: nsxtPass, Segments: *segments, Idle: *idle, ExtraFields: extraFields,
		SegmentList: fx.NSXT.Segments, APIService: fx.NSXT.APIService, Release: *release, BannerWrite: *bannerWrite, OldPasswordCountsAsFailure: *oldPasswordCounts, VidmForCluster: *vidmCluster, Infra: fx.NSXT.Infra}, opts)
	if err != nil {
		return err
	}
	defer nsxtSrv.Close()

	nsxvPass := password()
	nsxvOpts := fakensxv.Options{Username: "admin", Password: nsxvPass, CLIUsers: fx.NSXV.CLIUsers}
	if *idle > 0 {
		nsxvOpts.TokenLifetime = *idle
	}
	_, nsxvSrv, err := fakensxv.Start(nsxvOpts, single(0))
	if err != nil {
		return err
	}
	defer nsxvSrv.Close()

	sdwanPass := password()
	sdwanOpts := fakesdwan.Options{Username: "netops", Password: sdwanPass, Idle: *idle, DeviceList: fx.SDWAN.Devices, Release: *sdwanRelease}
	sdwanKey := ""
	if !regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`).MatchString(*sdwanRelease) {
		return fmt.Errorf("-sdwan-release %q: write a release such as 20.12.4 or 20.18.1", *sdwanRelease)
	}
	if fakesdwan.ReleaseAtLeast(*sdwanRelease, fakesdwan.JWTRelease) {
		sdwanKey = "vmk_" + password()[8:20] + password()[8:20]
		sdwanOpts.APIKeys = map[string]string{sdwanKey: "netops"}
	}
	_, sdwanSrv, err := fakesdwan.Start(sdwanOpts, single(1))
	if err != nil {
		return err
	}
	defer sdwanSrv.Close()

	pcePass := password()
	pceOpts := fakeillumio.Options{Email: "ops@fake.example", Password: pcePass, APIKeyUsername: "api_" + password()[8:20],
		APIKeySecret: password(), Labels: *labels, Idle: *idle, Location: *location, LabelList: fx.Illumio.Labels}
	_, pceSrv, err := fakeillumio.Start(pceOpts, single(2))
	if err != nil {
		return err
	}
	defer pceSrv.Close()

	vcPass := password()
	_, vcSrv, err := fakevcenter.Start(fakevcenter.Options{Username: "administrator@vsphere.local", Password: vcPass, Idle: *idle, TagList: fx.VCenter.Tags},
		single(3))
	if err != nil {
		return err
	}
	defer vcSrv.Close()

	out := fakemanager.Announcement{CAFile: caFile, Managers: map[string]fakemanager.ManagerAnnouncement{
		"nsxt":    {URLs: nsxtSrv.URLs(), Username: "admin", Password: nsxtPass},
		"nsxv":    {URLs: nsxvSrv.URLs(), Username: "admin", Password: nsxvPass},
		"sdwan":   {URLs: sdwanSrv.URLs(), Username: "netops", Password: sdwanPass, APIKeySecret: sdwanKey},
		"vcenter": {URLs: vcSrv.URLs(), Username: "administrator@vsphere.local", Password: vcPass},
		"illumio": {URLs: pceSrv.URLs(), Username: pceOpts.Email, Password: pcePass, OrgID: 1,
			APIKeyUsername: pceOpts.APIKeyUsername, APIKeySecret: pceOpts.APIKeySecret},
	}}
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(envExports(out)), 0o600); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	// Give in-flight answers (a provider's logouts at exit) a moment to finish.
	time.Sleep(100 * time.Millisecond)
	return nil
}

// envExports are the provider's environment variables for every fake, as shell exports
// (single-quoted: the passwords hold characters a shell would take): each manager's address
// (every NSX node, comma-separated), user and password (for the PCE its API key pair and its
// organization) and the CA file. The names come from the provider's own manager specs; with
// them set, an empty provider "nsx" {} block reaches every fake.
func envExports(a fakemanager.Announcement) string {
	var b strings.Builder
	set := func(name, value string) {
		if name != "" {
			fmt.Fprintf(&b, "export %s='%s'\n", name, strings.ReplaceAll(value, "'", `'\''`))
		}
	}
	for _, m := range []struct {
		key  string
		info framework.Info
	}{{"nsxt", nsxtsvc.Manager.Info}, {"nsxv", nsxvsvc.Manager.Info}, {"sdwan", sdwansvc.Manager.Info}, {"vcenter", vcentersvc.Manager.Info}, {"illumio", illumiosvc.Manager.Info}} {
		ann := a.Managers[m.key]
		hosts := make([]string, len(ann.URLs))
		for i, u := range ann.URLs {
			hosts[i] = strings.TrimPrefix(u, "https://")
		}
		set(m.info.EnvHost, strings.Join(hosts, ","))
		if m.key != "illumio" { // the PCE takes one pair: its API key, below
			set(m.info.EnvUser, ann.Username)
			set(m.info.EnvPass, ann.Password)
		}
		set(m.info.EnvCACert, a.CAFile)
	}
	if key := a.Managers["sdwan"].APIKeySecret; key != "" {
		set(sdwansvc.EnvAPIKey, key)
	}
	pce := a.Managers["illumio"]
	set(illumiosvc.EnvOrgID, strconv.FormatInt(pce.OrgID, 10))
	set(illumiosvc.EnvAPIKeyUsername, pce.APIKeyUsername)
	set(illumiosvc.EnvAPIKeySecret, pce.APIKeySecret)
	return b.String()
}

// password is random per run, with the characters that break naive form encoding.
func password() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "Fake&Pw@" + hex.EncodeToString(b) + "%+1"
}

// fixture is the -fixture file: the objects each fake starts with, in the fakes' own shapes.
// A list that is present replaces the made-up objects of that kind; one left out keeps them.
type fixture struct {
	NSXT struct {
		Segments   []fakensxt.Segment `json:"segments"`
		APIService map[string]any     `json:"api_service"`
		// Infra is a hierarchical policy body (as PATCH /policy/api/v1/infra takes it):
		// gateways and their routing configuration, DHCP configurations, IPv6 profiles.
		Infra json.RawMessage `json:"infra"`
	} `json:"nsxt"`
	NSXV struct {
		CLIUsers []fakensxv.CLIUser `json:"cli_users"`
	} `json:"nsxv"`
	SDWAN struct {
		Devices []fakesdwan.Device `json:"devices"`
	} `json:"sdwan"`
	Illumio struct {
		Labels []fakeillumio.LabelFixture `json:"labels"`
	} `json:"illumio"`
	VCenter struct {
		Tags []fakevcenter.TagFixture `json:"tags"`
	} `json:"vcenter"`
}

func readFixture(file string) (fixture, error) {
	var fx fixture
	if file == "" {
		return fx, nil
	}
	b, err := os.ReadFile(file) //nolint:gosec // the fixture file the user names
	if err != nil {
		return fx, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fx); err != nil {
		return fx, fmt.Errorf("-fixture %s: %w", file, err)
	}
	for i, s := range fx.NSXT.Segments {
		if s.ID == "" {
			return fx, fmt.Errorf("-fixture %s: nsxt.segments[%d] has no id", file, i)
		}
	}
	for i, u := range fx.NSXV.CLIUsers {
		if u.UserID == "" || u.Password == "" {
			return fx, fmt.Errorf("-fixture %s: nsxv.cli_users[%d] needs user_id and password", file, i)
		}
	}
	for i, l := range fx.Illumio.Labels {
		if l.Key == "" || l.Value == "" {
			return fx, fmt.Errorf("-fixture %s: illumio.labels[%d] needs key and value", file, i)
		}
	}
	for i, t := range fx.VCenter.Tags {
		if t.Category == "" || t.Name == "" {
			return fx, fmt.Errorf("-fixture %s: vcenter.tags[%d] needs category and name", file, i)
		}
	}
	return fx, nil
}
