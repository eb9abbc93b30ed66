package vcenter_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakeharness"
	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/vcenter"
)

// Issue 21: a vCenter that lists 200,000 tag ids and answers each with 4 MiB would grow a
// read to gigabytes, one bounded answer at a time. The read's budget ends it: here 64 MiB of
// answers, after a few tags, with the heap's peak a small multiple of the budget; and the
// error names the limit.
func TestTagsReadEndsAtItsBudget(t *testing.T) {
	t.Parallel()
	ids := make([]string, 200_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("urn:vmomi:InventoryServiceTag:%08d:GLOBAL", i)
	}
	idList, _ := json.Marshal(ids)
	big := strings.Repeat("x", 4<<20)
	var tagReads atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/session":
			_, _ = w.Write([]byte(`"session-token-0123456789"`))
		case r.URL.Path == "/api/cis/tagging/category":
			_, _ = w.Write([]byte(`[]`))
		case r.URL.Path == "/api/cis/tagging/tag":
			_, _ = w.Write(idList)
		case strings.HasPrefix(r.URL.Path, "/api/cis/tagging/tag/"):
			tagReads.Add(1)
			_, _ = fmt.Fprintf(w, `{"id":%q,"name":"t","category_id":"c","description":%q}`, strings.TrimPrefix(r.URL.Path, "/api/cis/tagging/tag/"), big)
		case r.Method == http.MethodDelete:
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	u, _ := url.Parse(srv.URL)
	auth := &vcenter.Auth{Username: "administrator@vsphere.local", Password: "VMw@re&Pass%2B+1"}
	sc, err := session.New(session.Config{
		Block: "vcenter", Nodes: []*url.URL{{Scheme: "https", Host: u.Host}}, TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		RequestTimeout: 10 * time.Second, Auth: auth, Secrets: []string{auth.Password}, IdleTimeout: vcenter.IdleTimeout,
		MaxResponseBytes: 16 << 20, ReadBudget: session.Budget{Bytes: 64 << 20, Items: session.DefaultReadItems},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close(context.Background())
	c := vcenter.NewClient(sc, auth)

	growth := fakeharness.HeapGrowth(5 * time.Millisecond)
	start := time.Now()
	_, _, err = c.Tags(session.WithBudget(context.Background()))
	grew := growth()
	var over *session.OverBudgetError
	if !errors.As(err, &over) || over.What != "bytes" {
		t.Fatalf("want the read ended by its byte budget, got %v", err)
	}
	t.Logf("ended after %d tag reads in %v; heap peak +%d MiB over a 64 MiB budget", tagReads.Load(), time.Since(start).Round(time.Millisecond), grew>>20)
	if grew > 512<<20 || tagReads.Load() > 64 {
		t.Fatalf("the read took %d tag answers and grew the heap by %d MiB", tagReads.Load(), grew>>20)
	}
}
