package sdwan

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/fakemanager"
)

// JWT login and API keys, from JWTRelease on (PROTOCOLS.md section 3): POST /jwt/login with
// JSON {username, password, duration} (1 to 604800 s, default 1800) answers {token, refresh,
// csrf, exp, duration} or 401; calls carry "Authorization: Bearer <token or key>", writes the
// csrf (a key's: from /dataservice/client/token) as X-XSRF-TOKEN. Neither takes a session
// slot, and there is no logout. The refresh call is UNCONFIRMED: not served.

// JWTRelease is the first release that offers them.
const JWTRelease = "20.18.1"

// ReleaseAtLeast compares dotted releases numerically ("20.18.1" ≥ "20.9").
func ReleaseAtLeast(have, want string) bool {
	h, w := strings.Split(have, "."), strings.Split(want, ".")
	for i := 0; i < max(len(h), len(w)); i++ {
		var a, b int
		if i < len(h) {
			a, _ = strconv.Atoi(h[i])
		}
		if i < len(w) {
			b, _ = strconv.Atoi(w[i])
		}
		if a != b {
			return a > b
		}
	}
	return true
}

func (f *Fake) offersJWT() bool { return ReleaseAtLeast(f.opts.Release, JWTRelease) }

func (f *Fake) platformVersion() string {
	if f.opts.Release == Version {
		return PlatformVersion
	}
	return f.opts.Release + "-1"
}

func (f *Fake) jwtLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Duration *int64 `json:"duration"`
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in) != nil {
		apiError(w, http.StatusBadRequest, "Bad Request", "The body must be JSON with username and password.", "JWT0400")
		return
	}
	duration := int64(1800)
	if in.Duration != nil {
		duration = *in.Duration
	}
	if duration < 1 || duration > 604800 {
		apiError(w, http.StatusBadRequest, "Bad Request", "duration must be between 1 and 604800 seconds.", "JWT0400")
		return
	}
	if in.Username != f.opts.Username || in.Password != f.opts.Password {
		f.stats.FailedLogins.Add(1)
		apiError(w, http.StatusUnauthorized, "Authentication failed", "Invalid User or Password", "JWT0401")
		return
	}
	now := time.Now()
	s := &session{user: in.Username, xsrf: strings.ToUpper(fakemanager.RandomHex(40)), created: now, lastUsed: now,
		expires: now.Add(time.Duration(duration) * time.Second)}
	token, refresh := "eyJ"+fakemanager.RandomHex(32), fakemanager.RandomHex(24)
	f.mu.Lock()
	f.tokens[token] = s
	f.Issue(token, refresh, s.xsrf)
	f.mu.Unlock()
	f.stats.Add("jwt_logins", 1)
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "refresh": refresh, "csrf": s.xsrf,
		"exp": s.expires.Unix(), "duration": duration})
}

// bearer is the pseudo-session of a JWT or API key (nil: refused); f.mu held. A key's XSRF
// token is made on its first use.
func (f *Fake) bearer(v string, _ *http.Request, now time.Time) *session {
	if s := f.tokens[v]; s != nil {
		if now.After(s.expires) {
			delete(f.tokens, v)
			return nil
		}
		return s
	}
	user, ok := f.opts.APIKeys[v]
	if !ok {
		return nil
	}
	s := f.keys[v]
	if s == nil {
		s = &session{user: user, xsrf: strings.ToUpper(fakemanager.RandomHex(40)), created: now}
		f.keys[v] = s
		f.Issue(s.xsrf)
	}
	return s
}

// ExpireTokens lapses every JWT now (a test's clock).
func (f *Fake) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.tokens {
		s.expires = time.Now().Add(-time.Second)
	}
}
