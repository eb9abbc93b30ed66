package nsxt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// The settings objects of who gets in: the auth policy and node properties of each manager
// node, and the login banner.

// APILockoutFields are the auth-policy fields whose change restarts the node's HTTP service
// (NSX documents it for these three).
var APILockoutFields = []string{"api_max_auth_failures", "api_failed_auth_reset_period", "api_failed_auth_lockout_period"}

// AuthPolicy is the node's authentication and password policy, GET/PUT
// /api/v1/node/aaa/auth-policy. NSX says its "account lockout policies are set and enforced
// on a per node basis"; the API reference of this SDK's release says the values are "in sync
// among the management cluster nodes". Written to every node, it is right either way. A
// write of an API lockout field restarts that node's HTTP service. Every read tells the
// session layer the node's lockout period: a refused login is not sent again for as long.
var AuthPolicy = &Object{
	Name: "auth policy", Path: "/api/v1/node/aaa/auth-policy", ID: "auth_policy", Scope: Node,
	Restarts: func(changed []string) bool {
		for _, c := range changed {
			if slices.Contains(APILockoutFields, c) {
				return true
			}
		}
		return false
	},
	Learn: func(c *Client, d *Document) {
		var period int64
		if present, err := d.Decode("api_failed_auth_lockout_period", &period); present && err == nil && period > 0 {
			c.s.LearnRefusalTTL(d.Node, time.Duration(period)*time.Second)
		}
	},
}

// NodeProperties are the node's own properties, GET/PUT /api/v1/node: its CLI timeout,
// time zone and the rest; the identity fields (host name, versions, UUID) are the node's.
// Vidm is the node's VMware Identity Manager provider (NodeAuthProviderVidmProperties): the
// identity provider with multifactor authentication the NSX 4.x STIG requires
// (NMGR-4X-000015). Written on every node: whether NSX keeps it per node or for the cluster
// is not documented, and every node's answer is what the STIG's check reads.
var Vidm = &Object{Name: "vIDM provider", Path: "/api/v1/node/aaa/providers/vidm", ID: "vidm", Scope: Node}

var NodeProperties = &Object{Name: "node settings", Path: "/api/v1/node", ID: "node_settings", Scope: Node}

// LoginBanner is the banner shown before login (the UI's login consent settings), one for
// the manager. The documents disagree on its write: the STIG's checks read GET
// /api/v1/loginbanner, the vendor's STIG automation found PUT, POST and PATCH refused
// there, and the same automation writes PUT /policy/api/v1/loginbanner. The object is the
// policy API's, which the provider reads and writes; LoginBannerAsShown reads the other.
var LoginBanner = &Object{Name: "login banner", Path: "/policy/api/v1/loginbanner", ID: "login_banner", Scope: Cluster,
	WriteFallback: "/api/v1/loginbanner"}

// LoginBannerAsShown reads /api/v1/loginbanner, the banner as the STIG's checks read it.
func (c *Client) LoginBannerAsShown(ctx context.Context) (map[string]json.RawMessage, error) {
	var out map[string]json.RawMessage
	err := c.do(ctx, http.MethodGet, "/api/v1/loginbanner", nil, &out)
	return out, err
}

// NodeUser is a local user of the manager, /api/v1/node/users/{userid}. NSX keeps local users
// in the cluster's database and synchronises them to every manager node (Broadcom KB 419567;
// a password change can take a few minutes to reach the others).
type NodeUser struct {
	UserID                  int64  `json:"userid"`
	Username                string `json:"username"`
	FullName                string `json:"full_name"`
	Status                  string `json:"status"`
	PasswordChangeFrequency int64  `json:"password_change_frequency"`
	PasswordChangeWarning   int64  `json:"password_change_warning"`
	PasswordResetRequired   bool   `json:"password_reset_required"`
	LastPasswordChange      int64  `json:"last_password_change"`
}

// NodeUserWrite is what a user's update or creation sends; nil fields are left out.
type NodeUserWrite struct {
	Username *string `json:"username,omitempty"`
	FullName *string `json:"full_name,omitempty"`
	Password *string `json:"password,omitempty"`
	// OldPassword is the user's current password, which NSX requires on a PUT that changes
	// it (NodeUserProperties: "required on PUT if password specified").
	OldPassword             *string `json:"old_password,omitempty"`
	PasswordChangeFrequency *int64  `json:"password_change_frequency,omitempty"`
	PasswordChangeWarning   *int64  `json:"password_change_warning,omitempty"`
}

