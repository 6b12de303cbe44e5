package ablyauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrNotJWT says a token is not shaped as a JWT: an opaque Ably token, which only Ably can
// read, and which the suite sends as it is.
var ErrNotJWT = errors.New("not a JWT: an opaque Ably token, whose details only Ably knows")

// jwtHeader and jwtClaims are the parts of an Ably JWT the suite reads.
type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

type jwtClaims struct {
	IssuedAt   *json.Number    `json:"iat"`
	ExpiresAt  *json.Number    `json:"exp"`
	ClientID   *string         `json:"x-ably-clientId"`
	Capability json.RawMessage `json:"x-ably-capability"`
}

// ReadJWT decodes an Ably JWT without verifying its signature: the details are for checking
// a call before it is sent and for showing, never for trusting (VerifyJWT does that). A
// token not shaped as a JWT returns ErrNotJWT; a JWT-shaped one that is broken returns an
// error that says what is wrong and never contains the token.
func ReadJWT(token string) (JWT, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return JWT{}, ErrNotJWT
	}
	header, err := decodeSegment(parts[0])
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(header), []byte("{")) {
		return JWT{}, ErrNotJWT
	}
	var h jwtHeader
	if err := json.Unmarshal(header, &h); err != nil {
		return JWT{}, errors.New("the token's JWT header is not a valid JSON object")
	}
	if h.Kid == "" {
		return JWT{}, errors.New("the token's JWT header has no kid: an Ably JWT names its key there (APPID.KEYID)")
	}
	app, _, ok := strings.Cut(h.Kid, ".")
	if !ok || app == "" {
		return JWT{}, fmt.Errorf("the token's JWT header names key %q: want APPID.KEYID", h.Kid)
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return JWT{}, errors.New("the token's JWT claims are not valid base64url")
	}
	var c jwtClaims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return JWT{}, errors.New("the token's JWT claims are not a valid JSON object (iat and exp numbers, x-ably-clientId a string)")
	}
	t := JWT{Token: token, KeyName: h.Kid, AppID: app}
	if c.ClientID != nil {
		t.ClientID = *c.ClientID
	}
	if t.IssuedAt, err = claimTime(c.IssuedAt, "iat"); err != nil {
		return JWT{}, err
	}
	if t.ExpiresAt, err = claimTime(c.ExpiresAt, "exp"); err != nil {
		return JWT{}, err
	}
	if t.Capability, err = claimCapability(c.Capability); err != nil {
		return JWT{}, err
	}
	return t, nil
}

// VerifyJWT checks the token's HS256 signature with key's secret, and that it names the
// key (kid). nil means the token is the key's; the error says which key it names otherwise.
// The token's expiry is not checked here: Check does that, with its own wording.
func VerifyJWT(token string, key Key) error {
	t, err := ReadJWT(token)
	if err != nil {
		return err
	}
	if t.KeyName != key.Name() {
		return fmt.Errorf("the token was signed with key %s, not %s", t.KeyName, key.Name())
	}
	_, err = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation()).
		Parse(token, func(*jwt.Token) (any, error) { return []byte(key.Secret), nil })
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return fmt.Errorf("the token's signature does not match key %s", key.Name())
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return errors.New("the token is not signed with HS256, the only algorithm Ably's keys sign with")
	}
	return errors.New("the token's signature could not be checked: its JWT is malformed")
}

// decodeSegment decodes a JWT segment: base64url, padding optional (RFC 7515 leaves it out).
func decodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func claimTime(n *json.Number, name string) (time.Time, error) {
	if n == nil {
		return time.Time{}, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("the token's %s claim is not a time in seconds since 1970", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// claimCapability reads x-ably-capability: a JSON string holding the capability's JSON, as
// Ably issues it, or the JSON object itself. Operations unknown to this suite are kept, so
// a token from a newer Ably still reads; no capability claim is Ably's default, everything.
func claimCapability(raw json.RawMessage) (Capability, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return Capability{"*": {"*"}}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New("the token's x-ably-capability claim is not a valid JSON string")
		}
		raw = []byte(s)
	}
	var c Capability
	if err := json.Unmarshal(raw, &c); err != nil || c == nil {
		return nil, errors.New(`the token's x-ably-capability claim is not a capability: want an object of resource to operations, e.g. {"chat:*":["publish"]}`)
	}
	return c, nil
}
