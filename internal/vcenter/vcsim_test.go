package vcenter_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25/types"

	_ "github.com/vmware/govmomi/vapi/simulator" // vcsim's vAPI endpoints: the legacy session and tagging

	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

// These tests run the session layer and the vCenter client against govmomi's vcsim, a
// simulator written by others, in-process. vcsim implements the legacy CIS session
// (/rest/com/vmware/cis/session) and the legacy tagging service as govmomi's own vapi/rest and
// vapi/tags packages expect them. It has no /api/session and no appliance version endpoint
// (/api/appliance/system/version, /rest/appliance/system/version): those paths are covered
// against our fake (internal/fakemanager/vcenter and the provider tests).

// vcsimCreate serialises the creation of simulators: vcsim builds a model from package-level
// state (its license manager's defaults), which the race detector shows is not safe to do
// from parallel tests.
var vcsimCreate sync.Mutex

// vcsim starts a simulated vCenter with TLS and tagging, and creates tags through govmomi.
func vcsim(t *testing.T, sessionTimeout string) (*simulator.Server, *x509.CertPool) {
	t.Helper()
	vcsimCreate.Lock()
	model := simulator.VPX()
	err := model.Create()
	vcsimCreate.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		vcsimCreate.Lock()
		defer vcsimCreate.Unlock()
		model.Remove()
	})
	model.Service.TLS = new(tls.Config)
	model.Service.RegisterEndpoints = true
	// With credentials of its own, vcsim checks the password (by default it takes any).
	model.Service.Listen = &url.URL{User: url.UserPassword("administrator@vsphere.local", "VMw@re&Pass%2B+1")}
	s := model.Service.NewServer()
	t.Cleanup(s.Close)
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())

	ctx := context.Background()
	// The setup client is govmomi's own; only the code under test must verify the certificate.
	gc, err := govmomi.NewClient(ctx, s.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	vc := gc.Client
	if sessionTimeout != "" {
		opts := object.NewOptionManager(vc, *vc.ServiceContent.Setting)
		if err := opts.Update(ctx, []types.BaseOptionValue{&types.OptionValue{Key: "config.vmacore.soap.sessionTimeout", Value: sessionTimeout}}); err != nil {
			t.Fatal(err)
		}
	}
	// Tags created the way VMware's own library does it.
	rc := rest.NewClient(vc)
	if err := rc.Login(ctx, s.URL.User); err != nil {
		t.Fatal(err)
	}
	m := tags.NewManager(rc)
	for cat, names := range map[string][]string{"env": {"prod", "dev"}, "security-zone": {"dmz", "pci"}} {
		id, err := m.CreateCategory(ctx, &tags.Category{Name: cat, Cardinality: "SINGLE", AssociableTypes: []string{"VirtualMachine"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if _, err := m.CreateTag(ctx, &tags.Tag{Name: n, CategoryID: id, Description: n + " workloads"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := rc.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	return s, pool
}

func client(t *testing.T, s *simulator.Server, pool *x509.CertPool, password string) (*vcenter.Client, *session.Client, *vcenter.Auth) {
	t.Helper()
	node := &url.URL{Scheme: "https", Host: s.URL.Host}
	auth := &vcenter.Auth{Username: s.URL.User.Username(), Password: password}
	sc, err := session.New(session.Config{
		Block: "vcenter", Nodes: []*url.URL{node}, TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		RequestTimeout: 10 * time.Second, MaxRetries: 2, Auth: auth, Secrets: []string{password}, IdleTimeout: vcenter.IdleTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return vcenter.NewClient(sc, auth), sc, auth
}

func password(s *simulator.Server) string {
	p, _ := s.URL.User.Password()
	return p
}

// The session falls back to the legacy path (vcsim answers 404 on /api/session, as vCenter
// before 7.0 U2 does), reads every tag with its category, and is deleted at the end.
func TestVcsimLegacySessionAndTags(t *testing.T) {
	t.Parallel()
	s, pool := vcsim(t, "")
	c, sc, auth := client(t, s, pool, password(s))
	ctx := context.Background()
	got, cats, err := c.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !auth.Legacy() {
		t.Fatal("vcsim has no /api/session; the client should have fallen back to /rest")
	}
	var names []string
	for _, tg := range got {
		names = append(names, tg.CategoryName+"/"+tg.Name)
	}
	if strings.Join(names, ",") != "env/dev,env/prod,security-zone/dmz,security-zone/pci" || len(cats) != 2 || got[0].Description != "dev workloads" {
		t.Fatalf("tags from vcsim: %v (%d categories)", names, len(cats))
	}
	// vcsim has no appliance version endpoint: the 404 comes back as an error that says so.
	if _, err := c.Version(ctx); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("vcsim grew a version endpoint? %v", err)
	}
	sc.Close(ctx)
	if st := sc.Stats(); st.Logins != 1 || st.Logouts != 1 || st.FailedLogins != 0 {
		t.Fatalf("want one login and one logout (DELETE of the legacy session), got %+v", st)
	}
}

// A session vcsim ends after 1 s idle is renewed once, on its 401.
func TestVcsimExpiryRenewedOnce(t *testing.T) {
	t.Parallel()
	s, pool := vcsim(t, "1s")
	c, sc, _ := client(t, s, pool, password(s))
	ctx := context.Background()
	if _, _, err := c.Tags(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	if _, _, err := c.Tags(ctx); err != nil {
		t.Fatalf("expired session not renewed: %v", err)
	}
	if st := sc.Stats(); st.Relogins != 1 || st.FailedLogins != 0 {
		t.Fatalf("want exactly one new login, got %+v", st)
	}
}

// A wrong password against vcsim: one refused login, never repeated.
func TestVcsimWrongPasswordOneAttempt(t *testing.T) {
	t.Parallel()
	s, pool := vcsim(t, "")
	c, sc, _ := client(t, s, pool, "wrong")
	ctx := context.Background()
	for i := range 3 {
		_, _, err := c.Tags(ctx)
		var le *session.LoginError
		if !errors.As(err, &le) || le.Status != 401 || !strings.Contains(le.Reason, "not disclosed") {
			t.Fatalf("attempt %d: want a refused login that explains vCenter does not say why, got %v", i, err)
		}
	}
	if st := sc.Stats(); st.FailedLogins != 1 {
		t.Fatalf("want one refused login, got %+v", st)
	}
}
