package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// digest is a short stable id for a data source's filter set.
func digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
