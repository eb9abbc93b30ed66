package nsxt

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/netsession/terraform-provider-nsx/internal/session"
)

var (
	// "Client 'admin' exceeded request rate of 100 per second" (error_code 102).
	rateWords = regexp.MustCompile(`(?i)request rate of (\d+(?:\.\d+)?) per second`)
	// "Client 'admin' exceeded concurrent request limit of 40"; the global limit is
	// "... global concurrent request limit of 199". The exact words are not documented, so
	// any "concurrent ... limit of N" is read.
	concurrencyWords = regexp.MustCompile(`(?i)concurren\w*[^0-9]{0,60}?limit of (\d+)`)
)

// Refusal reads what NSX's reverse proxy says when it refuses a request for the client's
// limits: the 429 of client_api_rate_limit states the rate, the 503 (429 in some releases) of
// client_api_concurrency_limit states the requests in flight. The global concurrency limit
// is shared by every client, so its number is not this client's limit: it only lowers the
// concurrency. Any other 503 is NSX unavailable (a restart), no refusal of the client's.
func Refusal(status int, body []byte) session.Refusal {
	text := string(body)
	var e struct {
		ErrorMessage string `json:"error_message"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorMessage != "" {
		text = e.ErrorMessage
	}
	if m := rateWords.FindStringSubmatch(text); m != nil {
		r, _ := strconv.ParseFloat(m[1], 64)
		return session.Refusal{Limits: session.Limits{Rate: r}, RateRefused: true}
	}
	if m := concurrencyWords.FindStringSubmatch(text); m != nil {
		if strings.Contains(strings.ToLower(text), "global") {
			return session.Refusal{ConcurrencyRefused: true}
		}
		n, _ := strconv.Atoi(m[1])
		return session.Refusal{Limits: session.Limits{Concurrency: n}, ConcurrencyRefused: true}
	}
	if status == http.StatusTooManyRequests {
		return session.Refusal{RateRefused: true}
	}
	return session.Refusal{Other: true}
}

// limits are the per-client limits cfg states (0: off, which states nothing).
func (cfg *APIServiceConfig) limits() session.Limits {
	return session.Limits{Rate: float64(cfg.ClientAPIRateLimit), Concurrency: int(cfg.ClientAPIConcurrencyLimit)}
}
