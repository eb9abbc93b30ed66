// Package vcenter is a fake vCenter held to the CIS session document and PROTOCOLS.md section
// 4: POST /api/session with Basic credentials answering 201 and the token as a JSON string,
// the legacy POST /rest/com/vmware/cis/session answering {"value": token} (and, to play a
// vCenter older than 7.0 U2, no /api at all); the vmware-api-session-id header enforced; a
// 30-minute idle timeout; 401 bodies in each family's documented shape; the appliance version;
// and the tagging service's categories and tags in both families.
package vcenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts that no primary source settled live here, in one place (see PROTOCOLS.md section 4).
const (
	Idle        = 30 * time.Minute
	Version     = "8.0.3.00400"
	Build       = "24322831"
	Product     = "VMware vCenter Server"
	ReleaseDate = "September 24, 2024"
)

// Options shape the fake.
type Options struct {
	Username string
	Password string
	// Legacy plays a vCenter older than 7.0 U2: nothing under /api.
	Legacy bool
	Idle   time.Duration
	// TagList, when set, are the tags (with their categories) vCenter starts with instead of
	// the made-up ones (a fixture).
	TagList []TagFixture
}

// TagFixture is a vSphere tag of a category, as a fixture names it.
type TagFixture struct {
	Category string `json:"category"`
	Name     string `json:"name"`
}

// Fake is the vCenter application.
type Fake struct {
	// Secrets lists what it handed out, under a lock of its own.
	fakemanager.Secrets

	opts  Options
	stats *fakemanager.Stats

	mu         sync.Mutex
	sessions   *fakemanager.IdleSessions
	categories map[string]*category
	tags       map[string]*tag
}

type category struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Cardinality     string   `json:"cardinality"`
	AssociableTypes []string `json:"associable_types"`
	UsedBy          []string `json:"used_by"`
}

type tag struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	CategoryID  string   `json:"category_id"`
	UsedBy      []string `json:"used_by"`
}

// Start runs the fake on one node.
func Start(o Options, so fakemanager.Options) (*Fake, *fakemanager.Server, error) {
	if o.Idle <= 0 {
		o.Idle = Idle
	}
	f := &Fake{opts: o, stats: &fakemanager.Stats{}, sessions: fakemanager.NewIdleSessions(o.Idle)}
	return fakemanager.StartOne("vcenter", f, f.stats, so)
}

// Reset implements fakemanager.App: data and sessions as a fresh manager has them (StartOne
// calls it before serving).
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions.Clear()
	f.categories, f.tags = map[string]*category{}, map[string]*tag{}
	f.Forget()
	if f.opts.TagList != nil {
		cats := map[string]string{}
		for _, t := range f.opts.TagList {
			if cats[t.Category] == "" {
				cats[t.Category] = f.addCategory(t.Category, "", "MULTIPLE")
			}
			f.addTag(cats[t.Category], t.Name)
		}
		return
	}
	env := f.addCategory("env", "Deployment environment", "SINGLE")
	zone := f.addCategory("security-zone", "NSX security zone", "MULTIPLE")
	for _, n := range []string{"prod", "staging", "dev"} {
		f.addTag(env, n)
	}
	for _, n := range []string{"dmz", "pci", "internal"} {
		f.addTag(zone, n)
	}
}

func (f *Fake) addCategory(name, desc, cardinality string) string {
	id := "urn:vmomi:InventoryServiceCategory:" + uuid.NewString() + ":GLOBAL"
	f.categories[id] = &category{ID: id, Name: name, Description: desc, Cardinality: cardinality,
		AssociableTypes: []string{"VirtualMachine"}, UsedBy: []string{}}
	return id
}

func (f *Fake) addTag(catID, name string) {
	id := "urn:vmomi:InventoryServiceTag:" + uuid.NewString() + ":GLOBAL"
	f.tags[id] = &tag{ID: id, Name: name, Description: name + " workloads", CategoryID: catID, UsedBy: []string{}}
}

// AddTag adds a tag (and its category when new), as an administrator would.
func (f *Fake) AddTag(categoryName, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, c := range f.categories {
		if c.Name == categoryName {
			f.addTag(id, name)
			return
		}
	}
	f.addTag(f.addCategory(categoryName, "", "MULTIPLE"), name)
}

// ExpireSessions implements fakemanager.App.
func (f *Fake) ExpireSessions() { f.sessions.Clear() }

// ActiveSessions implements fakemanager.App.
func (f *Fake) ActiveSessions() int { return f.sessions.Active() }

// Handler implements fakemanager.App.
func (f *Fake) Handler(int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/com/vmware/cis/session", func(w http.ResponseWriter, r *http.Request) { f.session(w, r, true) })
	mux.HandleFunc("GET /rest/appliance/system/version", f.authed(true, f.version))
	mux.HandleFunc("GET /rest/com/vmware/cis/tagging/category", f.authed(true, f.list(true)))
	mux.HandleFunc("GET /rest/com/vmware/cis/tagging/tag", f.authed(true, f.list(false)))
	mux.HandleFunc("GET /rest/com/vmware/cis/tagging/category/{id}", f.authed(true, f.one(true)))
	mux.HandleFunc("GET /rest/com/vmware/cis/tagging/tag/{id}", f.authed(true, f.one(false)))
	if !f.opts.Legacy {
		mux.HandleFunc("/api/session", func(w http.ResponseWriter, r *http.Request) { f.session(w, r, false) })
		mux.HandleFunc("GET /api/appliance/system/version", f.authed(false, f.version))
		mux.HandleFunc("GET /api/cis/tagging/category", f.authed(false, f.list(true)))
		mux.HandleFunc("GET /api/cis/tagging/tag", f.authed(false, f.list(false)))
		mux.HandleFunc("GET /api/cis/tagging/category/{id}", f.authed(false, f.one(true)))
		mux.HandleFunc("GET /api/cis/tagging/tag/{id}", f.authed(false, f.one(false)))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/rest/") {
			vapiError(w, http.StatusNotFound, true, "NOT_FOUND", "com.vmware.vapi.rest.httpNotFound", "Not found.")
			return
		}
		vapiError(w, http.StatusNotFound, false, "NOT_FOUND", "com.vmware.vapi.rest.httpNotFound", "Not found.")
	})
	return mux
}

