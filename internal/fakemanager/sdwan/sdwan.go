// Package sdwan is a fake Cisco Catalyst SD-WAN Manager (vManage) held to Cisco's
// authentication document and PROTOCOLS.md section 3: form login at /j_security_check whose
// success is an empty body with a JSESSIONID cookie and whose failure is the HTML login page
// (with 200); the XSRF token as plain text from /dataservice/client/token, enforced on POST,
// PUT and DELETE; a 30-minute idle timeout and a 24-hour lifetime, expired sessions answered
// with the HTML login page and 200 (or 401, as behind the API gateway); at most 100
// concurrent sessions, the least recently used evicted silently; logout with a 302 to
// welcome.html; and the about, server and device endpoints in their real shapes.
package sdwan

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// Facts that no primary source settled live here, in one place (see PROTOCOLS.md section 3).
const (
	// MaxSessions is the document's concurrent session limit.
	MaxSessions = 100
	// Idle and Lifetime are the document's defaults.
	Idle     = 30 * time.Minute
	Lifetime = 24 * time.Hour
	// Version is what /dataservice/client/about and /server report.
	Version         = "20.12.4"
	PlatformVersion = "20.12.4-2412"
	invalidLogin    = "Invalid User or Password"
)

// loginPage is the HTML login page the application server answers a failed login, and an
// expired session, with.
const loginPage = `<html>
<head><title>Cisco Catalyst SD-WAN</title></head>
<body>
<form method="post" action="j_security_check">
<input type="text" name="j_username"/><input type="password" name="j_password"/>
<p id="errorMessageBox" class="errorMessageBox">%s</p>
</form>
</body>
</html>`

// Options shape the fake.
type Options struct {
	Username string
	Password string
	Idle     time.Duration
	Lifetime time.Duration
	// ExpiredStatus is how an expired session is answered: 200 with the login page (older
	// releases, the default) or 401 (behind the API gateway).
	ExpiredStatus int
	// PasswordReset makes the login redirect to the password reset page.
	PasswordReset bool
	// Devices is how many devices /dataservice/device lists (default 6).
	Devices int
	// DeviceList, when set, are the devices listed instead of made-up ones (a fixture).
	DeviceList []Device
	// Release is the release the fake plays (default Version, 20.12.4). From JWTRelease
	// (20.18.1) it offers JWT login and API keys; before, /jwt/login is the web
	// application's login page and a Bearer header is ignored, as on those releases.
	Release string
	// APIKeys are the users' API keys: key → user name.
	APIKeys map[string]string
}

// Fake is the SD-WAN Manager application.
type Fake struct {
	// Secrets lists what it handed out, under a lock of its own.
	fakemanager.Secrets

	opts  Options
	stats *fakemanager.Stats

	mu       sync.Mutex
	sessions map[string]*session
	devices  []Device
	// tokens are the JWTs issued, keys the API keys' XSRF tokens once fetched; neither
	// takes a session slot.
	tokens map[string]*session
	keys   map[string]*session
}

type session struct {
	user     string
	xsrf     string
	created  time.Time
	lastUsed time.Time
	expires  time.Time // a JWT's exp
}

// Start runs the fake on one node.
func Start(o Options, so fakemanager.Options) (*Fake, *fakemanager.Server, error) {
	if o.Idle <= 0 {
		o.Idle = Idle
	}
	if o.Lifetime <= 0 {
		o.Lifetime = Lifetime
	}
	if o.ExpiredStatus == 0 {
		o.ExpiredStatus = http.StatusOK
	}
	if o.Devices == 0 {
		o.Devices = 6
	}
	if o.Release == "" {
		o.Release = Version
	}
	f := &Fake{opts: o, stats: &fakemanager.Stats{}}
	return fakemanager.StartOne("sdwan", f, f.stats, so)
}

// Reset implements fakemanager.App: data and sessions as a fresh manager has them (StartOne
// calls it before serving).
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = map[string]*session{}
	f.tokens, f.keys = map[string]*session{}, map[string]*session{}
	f.Forget()
	f.devices = makeDevices(f.opts.Devices)
	if f.opts.DeviceList != nil {
		f.devices = append([]Device(nil), f.opts.DeviceList...)
	}
}

// ExpireSessions implements fakemanager.App.
func (f *Fake) ExpireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = map[string]*session{}
}

// ActiveSessions implements fakemanager.App.
func (f *Fake) ActiveSessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep(time.Now())
	return len(f.sessions)
}

