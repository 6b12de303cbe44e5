package controltest

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idSpace is how many six-character IDs there are.
const idSpace = 62 * 62 * 62 * 62 * 62 * 62

// newID hands out a six-character ID like Ably's ("28AB6x"). It is counter-based, so a test
// run is reproducible, and scrambled (a multiplier coprime with idSpace is a bijection) so IDs
// do not read as 000001, 000002. The caller holds s.mu.
func (s *Server) newID() string {
	s.seq++
	n := (uint64(s.seq)*1_000_003 + 52_021_349) % idSpace
	var b [6]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = idAlphabet[n%62]
		n /= 62
	}
	return string(b[:])
}

// keySecret is a new key's secret, 43 characters like a real one: random with WithRandom,
// else derived from its name (stable across runs). The caller holds s.mu.
func (s *Server) keySecret(keyName string) string {
	if s.rand != nil {
		b := make([]byte, 32)
		if _, err := io.ReadFull(s.rand, b); err == nil {
			return base64.RawURLEncoding.EncodeToString(b)
		}
	}
	sum := sha256.Sum256([]byte("controltest:" + keyName))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
