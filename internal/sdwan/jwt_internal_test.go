package sdwan

import (
	"encoding/json"
	"testing"
	"time"
)

// The unit of the JWT answer's exp is UNCONFIRMED: seconds and milliseconds since the epoch
// are each read as the same instant, and neither moves the expiry past the duration asked for.
func TestJWTExpiryReadsBothUnits(t *testing.T) {
	t.Parallel()
	sent := time.Unix(1_800_000_000, 0)
	in := sent.Add(10 * time.Minute)
	for name, exp := range map[string]int64{"seconds": in.Unix(), "milliseconds": in.UnixMilli()} {
		raw, _ := json.Marshal(exp)
		if got := jwtExpiry(jwtAnswer{Exp: raw}, sent); !got.Equal(in) {
			t.Errorf("exp in %s: expiry %v, want %v", name, got, in)
		}
	}
	far, _ := json.Marshal(sent.Add(48 * time.Hour).UnixMilli())
	if got := jwtExpiry(jwtAnswer{Exp: far}, sent); !got.Equal(sent.Add(JWTDuration * time.Second)) {
		t.Errorf("an exp past the duration asked for was trusted: %v", got)
	}
}