// Alive reports whether the session with cookie id is still open (for "browser" sessions).
func (f *Fake) Alive(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweep(time.Now())
	return f.sessions[id] != nil
}

// sweep drops idle and aged sessions; f.mu is held.
func (f *Fake) sweep(now time.Time) {
	for id, s := range f.sessions {
		if now.Sub(s.lastUsed) > f.opts.Idle || now.Sub(s.created) > f.opts.Lifetime {
			delete(f.sessions, id)
		}
	}
}

// Handler implements fakemanager.App.
func (f *Fake) Handler(int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /j_security_check", f.login)
	if f.offersJWT() {
		mux.HandleFunc("POST /jwt/login", f.jwtLogin)
	}
	mux.HandleFunc("/logout", f.logout)
	mux.HandleFunc("GET /dataservice/client/token", f.authed(f.token))
	mux.HandleFunc("GET /dataservice/client/about", f.authed(f.about))
	mux.HandleFunc("GET /dataservice/client/server", f.authed(f.server))
	mux.HandleFunc("GET /dataservice/device", f.authed(f.listDevices))
	mux.HandleFunc("/dataservice/", f.authed(func(w http.ResponseWriter, r *http.Request, _ *session) {
		apiError(w, http.StatusNotFound, "Resource not found", "No API at "+r.URL.Path, "API0404")
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// The web application: the login page for anything else.
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		_, _ = fmt.Fprintf(w, loginPage, "")
	})
	return mux
}

func (f *Fake) login(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprintf(w, loginPage, invalidLogin)
		f.stats.FailedLogins.Add(1)
		return
	}
	_ = r.ParseForm()
	user, pass := r.PostForm.Get("j_username"), r.PostForm.Get("j_password")
	if user != f.opts.Username || pass != f.opts.Password {
		f.stats.FailedLogins.Add(1)
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprintf(w, loginPage, invalidLogin)
		return
	}
	if f.opts.PasswordReset {
		f.stats.FailedLogins.Add(1)
		http.Redirect(w, r, "https://"+r.Host+"/passwordReset.html", http.StatusFound)
		return
	}
	now := time.Now()
	id := strings.ToUpper(fakemanager.RandomHex(16)) + "." + fakemanager.RandomHex(8)
	f.mu.Lock()
	f.sweep(now)
	if len(f.sessions) >= MaxSessions {
		// The new session invalidates the least recently used one.
		var lru string
		for sid, s := range f.sessions {
			if lru == "" || s.lastUsed.Before(f.sessions[lru].lastUsed) {
				lru = sid
			}
		}
		delete(f.sessions, lru)
		f.stats.Add("evictions", 1)
	}
	f.sessions[id] = &session{user: user, xsrf: strings.ToUpper(fakemanager.RandomHex(40)), created: now, lastUsed: now}
	f.Issue(id, f.sessions[id].xsrf)
	f.mu.Unlock()
	f.stats.Logins.Add(1)
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: "/", Secure: true, HttpOnly: true})
	w.WriteHeader(http.StatusOK)
}

func (f *Fake) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if c, err := r.Cookie("JSESSIONID"); err == nil {
		f.mu.Lock()
		if f.sessions[c.Value] != nil {
			delete(f.sessions, c.Value)
			f.stats.Logouts.Add(1)
		}
		f.mu.Unlock()
	}
	// The session is invalidated; so is an expired one. Either way: the welcome page.
	w.Header().Set("Location", "https://"+r.Host+"/welcome.html?nocache="+r.URL.Query().Get("nocache"))
	http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1})
	w.WriteHeader(http.StatusFound)
}

