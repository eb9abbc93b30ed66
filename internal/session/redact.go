package session

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Masked is what stands in for a secret in logs and error text.
const Masked = "***"

// SecretForms lists every form of the secrets that masking covers, for leak checks.
func SecretForms(user string, secrets ...string) []string { return secretForms(user, secrets...) }

// secretForms lists every way a secret can appear in text a manager echoes or a log records:
// as is, form- or path-encoded, JSON-escaped (with and without HTML escaping), Base64 (plain
// and URL alphabets), and for HTTP Basic the Base64 of "user:secret". Empty values are left
// out. The result is a fresh slice: callers may share the inputs.
func secretForms(user string, secrets ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		add(strings.ReplaceAll(url.QueryEscape(s), "+", "%20"))
		add(jsonEscaped(s, true))
		add(jsonEscaped(s, false))
		add(base64.StdEncoding.EncodeToString([]byte(s)))
		add(base64.RawStdEncoding.EncodeToString([]byte(s)))
		add(base64.URLEncoding.EncodeToString([]byte(s)))
		if user != "" {
			add(base64.StdEncoding.EncodeToString([]byte(user + ":" + s)))
		}
	}
	// Longest first, so that a secret inside another's encoding is not half masked.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func jsonEscaped(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s)
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(b.String(), `"`), "\n"), `"`)
}

// maskAll replaces every form in text.
func maskAll(text string, forms []string) string {
	for _, f := range forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Masked)
		}
	}
	return text
}

// secretSet is every secret this client knows now: the configured ones and the credentials
// of every open session, in every form. It is asked on every request (for the request's
// log context): the forms are computed again only when the secrets changed.
func (c *Client) secretSet() []string {
	secrets := append([]string(nil), c.cfg.Secrets...)
	for _, n := range c.nodes {
		n.mu.Lock()
		if n.cred != nil {
			secrets = append(secrets, n.cred.secrets()...)
		}
		secrets = append(secrets, n.spent...)
		n.mu.Unlock()
	}
	key := strings.Join(secrets, "\x00")
	c.forms.mu.Lock()
	defer c.forms.mu.Unlock()
	if c.forms.of != key || c.forms.set == nil {
		c.forms.of, c.forms.set = key, secretForms(c.cfg.Username, secrets...)
	}
	return c.forms.set
}

// formsCache is the last secretSet and the secrets it was made of. Its slice is never
// changed once made: callers may keep it.
type formsCache struct {
	mu  sync.Mutex
	of  string
	set []string
}

// live is every client of this process, so that an excerpt of a manager's answer can be
// masked before it is cut: an excerpt cut through a secret's encoding would otherwise show
// part of it where no whole form matches any more. Login answers, which Authenticators
// read before any session exists, are excerpted too.
var live struct {
	sync.Mutex
	clients []*Client
}

func register(c *Client) {
	live.Lock()
	live.clients = append(live.clients, c)
	live.Unlock()
}

// maskKnown masks in text every secret any client of the process knows.
func maskKnown(text string) string {
	live.Lock()
	clients := append([]*Client(nil), live.clients...)
	live.Unlock()
	for _, c := range clients {
		text = c.Mask(text)
	}
	return text
}

// Mask replaces every secret this client knows, in any of its forms, in text: for error text
// that quotes what a manager answered.
func (c *Client) Mask(text string) string { return maskAll(text, c.secretSet()) }

// Mask replaces in text every secret any client of the pool knows, in any of its forms.
func (p *Pool) Mask(text string) string {
	for _, c := range p.Clients() {
		text = c.Mask(text)
	}
	return text
}
