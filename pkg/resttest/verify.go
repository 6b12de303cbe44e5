package resttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The fake checks signatures and credentials with its own code, written from Ably's token
// request spec and not shared with any client (pkg/ablyauth signs the suite's requests), so
// that a mistake in a client's signing cannot pass by being made on both sides.

// macText is what a token request's mac covers: keyName, ttl, capability, clientId,
// timestamp and nonce, each followed by a newline; an absent (or zero) ttl is empty.
func macText(keyName string, ttl int64, capability, clientID string, timestamp int64, nonce string) string {
	ttlText := ""
	if ttl != 0 {
		ttlText = strconv.FormatInt(ttl, 10)
	}
	return strings.Join([]string{keyName, ttlText, capability, clientID, strconv.FormatInt(timestamp, 10), nonce}, "\n") + "\n"
}

// macValid reports, in constant time, whether mac is the base64 HMAC-SHA256 of text keyed
// with secret.
func macValid(secret, text, mac string) bool {
	sent, err := base64.StdEncoding.DecodeString(mac)
	if err != nil {
		return false
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(text))
	return hmac.Equal(sent, h.Sum(nil))
}

// credentials is what an Authorization header presents: an API key (basic, RSA11) or a
// token (bearer, RSA3b).
type credentials struct {
	basic   bool
	keyName string // basic
	secret  string // basic
	token   string // bearer, as sent
}

// errNoCredentials is readCredentials' answer to a request without an Authorization header.
var errNoCredentials = errors.New("no credentials")

// readCredentials parses the Authorization header: "Basic base64(KEYNAME:SECRET)" or
// "Bearer TOKEN".
func readCredentials(r *http.Request) (credentials, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return credentials{}, errNoCredentials
	}
	scheme, value, _ := strings.Cut(h, " ")
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return credentials{}, errors.New(`the Authorization header's Basic credentials are not base64`)
		}
		name, secret, ok := strings.Cut(string(raw), ":")
		if !ok || name == "" || secret == "" {
			return credentials{}, errors.New(`the Authorization header's Basic credentials are not KEYNAME:SECRET`)
		}
		return credentials{basic: true, keyName: name, secret: secret}, nil
	case strings.EqualFold(scheme, "Bearer"):
		if value == "" {
			return credentials{}, errors.New(`the Authorization header's Bearer token is empty`)
		}
		return credentials{token: value}, nil
	}
	return credentials{}, errors.New(`the Authorization header is neither "Basic ..." nor "Bearer ..."`)
}

// apiError is an error answer to send: why credentials or a request were refused.
type apiError struct {
	status, code int
	message      string
}

// checkKeyCredentials finds the key of basic credentials, checking its secret in constant
// time and that it is not revoked.
func (s *Server) checkKeyCredentials(c credentials) (Key, *apiError) {
	k, known := s.key(c.keyName)
	if !known || subtle.ConstantTimeCompare([]byte(k.secret()), []byte(c.secret)) != 1 {
		return Key{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials for key \"" + c.keyName + "\""}
	}
	if k.Revoked {
		return Key{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: key \"" + c.keyName + "\" has been revoked"}
	}
	return k, nil
}

// checkToken finds the token of bearer credentials among those the server issued: as sent,
// or base64 of it, as Ably's SDKs send it. It must not have expired.
func (s *Server) checkToken(c credentials, now time.Time) (Token, *apiError) {
	candidates := []string{c.token}
	if raw, err := base64.StdEncoding.DecodeString(c.token); err == nil {
		candidates = append(candidates, string(raw))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		for _, cand := range candidates {
			if subtle.ConstantTimeCompare([]byte(t.Token), []byte(cand)) != 1 {
				continue
			}
			if now.UnixMilli() >= t.Expires {
				return Token{}, &apiError{http.StatusUnauthorized, CodeTokenExpired, "Token expired"}
			}
			return t, nil
		}
	}
	return Token{}, &apiError{http.StatusUnauthorized, CodeTokenUnrecognised, "invalid token: not one this server issued"}
}

// checkCredentials checks whatever credentials a request presents; a request without any
// passes.
func (s *Server) checkCredentials(r *http.Request) *apiError {
	c, err := readCredentials(r)
	switch {
	case errors.Is(err, errNoCredentials):
		return nil
	case err != nil:
		return &apiError{http.StatusUnauthorized, CodeInvalidCredentials, err.Error()}
	case c.basic:
		_, aerr := s.checkKeyCredentials(c)
		return aerr
	}
	_, aerr := s.checkToken(c, s.now())
	return aerr
}

func (e *apiError) write(w http.ResponseWriter) {
	writeError(w, e.status, e.code, "%s", e.message)
}
