package framework

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netsession/terraform-provider-nsx/internal/session"
	"github.com/netsession/terraform-provider-nsx/internal/sessioncache"
)

// The opt-in session cache shared by the processes of one user (session_cache).
const (
	EnvSessionCache    = "NSX_SESSION_CACHE"
	EnvSessionCacheDir = "NSX_SESSION_CACHE_DIR"
	// DefaultRefusalTTL is NSX's default lockout window (api_failed_auth_lockout_period).
	DefaultRefusalTTL = 900 * time.Second
)

// CacheSettings are the resolved session_cache settings.
type CacheSettings struct {
	On         bool
	Dir        string
	RefusalTTL time.Duration
	// RefusalSet: session_cache_refusal_seconds is the user's; else a lockout period the
	// manager states replaces it.
	RefusalSet bool

	once   sync.Once
	opened *sessioncache.Dir
	err    error
}

// ResolveCache reads session_cache, session_cache_dir and session_cache_refusal_seconds, or
// their environment variables.
func ResolveCache(on types.Bool, dir types.String, refusal types.Int64) (*CacheSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := &CacheSettings{RefusalTTL: time.Duration(Int64Or(refusal, int64(DefaultRefusalTTL/time.Second))) * time.Second, RefusalSet: Known(refusal)}
	switch {
	case !on.IsNull() && !on.IsUnknown():
		c.On = on.ValueBool()
	case os.Getenv(EnvSessionCache) != "":
		b, err := strconv.ParseBool(os.Getenv(EnvSessionCache))
		if err != nil {
			diags.AddAttributeError(path.Root("session_cache"), "Invalid "+EnvSessionCache,
				fmt.Sprintf("%s=%q is not true or false.", EnvSessionCache, os.Getenv(EnvSessionCache)))
		}
		c.On = b
	}
	c.Dir = EnvOr(dir, EnvSessionCacheDir)
	if c.Dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			if c.On {
				diags.AddAttributeError(path.Root("session_cache_dir"), "No Cache Directory",
					fmt.Sprintf("The user's cache directory is unknown (%v); set session_cache_dir or %s.", err, EnvSessionCacheDir))
			}
			return c, diags
		}
		c.Dir = filepath.Join(base, "terraform-provider-nsx")
	}
	return c, diags
}

// storeFor is the session store of one manager's settings and how to use it: shared when the
// cache is on; drained when it is off but holds an entry of these credentials (turning the
// cache off ends its sessions at the end of the next run); none for credentials that travel
// on every call. A directory others can read is refused with a warning.
func (m *Managers) storeFor(sp Manager, s *Settings) (session.Store, session.StoreMode, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := m.Cache
	if c == nil || c.Dir == "" || !sp.Cacheable(s) {
		return nil, 0, diags
	}
	mode := session.StoreShare
	if !c.On {
		if _, err := os.Stat(c.Dir); err != nil {
			return nil, 0, diags // nothing was ever cached here
		}
		mode = session.StoreDrain
	}
	c.once.Do(func() { c.opened, c.err = sessioncache.Open(c.Dir) })
	if c.err != nil {
		if c.On {
			summary := "Session Cache Not Used"
			if errors.Is(c.err, sessioncache.ErrExposed) {
				summary = "Session Cache Directory Readable by Others"
			}
			diags.AddAttributeWarning(path.Root("session_cache_dir"), summary,
				fmt.Sprintf("%v. The provider logs in on its own in this run. Restrict the directory to its owner (chmod 700) or choose another.", c.err))
		}
		return nil, 0, diags
	}
	st, err := c.opened.For(sp.About().Block, s.Username, s.Password)
	if err != nil {
		diags.AddWarning("Session Cache Not Used", err.Error())
		return nil, 0, diags
	}
	return st, mode, diags
}
