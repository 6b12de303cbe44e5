package resttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Ably JWTs (Ably's token auth with a JWT): HS256 signed with the secret of the key the
// header's kid names, with the claims iat and exp in seconds, x-ably-capability (the
// capability's JSON as a string) and x-ably-clientId (optional). The fake verifies them with
// its own HMAC code.

// jwtHeader and jwtClaims are the parts of an Ably JWT the fake reads.
type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

type jwtClaims struct {
	Iat        *json.Number `json:"iat"`
	Exp        *json.Number `json:"exp"`
	Capability *string      `json:"x-ably-capability"`
	ClientID   *string      `json:"x-ably-clientId"`
}

// JWT is what the fake read from a verified Ably JWT.
type JWT struct {
	KeyName    string // the header's kid
	Issued     int64  // iat, seconds since the epoch
	Expires    int64  // exp, seconds since the epoch
	Capability string // x-ably-capability as sent; "" when absent (the key's capability)
	ClientID   string // x-ably-clientId; "" when absent
}

// looksLikeJWT reports whether a bearer token has a JWT's shape: three base64url parts.
func looksLikeJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, "+/=") {
			return false
		}
		if _, err := base64.RawURLEncoding.DecodeString(p); err != nil {
			return false
		}
	}
	return true
}

// DecodeJWT reads an Ably JWT's header and claims without verifying its signature, for
// tests that inspect what a client sent. It fails on anything that is not a JWT with an
// HS256 header naming a kid, whole-second iat and exp and a string capability.
func DecodeJWT(token string) (JWT, error) {
	j, _, _, err := decodeJWT(token)
	return j, err
}

func decodeJWT(token string) (JWT, []byte, string, error) {
	fail := func(why string) (JWT, []byte, string, error) {
		return JWT{}, nil, "", &jwtError{why}
	}
	if !looksLikeJWT(token) {
		return fail("it is not three base64url parts separated by dots")
	}
	parts := strings.Split(token, ".")
	rawHeader, _ := base64.RawURLEncoding.DecodeString(parts[0])
	rawClaims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	var h jwtHeader
	if err := json.Unmarshal(rawHeader, &h); err != nil {
		return fail("its header is not a JSON object")
	}
	if h.Alg != "HS256" {
		return fail("its alg is " + quote(h.Alg) + ", not HS256")
	}
	if h.Kid == "" {
		return fail("its header has no kid naming the key (APPID.KEYID)")
	}
	dec := json.NewDecoder(strings.NewReader(string(rawClaims)))
	dec.UseNumber()
	var c jwtClaims
	if err := dec.Decode(&c); err != nil {
		return fail("its claims are not a JSON object of the right types")
	}
	j := JWT{KeyName: h.Kid}
	var ok bool
	if c.Iat == nil || c.Exp == nil {
		return fail("it needs both iat and exp claims")
	}
	if j.Issued, ok = seconds(*c.Iat); !ok {
		return fail("its iat is not whole seconds since the epoch")
	}
	if j.Expires, ok = seconds(*c.Exp); !ok {
		return fail("its exp is not whole seconds since the epoch")
	}
	if c.Capability != nil {
		if _, err := parseCapability(*c.Capability); err != nil {
			return fail("its x-ably-capability: " + err.Error())
		}
		j.Capability = *c.Capability
	}
	if c.ClientID != nil {
		j.ClientID = *c.ClientID
	}
	return j, sig, parts[0] + "." + parts[1], nil
}

func seconds(n json.Number) (int64, bool) {
	v, err := n.Int64()
	return v, err == nil
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

type jwtError struct{ why string }

func (e *jwtError) Error() string { return "invalid JWT: " + e.why }

// checkJWT verifies an Ably JWT: its shape (40144), its kid a known key that is not
// revoked and its signature by that key's secret (40101), and that it has not expired
// (40142).
func (s *Server) checkJWT(token string, now time.Time) (JWT, Key, *apiError) {
	j, sig, signed, err := decodeJWT(token)
	if err != nil {
		return JWT{}, Key{}, &apiError{http.StatusUnauthorized, CodeInvalidJWT, err.Error()}
	}
	k, known := s.key(j.KeyName)
	if !known {
		return JWT{}, Key{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: the JWT's kid names no known key, " + quote(j.KeyName)}
	}
	if k.Revoked {
		return JWT{}, Key{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: the JWT's key " + quote(j.KeyName) + " has been revoked"}
	}
	mac := hmac.New(sha256.New, []byte(k.secret()))
	mac.Write([]byte(signed))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return JWT{}, Key{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: the JWT's signature is not HS256 by the secret of key " + quote(j.KeyName)}
	}
	if now.Unix() >= j.Expires {
		return JWT{}, Key{}, &apiError{http.StatusUnauthorized, CodeTokenExpired, "Token expired"}
	}
	return j, k, nil
}
