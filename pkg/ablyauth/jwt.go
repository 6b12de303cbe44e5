package ablyauth

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTRequest is what an Ably JWT is issued for.
type JWTRequest struct {
	Capability Capability    // nil means DefaultCapability
	ClientID   string        // "" generates ably-cli-<8 hex>; NoClientID leaves it out
	TTL        time.Duration // must be at least one second
}

// JWT is an issued Ably JWT and the details it carries.
type JWT struct {
	Token      string
	KeyName    string
	AppID      string
	ClientID   string // "" when the token has none
	Capability Capability
	IssuedAt   time.Time
	ExpiresAt  time.Time
}

// Issuer signs Ably JWTs. Its clock and randomness are injected so tokens are reproducible
// in tests.
type Issuer struct {
	Now  func() time.Time
	Rand io.Reader // for generated client IDs
}

// NewIssuer returns an issuer on the system clock and crypto/rand.
func NewIssuer() Issuer { return Issuer{Now: time.Now, Rand: rand.Reader} }

// Issue signs an Ably JWT with the key's secret (HS256, kid = key name), with claims iat,
// exp, x-ably-capability (the capability as a JSON string) and x-ably-clientId.
func (is Issuer) Issue(key Key, req JWTRequest) (JWT, error) {
	if req.TTL < time.Second {
		return JWT{}, fmt.Errorf("TTL must be at least 1 second, got %v", req.TTL)
	}
	capability := req.Capability
	if capability == nil {
		capability = Capability{"*": {"*"}}
	}
	clientID, err := ClientID(req.ClientID, is.Rand)
	if err != nil {
		return JWT{}, err
	}
	iat := is.Now().Truncate(time.Second)
	exp := iat.Add(req.TTL.Truncate(time.Second))
	claims := jwt.MapClaims{
		"iat":               iat.Unix(),
		"exp":               exp.Unix(),
		"x-ably-capability": capability.JSON(),
	}
	if clientID != "" {
		claims["x-ably-clientId"] = clientID
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = key.Name()
	signed, err := t.SignedString([]byte(key.Secret))
	if err != nil {
		return JWT{}, fmt.Errorf("signing the JWT: %w", err)
	}
	return JWT{
		Token: signed, KeyName: key.Name(), AppID: key.AppID, ClientID: clientID,
		Capability: capability, IssuedAt: iat, ExpiresAt: exp,
	}, nil
}