// answer writes v as /api does, or wrapped in {"value": v} as /rest does.
func answer(w http.ResponseWriter, status int, legacy bool, v any) {
	if legacy {
		v = map[string]any{"value": v}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func vapiError(w http.ResponseWriter, status int, legacy bool, errorType, id, msg string) {
	messages := []map[string]any{{"args": []string{}, "default_message": msg, "id": id}}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if legacy {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"type": "com.vmware.vapi.std.errors." + strings.ToLower(errorType), "value": map[string]any{"messages": messages},
		})
		return
	}
	body := map[string]any{"error_type": errorType, "messages": messages}
	if status == http.StatusUnauthorized {
		body["challenge"] = `Basic realm="vCenter"`
	}
	_ = json.NewEncoder(w).Encode(body)
}

func (f *Fake) session(w http.ResponseWriter, r *http.Request, legacy bool) {
	switch r.Method {
	case http.MethodPost:
		if r.URL.Query().Get("~action") == "get" {
			f.authed(legacy, func(w http.ResponseWriter, _ *http.Request, _ string) {
				answer(w, http.StatusOK, true, map[string]string{"user": f.opts.Username})
			})(w, r)
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || user != f.opts.Username || pass != f.opts.Password {
			f.stats.FailedLogins.Add(1)
			// The details are not disclosed, by design.
			vapiError(w, http.StatusUnauthorized, legacy, "UNAUTHENTICATED", "com.vmware.vapi.endpoint.method.authentication.required", "Authentication required.")
			return
		}
		id := f.sessions.Login(&f.Secrets, f.stats, 16)
		if legacy {
			answer(w, http.StatusOK, true, id)
			return
		}
		answer(w, http.StatusCreated, false, id)
	case http.MethodGet:
		f.authed(legacy, func(w http.ResponseWriter, _ *http.Request, _ string) {
			answer(w, http.StatusOK, false, map[string]string{"user": f.opts.Username})
		})(w, r)
	case http.MethodDelete:
		f.authed(legacy, func(w http.ResponseWriter, _ *http.Request, id string) {
			f.sessions.End(id)
			f.stats.Logouts.Add(1)
			if legacy {
				w.WriteHeader(http.StatusOK)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})(w, r)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// authed admits a live session given in the vmware-api-session-id header.
func (f *Fake) authed(legacy bool, h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("vmware-api-session-id")
		if !f.sessions.Use(id) {
			f.stats.Add("rejected_requests", 1)
			vapiError(w, http.StatusUnauthorized, legacy, "UNAUTHENTICATED", "com.vmware.vapi.endpoint.method.authentication.required", "Authentication required.")
			return
		}
		h(w, r, id)
	}
}

func (f *Fake) version(w http.ResponseWriter, r *http.Request, _ string) {
	answer(w, http.StatusOK, strings.HasPrefix(r.URL.Path, "/rest/"), map[string]string{
		"version": Version, "product": Product, "build": Build, "type": "vCenter Server with an embedded Platform Services Controller",
		"summary": "Patch for VMware vCenter Server 8.0", "releasedate": ReleaseDate, "install_time": "2024-10-01T09:12:44.000Z",
	})
}

func (f *Fake) list(categories bool) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, _ string) {
		f.mu.Lock()
		ids := []string{}
		if categories {
			for id := range f.categories {
				ids = append(ids, id)
			}
		} else {
			for id := range f.tags {
				ids = append(ids, id)
			}
		}
		f.mu.Unlock()
		sort.Strings(ids)
		answer(w, http.StatusOK, strings.HasPrefix(r.URL.Path, "/rest/"), ids)
	}
}

func (f *Fake) one(categories bool) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, _ string) {
		legacy := strings.HasPrefix(r.URL.Path, "/rest/")
		id := r.PathValue("id")
		if legacy {
			// The legacy path writes the id as id:<id>.
			var ok bool
			if id, ok = strings.CutPrefix(id, "id:"); !ok {
				vapiError(w, http.StatusBadRequest, true, "INVALID_ARGUMENT", "com.vmware.vapi.rest.badRequest", "Expected id:<identifier>.")
				return
			}
		}
		f.mu.Lock()
		var v any
		if categories {
			if c := f.categories[id]; c != nil {
				v = *c
			}
		} else if t := f.tags[id]; t != nil {
			v = *t
		}
		f.mu.Unlock()
		if v == nil {
			vapiError(w, http.StatusNotFound, legacy, "NOT_FOUND", "com.vmware.cis.tagging.objectNotFound", fmt.Sprintf("The object %s does not exist.", id))
			return
		}
		answer(w, http.StatusOK, legacy, v)
	}
}
