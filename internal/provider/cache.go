package provider

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
	envSessionCache    = "NSX_SESSION_CACHE"
	envSessionCacheDir = "NSX_SESSION_CACHE_DIR"
	// defaultRefusalTTL is NSX's lockout window (api_failed_auth_lockout_period).
	defaultRefusalTTL = 900 * time.Second
)

// cacheSettings are the resolved session_cache settings.
type cacheSettings struct {
	on         bool
	dir        string
	refusalTTL time.Duration

	once   sync.Once
	opened *sessioncache.Dir
	err    error
}

// resolveCache reads session_cache, session_cache_dir and session_cache_refusal_seconds, or
// their environment variables.
func resolveCache(on types.Bool, dir types.String, refusal types.Int64) (*cacheSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := &cacheSettings{refusalTTL: time.Duration(int64Or(refusal, int64(defaultRefusalTTL/time.Second))) * time.Second}
	switch {
	case !on.IsNull() && !on.IsUnknown():
		c.on = on.ValueBool()
	case os.Getenv(envSessionCache) != "":
		b, err := strconv.ParseBool(os.Getenv(envSessionCache))
		if err != nil {
			diags.AddAttributeError(path.Root("session_cache"), "Invalid "+envSessionCache,
				fmt.Sprintf("%s=%q is not true or false.", envSessionCache, os.Getenv(envSessionCache)))
		}
		c.on = b
	}
	c.dir = envOr(dir, envSessionCacheDir)
	if c.dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			if c.on {
				diags.AddAttributeError(path.Root("session_cache_dir"), "No Cache Directory",
					fmt.Sprintf("The user's cache directory is unknown (%v); set session_cache_dir or %s.", err, envSessionCacheDir))
			}
			return c, diags
		}
		c.dir = filepath.Join(base, "terraform-provider-nsx")
	}
	return c, diags
}

// storeFor is the session store of one manager's settings and how to use it: shared when the
// cache is on; drained when it is off but holds an entry of these credentials (turning the
// cache off ends its sessions at the end of the next run); none for credentials that travel
// on every call. A directory others can read is refused with a warning.
func (m *Managers) storeFor(sp manager, s *managerSettings) (session.Store, session.StoreMode, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := m.cache
	if c == nil || c.dir == "" || !sp.cacheable(s) {
		return nil, 0, diags
	}
	mode := session.StoreShare
	if !c.on {
		if _, err := os.Stat(c.dir); err != nil {
			return nil, 0, diags // nothing was ever cached here
		}
		mode = session.StoreDrain
	}
	c.once.Do(func() { c.opened, c.err = sessioncache.Open(c.dir) })
	if c.err != nil {
		if c.on {
			summary := "Session Cache Not Used"
			if errors.Is(c.err, sessioncache.ErrExposed) {
				summary = "Session Cache Directory Readable by Others"
			}
			diags.AddAttributeWarning(path.Root("session_cache_dir"), summary,
				fmt.Sprintf("%v. The provider logs in on its own in this run. Restrict the directory to its owner (chmod 700) or choose another.", c.err))
		}
		return nil, 0, diags
	}
	st, err := c.opened.For(sp.info().block, s.username, s.password)
	if err != nil {
		diags.AddWarning("Session Cache Not Used", err.Error())
		return nil, 0, diags
	}
	return st, mode, diags
}
