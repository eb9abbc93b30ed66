// Package vcenter speaks the vSphere Automation REST API of vCenter: its CIS session (POST
// /api/session, or the legacy /rest/com/vmware/cis/session before 7.0 U2), the
// vmware-api-session-id header, vAPI errors, and a typed client for the appliance version and
// the tagging service. It knows wire formats, not Terraform.
package vcenter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// SessionHeader carries the session token on every call.
const SessionHeader = "vmware-api-session-id"

// IdleTimeout is vCenter's API session idle timeout.
const IdleTimeout = 30 * time.Minute

// Paths of the two API families.
const (
	sessionPath       = "/api/session"
	legacySessionPath = "/rest/com/vmware/cis/session"
)

// Auth is the CIS session login: POST /api/session with Basic credentials answers 201 and the
// token as a JSON string. vCenter before 7.0 U2 has no /api (404): then the legacy POST
// /rest/com/vmware/cis/session answers {"value": token}, and every later call uses /rest.
type Auth struct {
	Username string
	Password string
	legacy   atomic.Bool
}

var _ session.Authenticator = (*Auth)(nil)

// Legacy reports whether the vCenter turned out to predate /api.
func (a *Auth) Legacy() bool { return a.legacy.Load() }

// Login implements session.Authenticator. The credentials are sent once per API family.
func (a *Auth) Login(ctx context.Context, hc *http.Client, node *url.URL) (*session.Credentials, error) {
	if !a.legacy.Load() {
		answer, err := a.post(ctx, hc, node, sessionPath)
		if err != nil {
			return nil, err
		}
		switch answer.StatusCode {
		case http.StatusCreated, http.StatusOK:
			var token string
			if err := session.DecodeJSON("vcenter", "POST "+sessionPath, answer, &token); err != nil || token == "" {
				return nil, fmt.Errorf("logging in to vCenter at %s: the answer is not the session token as a JSON string (%w)", node.Host, err)
			}
			return &session.Credentials{Header: http.Header{SessionHeader: {token}}}, nil
		case http.StatusNotFound:
			a.legacy.Store(true)
			tflog.Debug(ctx, "vCenter has no /api/session (older than 7.0 U2); using the legacy /rest API", map[string]any{"block": "vcenter", "node": node.Host})
		default:
			return nil, a.refused(node, sessionPath, answer)
		}
	}
	answer, err := a.post(ctx, hc, node, legacySessionPath)
	if err != nil {
		return nil, err
	}
	if answer.StatusCode != http.StatusOK && answer.StatusCode != http.StatusCreated {
		return nil, a.refused(node, legacySessionPath, answer)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := session.DecodeJSON("vcenter", "POST "+legacySessionPath, answer, &out); err != nil || out.Value == "" {
		return nil, fmt.Errorf("logging in to vCenter at %s: the legacy answer is not {\"value\": token} (%w)", node.Host, err)
	}
	return &session.Credentials{Header: http.Header{SessionHeader: {out.Value}}}, nil
}

func (a *Auth) post(ctx context.Context, hc *http.Client, node *url.URL, p string) (*session.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node.String()+p, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(a.Username, a.Password)
	req.Header.Set("Accept", "application/json")
	answer, err := session.Exchange(hc, "vcenter", req)
	if err != nil {
		return nil, err
	}
	return answer, nil
}

// refused turns a failed login answer into an error: 401 and 403 are a refused login, never
// retried; anything else (503: a back-end component is down) is not.
func (a *Auth) refused(node *url.URL, p string, answer *session.Response) error {
	e := DecodeError(answer)
	if answer.StatusCode == http.StatusUnauthorized || answer.StatusCode == http.StatusForbidden {
		return &session.LoginError{Block: "vcenter", Host: node.Host, Status: answer.StatusCode,
			Reason: strings.TrimSuffix(e.Message(), ".") + ". vCenter does not disclose why a session cannot be created (\"due to the security nature of the API the details of the error are not disclosed\"): " +
				"the user name (e.g. administrator@vsphere.local) or password is wrong, or the account is locked"}
	}
	return fmt.Errorf("creating a vCenter session at %s (POST %s): %w", node.Host, p, e)
}

// Expired implements session.Authenticator: 401 (error_type UNAUTHENTICATED) on a data call
// means the session idled out or was deleted.
func (a *Auth) Expired(resp *session.Response) bool {
	return resp.StatusCode == http.StatusUnauthorized
}

// Logout implements session.Authenticator: DELETE the session on the path it came from.
func (a *Auth) Logout(ctx context.Context, hc *http.Client, node *url.URL, cred *session.Credentials) error {
	p := sessionPath
	if a.legacy.Load() {
		p = legacySessionPath
	}
	return session.EndSession(ctx, hc, "vcenter", http.MethodDelete, node, p, nil, cred,
		func(answer *session.Response) error { return DecodeError(answer) })
}

// APIError is a vAPI error: {"error_type", "messages": [{"id", "default_message"}]} from /api,
// {"type", "value": {"messages": [...]}} from /rest.
type APIError struct {
	session.HTTPError
	ErrorType string
	Messages  []string
}

type vapiMessage struct {
	ID             string `json:"id"`
	DefaultMessage string `json:"default_message"`
}

// DecodeError reads a vAPI error answer of either family.
func DecodeError(resp *session.Response) *APIError {
	e := &APIError{HTTPError: session.NewHTTPError(resp)}
	var w struct {
		ErrorType string        `json:"error_type"`
		Messages  []vapiMessage `json:"messages"`
		Type      string        `json:"type"`
		Value     struct {
			Messages []vapiMessage `json:"messages"`
		} `json:"value"`
	}
	if json.Unmarshal(resp.Body, &w) != nil || (w.ErrorType == "" && w.Type == "") {
		if len(strings.TrimSpace(string(resp.Body))) > 0 {
			e.Body = session.DescribeBody(resp)
		}
		return e
	}
	msgs := w.Messages
	e.ErrorType = session.Quote(w.ErrorType)
	if e.ErrorType == "" {
		// com.vmware.vapi.std.errors.unauthenticated → UNAUTHENTICATED
		e.ErrorType = session.Quote(strings.ToUpper(w.Type[strings.LastIndex(w.Type, ".")+1:]))
		msgs = w.Value.Messages
	}
	for _, m := range msgs[:min(len(msgs), 10)] {
		if m.DefaultMessage != "" {
			e.Messages = append(e.Messages, session.Quote(m.DefaultMessage))
		}
	}
	return e
}

// Message is vCenter's own words, or a description of the body.
func (e *APIError) Message() string {
	switch {
	case len(e.Messages) > 0:
		return strings.Join(e.Messages, "; ")
	case e.Body != "":
		return e.Body
	}
	return http.StatusText(e.Status)
}

func (e *APIError) Error() string { return e.Say("vCenter", e.ErrorType, e.Message()) }