// NodeUsers lists the local users.
func (c *Client) NodeUsers(ctx context.Context) ([]NodeUser, error) {
	var out struct {
		Results []NodeUser `json:"results"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/node/users", nil, &out); err != nil {
		return nil, err
	}
	if err := c.s.CountItems(ctx, len(out.Results)); err != nil {
		return nil, err
	}
	return out.Results, nil
}

// NodeUserByName finds the local user called name; ErrNotFound when there is none.
func (c *Client) NodeUserByName(ctx context.Context, name string) (*NodeUser, error) {
	all, err := c.NodeUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Username == name {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("%w: NSX has no local user %q", ErrNotFound, name)
}

// NodeUserByID reads the local user userid.
func (c *Client) NodeUserByID(ctx context.Context, id int64) (*NodeUser, error) {
	var u NodeUser
	err := c.do(ctx, http.MethodGet, "/api/v1/node/users/"+strconv.FormatInt(id, 10), nil, &u)
	return &u, err
}

// UpdateNodeUser writes w over the user (a password included, which NSX checks
// against its password policy: a refusal matches ErrPasswordRefused).
func (c *Client) UpdateNodeUser(ctx context.Context, user *NodeUser, w NodeUserWrite) (*NodeUser, error) {
	var u NodeUser
	err := c.do(ctx, http.MethodPut, "/api/v1/node/users/"+strconv.FormatInt(user.UserID, 10), w, &u)
	var te *session.TransportError
	if w.Password != nil && (err == nil || errors.As(err, &te)) && c.LogsInAs(user.Username) {
		// The configured password is the old one from now on, or may be (no answer said how
		// the write went): the sessions held stay in use, and no login sends it again.
		c.s.CredentialsChanged("the password of " + user.Username + ", the account it logs in with, was changed")
	}
	return &u, err
}

// LogsInAs reports whether the client logs in as the local user name (a user name and
// password, not a principal identity's certificate).
func (c *Client) LogsInAs(name string) bool {
	a, ok := c.s.Authenticator().(*Auth)
	return ok && a.Username == name
}

// CreateNodeUser creates a local user (NSX 4.1 and later): active when it has a password.
func (c *Client) CreateNodeUser(ctx context.Context, w NodeUserWrite) (*NodeUser, error) {
	var u NodeUser
	err := c.do(ctx, http.MethodPost, "/api/v1/node/users?action=create_user", w, &u)
	return &u, err
}

// ActivateNodeUser activates userid with password; DeactivateNodeUser deactivates it.
func (c *Client) ActivateNodeUser(ctx context.Context, id int64, password string) (*NodeUser, error) {
	var u NodeUser
	err := c.do(ctx, http.MethodPost, "/api/v1/node/users/"+strconv.FormatInt(id, 10)+"?action=activate", map[string]string{"password": password}, &u)
	return &u, err
}

// DeactivateNodeUser deactivates the user userid: it can no longer log in.
func (c *Client) DeactivateNodeUser(ctx context.Context, id int64) (*NodeUser, error) {
	var u NodeUser
	err := c.do(ctx, http.MethodPost, "/api/v1/node/users/"+strconv.FormatInt(id, 10)+"?action=deactivate", nil, &u)
	return &u, err
}

// DeleteNodeUser deletes the local user userid (NSX 4.1 and later; not admin).
func (c *Client) DeleteNodeUser(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/node/users/"+strconv.FormatInt(id, 10), nil, nil)
}

// RolesForPath are the roles a binding gives on one policy path.
type RolesForPath struct {
	Path  string    `json:"path"`
	Roles []RoleRef `json:"roles"`
}

// RoleRef is one role of a binding.
type RoleRef struct {
	Role        string `json:"role"`
	DisplayName string `json:"role_display_name,omitempty"`
}

// RoleBinding is a role binding of the policy API, /policy/api/v1/aaa/role-bindings/{id}.
type RoleBinding struct {
	ID                 string         `json:"id,omitempty"`
	Name               string         `json:"name"`
	Type               string         `json:"type"`
	IdentitySourceType string         `json:"identity_source_type,omitempty"`
	IdentitySourceID   string         `json:"identity_source_id,omitempty"`
	RolesForPaths      []RolesForPath `json:"roles_for_paths"`
	Revision           int64          `json:"_revision"`
}

const bindingsPath = "/policy/api/v1/aaa/role-bindings"

// RoleBindings lists every role binding (every page).
func (c *Client) RoleBindings(ctx context.Context) ([]RoleBinding, error) {
	all, _, err := List(ctx, c, bindingsPath, "role bindings", func(b RoleBinding) string { return b.ID })
	return all, err
}

// RoleBinding reads the binding id; ErrNotFound when it does not exist.
func (c *Client) RoleBinding(ctx context.Context, id string) (*RoleBinding, error) {
	var b RoleBinding
	err := c.do(ctx, http.MethodGet, bindingsPath+"/"+url.PathEscape(id), nil, &b)
	return &b, err
}

// CreateRoleBinding creates b.
func (c *Client) CreateRoleBinding(ctx context.Context, b RoleBinding) (*RoleBinding, error) {
	var out RoleBinding
	err := c.do(ctx, http.MethodPost, bindingsPath, b, &out)
	return &out, err
}

// UpdateRoleBinding writes b over the binding b.ID as NSX holds it now (putCurrent: its
// `_revision` read first, and again once where someone wrote in between).
func (c *Client) UpdateRoleBinding(ctx context.Context, b RoleBinding) (*RoleBinding, error) {
	return putCurrent(ctx, c, bindingsPath+"/"+url.PathEscape(b.ID), &b, &b.Revision)
}

// DeleteRoleBinding deletes the binding id.
func (c *Client) DeleteRoleBinding(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, bindingsPath+"/"+url.PathEscape(id), nil, nil)
}
