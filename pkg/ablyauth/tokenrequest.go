package ablyauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// TokenParams is what an Ably token is requested for.
type TokenParams struct {
	Capability Capability    // nil means DefaultCapability
	ClientID   string        // "" generates ably-cli-<8 hex>; NoClientID leaves it out
	TTL        time.Duration // at least one millisecond
}

// TokenRequest is a signed token request (SignedTokenRequest in Ably's platform-v1.yaml),
// ready to be posted to /keys/{keyName}/requestToken. Anyone holding it can redeem it once
// for a token, so it is as sensitive as the token, but it never carries the key's secret.
type TokenRequest struct {
	KeyName string `json:"keyName"`
	TTL     int64  `json:"ttl,omitempty"` // milliseconds; 0 leaves the server's default
	// Capability is the capability's JSON as a string, as Ably's token request spec and SDKs
	// send it: the mac covers these exact bytes, which an object would not pin down.
	Capability string `json:"capability"`
	ClientID   string `json:"clientId,omitempty"`
	Timestamp  int64  `json:"timestamp"` // milliseconds since the epoch
	Nonce      string `json:"nonce"`     // random, at least 16 characters, so a request is used once
	MAC        string `json:"mac"`       // base64 HMAC-SHA256 of SigningText with the key's secret
}

// nonceBytes gives a 32-character hex nonce, twice the minimum Ably asks for.
const nonceBytes = 16

// TokenRequest builds and signs a token request for key (DESIGN §4). The clock gives the
// timestamp and Rand the nonce and any generated client ID.
func (is Issuer) TokenRequest(key Key, p TokenParams) (TokenRequest, error) {
	if p.TTL < time.Millisecond {
		return TokenRequest{}, fmt.Errorf("TTL must be at least 1 millisecond, got %v", p.TTL)
	}
	capability := p.Capability
	if capability == nil {
		capability = Capability{"*": {"*"}}
	}
	clientID, err := ClientID(p.ClientID, is.Rand)
	if err != nil {
		return TokenRequest{}, err
	}
	var nonce [nonceBytes]byte
	if _, err := io.ReadFull(is.Rand, nonce[:]); err != nil {
		return TokenRequest{}, fmt.Errorf("generating a nonce: %w", err)
	}
	r := TokenRequest{
		KeyName:    key.Name(),
		TTL:        p.TTL.Milliseconds(),
		Capability: capability.JSON(),
		ClientID:   clientID,
		Timestamp:  is.Now().UnixMilli(),
		Nonce:      hex.EncodeToString(nonce[:]),
	}
	r.MAC = r.Sign(key.Secret)
	return r, nil
}

// SigningText is what the mac covers: keyName, ttl, capability, clientId, timestamp and
// nonce, each followed by a newline; a ttl of 0 is the empty string, as it is absent.
func (r TokenRequest) SigningText() string {
	ttl := ""
	if r.TTL != 0 {
		ttl = strconv.FormatInt(r.TTL, 10)
	}
	var b strings.Builder
	for _, part := range []string{r.KeyName, ttl, r.Capability, r.ClientID, strconv.FormatInt(r.Timestamp, 10), r.Nonce} {
		b.WriteString(part)
		b.WriteByte('\n')
	}
	return b.String()
}

// Sign returns the mac of the request with secret: base64 of HMAC-SHA256 over SigningText.
func (r TokenRequest) Sign(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(r.SigningText()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether the request's mac is right for secret, in constant time.
func (r TokenRequest) Verify(secret string) bool {
	return hmac.Equal([]byte(r.MAC), []byte(r.Sign(secret)))
}
