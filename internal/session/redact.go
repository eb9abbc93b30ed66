package session

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Masked is what stands in for a secret in logs and error text.
const Masked = "***"

// SecretForms lists every form of the secrets that masking covers, for leak checks.
func SecretForms(user string, secrets ...string) []string { return secretForms(user, secrets...) }

// secretForms lists every way a secret can appear in text a manager echoes or a log records:
// as is, form- or path-encoded, JSON-escaped (with and without HTML escaping, with "/" as
// "\/", and ASCII-only with "\u00e9"), as HTML or XML text (with numeric or named
// entities), Base64 (plain and URL alphabets), and for HTTP Basic the Base64 of
// "user:secret". Empty values are left out. The result is a fresh slice: callers may share
// the inputs.
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
		for _, html := range []bool{true, false} {
			j := jsonEscaped(s, html)
			add(j)
			add(strings.ReplaceAll(j, "/", `\/`))
			a := asciiJSON(j)
			add(a)
			add(strings.ReplaceAll(a, "/", `\/`))
		}
		add(html.EscapeString(s))
		add(namedEntities.Replace(s))
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

// namedEntities escapes the characters HTML and XML escape, with named entities.
var namedEntities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// asciiJSON writes the non-ASCII characters of a JSON string's content as \u escapes, as
// ASCII-only JSON encoders do (UTF-16 surrogate pairs beyond the first plane).
func asciiJSON(j string) string {
	var b strings.Builder
	for _, r := range j {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// minAnywhere is the length from which a secret is masked wherever it stands. A shorter one
// (a one-letter cookie, a four-digit PIN) would garble every message if masked inside words:
// it is masked where it stands as a token of its own.
const minAnywhere = 6

// maskAll replaces every form in text.
func maskAll(text string, forms []string) string {
	for _, f := range forms {
		if !strings.Contains(text, f) {
			continue
		}
		if len(f) >= minAnywhere {
			text = strings.ReplaceAll(text, f, Masked)
			continue
		}
		text = maskTokens(text, f)
	}
	return text
}

// maskTokens replaces f in text where no letter or digit stands right before or after it.
func maskTokens(text, f string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, f)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		before, after := rune(0), rune(0)
		if i > 0 {
			before, _ = utf8.DecodeLastRuneInString(text[:i])
		}
		if i+len(f) < len(text) {
			after, _ = utf8.DecodeRuneInString(text[i+len(f):])
		}
		b.WriteString(text[:i])
		if wordRune(before) || wordRune(after) {
			b.WriteString(f)
		} else {
			b.WriteString(Masked)
		}
		text = text[i+len(f):]
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// logMasks are the tflog masks of forms: long forms anywhere, short ones as tokens (with
// the characters around them, which a regular expression without look-around takes too).
func logMasks(ctx context.Context, forms []string) context.Context {
	var long []string
	var short []*regexp.Regexp
	for _, f := range forms {
		if len(f) >= minAnywhere {
			long = append(long, f)
			continue
		}
		short = append(short, regexp.MustCompile(`(^|[^\p{L}\p{N}])`+regexp.QuoteMeta(f)+`($|[^\p{L}\p{N}])`))
	}
	if len(long) > 0 {
		ctx = tflog.MaskMessageStrings(ctx, long...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, long...)
	}
	if len(short) > 0 {
		ctx = tflog.MaskMessageRegexes(ctx, short...)
		ctx = tflog.MaskAllFieldValuesRegexes(ctx, short...)
	}
	return ctx
}

// secretSet is every secret this client knows now: the configured ones and the credentials
// of every open session, in every form. It is asked on every request (for the request's
// log context): the forms are computed again only when the secrets changed.
func (c *Client) secretSet() []string {
	secrets := append([]string(nil), c.cfg.Secrets...)
	c.sent.mu.Lock()
	secrets = append(secrets, c.sent.list...)
	c.sent.mu.Unlock()
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

// maxSent bounds the secrets a client keeps masking on the user's behalf (the oldest go).
const maxSent = 256

type sentSecrets struct {
	mu   sync.Mutex
	list []string
}

// AddSecrets masks secrets, which the caller sends to the manager (write-only attribute
// values), in every log line and error text from now on, in every form, as the client's own
// credentials are.
func (c *Client) AddSecrets(secrets ...string) {
	c.sent.mu.Lock()
	defer c.sent.mu.Unlock()
	for _, s := range secrets {
		if s != "" && !slices.Contains(c.sent.list, s) {
			c.sent.list = append(c.sent.list, s)
		}
	}
	if over := len(c.sent.list) - maxSent; over > 0 {
		c.sent.list = append([]string(nil), c.sent.list[over:]...)
	}
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

// unregister drops a client whose sessions have ended for good (a lent one), so that the
// registry does not grow with every session lent in a long-lived process.
func unregister(c *Client) {
	live.Lock()
	defer live.Unlock()
	for i, x := range live.clients {
		if x == c {
			live.clients = append(live.clients[:i:i], live.clients[i+1:]...)
			return
		}
	}
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