// authed admits a request with a live session cookie, and with the matching XSRF token on
// POST, PUT and DELETE. An expired session gets the login page with 200, or 401.
func (f *Fake) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		f.mu.Lock()
		f.sweep(now)
		var s *session
		if c, err := r.Cookie("JSESSIONID"); err == nil {
			s = f.sessions[c.Value]
		}
		if s != nil {
			s.lastUsed = now
		}
		bearer, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if isBearer && s == nil && f.offersJWT() {
			if s = f.bearer(bearer, r, now); s == nil {
				f.mu.Unlock()
				f.stats.Add("bearer_rejected", 1)
				// The API gateway's answer to a token or key it does not take.
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"message":"failed to validate user"}`))
				return
			}
			f.stats.Add("bearer_requests", 1)
		}
		f.mu.Unlock()
		if s == nil {
			f.stats.Add("rejected_requests", 1)
			if f.opts.ExpiredStatus == http.StatusUnauthorized {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"message":"failed to validate user"}`))
				return
			}
			// Older releases: the login page, with 200, and the cookie expired.
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1})
			w.Header().Set("Content-Type", "text/html;charset=UTF-8")
			w.WriteHeader(http.StatusOK)
			_, _ = fmt.Fprintf(w, loginPage, "")
			return
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodDelete {
			f.stats.Add("writes", 1)
			if r.Header.Get("X-XSRF-TOKEN") != s.xsrf {
				f.stats.Add("xsrf_rejected", 1)
				apiError(w, http.StatusForbidden, "Forbidden", "The XSRF token is missing or does not match the session.", "API0403")
				return
			}
		}
		h(w, r, s)
	}
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request, s *session) {
	if r.URL.Query().Get("json") == "true" {
		writeJSON(w, http.StatusOK, map[string]string{"token": s.xsrf})
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(s.xsrf))
}

func (f *Fake) about(w http.ResponseWriter, _ *http.Request, _ *session) {
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"title": "Cisco Catalyst SD-WAN Manager", "version": f.opts.Release, "applicationVersion": f.platformVersion(),
		"applicationServer": "vmanage", "copyright": "Copyright (c) 2024, Cisco. All rights reserved.",
		"time": time.Now().UnixMilli(), "timeZone": "UTC", "logo": "/dataservice/client/logo",
	}})
}

func (f *Fake) server(w http.ResponseWriter, _ *http.Request, s *session) {
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"platformVersion": f.platformVersion(), "CSRFToken": s.xsrf, "server": "vm12", "tenancyMode": "SingleTenant",
		"userMode": "tenant", "user": s.user, "roles": []string{"netadmin"}, "capabilities": []string{},
		"locale": "en_US", "isSamlUser": false, "externalUser": false, "vmanageMode": "SingleTenant",
	}})
}

// Device is one entry of /dataservice/device, with the real hyphenated keys.
type Device struct {
	DeviceID     string `json:"deviceId"`
	SystemIP     string `json:"system-ip"`
	HostName     string `json:"host-name"`
	Reachability string `json:"reachability"`
	Status       string `json:"status"`
	Personality  string `json:"personality"`
	DeviceType   string `json:"device-type"`
	DeviceModel  string `json:"device-model"`
	Version      string `json:"version"`
	SiteID       string `json:"site-id"`
	UUID         string `json:"uuid"`
	BoardSerial  string `json:"board-serial"`
	Platform     string `json:"platform"`
	LastUpdated  int64  `json:"lastupdated"`
}

func makeDevices(n int) []Device {
	kinds := []struct{ typ, model, personality, platform string }{
		{"vmanage", "vmanage", "vmanage", "x86_64"},
		{"vsmart", "vsmart", "vsmart", "x86_64"},
		{"vbond", "vedge-cloud", "vbond", "x86_64"},
		{"vedge", "vedge-C8000V", "vedge", "x86_64"},
	}
	out := make([]Device, 0, n)
	for i := range n {
		k := kinds[min(i, len(kinds)-1)]
		reach := "reachable"
		if i%5 == 4 {
			reach = "unreachable"
		}
		out = append(out, Device{
			DeviceID: fmt.Sprintf("1.1.1.%d", i+1), SystemIP: fmt.Sprintf("1.1.1.%d", i+1),
			HostName: fmt.Sprintf("%s-%02d", k.typ, i+1), Reachability: reach, Status: "normal",
			Personality: k.personality, DeviceType: k.typ, DeviceModel: k.model, Version: Version,
			SiteID: fmt.Sprint(100 + i), UUID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1),
			BoardSerial: fmt.Sprintf("SN%06d", i+1), Platform: k.platform, LastUpdated: 1700000000000 + int64(i),
		})
	}
	return out
}

func (f *Fake) listDevices(w http.ResponseWriter, _ *http.Request, _ *session) {
	f.mu.Lock()
	devices := append([]Device(nil), f.devices...)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"header": map[string]any{"generatedOn": time.Now().UnixMilli(), "viewKeys": map[string]any{"uniqueKey": []string{"system-ip"}}},
		"data":   devices,
	})
}

func apiError(w http.ResponseWriter, status int, message, details, code string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": message, "details": details, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
