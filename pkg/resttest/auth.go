package resttest

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// caller is who a channel request comes from, once its credentials are checked.
type caller struct {
	keyName string
	// grants are the capabilities that must all allow an operation: the key's, and the
	// token's or JWT's when the request carries one (what a token may do is within its key).
	grants   []map[string][]string
	clientID string // "" unidentified, "*" any client ID
}

// appID is the app of the caller's key.
func (c caller) appID() string {
	app, _, _ := strings.Cut(c.keyName, ".")
	return app
}

// can reports whether the caller may do op on channel.
func (c caller) can(op, channel string) bool {
	for _, g := range c.grants {
		if !capabilityAllows(g, channel, op) {
			return false
		}
	}
	return true
}

// refuse is the answer to an operation the caller's capability lacks: Ably answers 40160
// with 401.
func (c caller) refuse(op, channel string) *apiError {
	return &apiError{http.StatusUnauthorized, CodeCapability,
		"action not permitted: the capability does not allow " + quote(op) + " on channel " + quote(channel)}
}

// authorize checks that the caller may do op on channel.
func (c caller) authorize(op, channel string) *apiError {
	if !c.can(op, channel) {
		return c.refuse(op, channel)
	}
	return nil
}

// keyGrant is the capability of a key, allCapability when it has none of its own.
func keyGrant(k Key) map[string][]string {
	if k.Capability == nil {
		return allCapability()
	}
	return k.Capability
}

// authenticate checks a channel request's credentials, all of which Ably's channel routes
// need: basic auth with a known key (RSA11) and the client ID of its X-Ably-ClientId
// header (RSA7e2), or a bearer token (RSA3b), as sent or base64 of it, that is an Ably JWT
// signed by a known key or a token this server issued.
func (s *Server) authenticate(r *http.Request) (caller, *apiError) {
	c, err := readCredentials(r)
	switch {
	case errors.Is(err, errNoCredentials):
		return caller{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials,
			"no credentials: send \"Authorization: Basic base64(KEYNAME:SECRET)\" or \"Authorization: Bearer TOKEN\""}
	case err != nil:
		return caller{}, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, err.Error()}
	case c.basic:
		k, aerr := s.checkKeyCredentials(c)
		if aerr != nil {
			return caller{}, aerr
		}
		who := caller{keyName: k.Name(), grants: []map[string][]string{keyGrant(k)}}
		if h := r.Header.Get("X-Ably-ClientId"); h != "" {
			raw, err := base64.StdEncoding.DecodeString(h)
			if err != nil || !utf8.Valid(raw) || len(raw) == 0 {
				return caller{}, &apiError{http.StatusBadRequest, CodeInvalidParam,
					"the X-Ably-ClientId header is not base64 of a UTF-8 client ID"}
			}
			who.clientID = string(raw)
		}
		return who, nil
	}
	who, _, aerr := s.bearer(c.token, s.now())
	return who, aerr
}

// bearer checks a bearer token, as sent or base64 of it: an Ably JWT signed by a known key
// or a token this server issued (RSA3b). It returns the caller and when the token expires
// (ms since the epoch).
func (s *Server) bearer(token string, now time.Time) (caller, int64, *apiError) {
	if !looksLikeJWT(token) {
		if raw, err := base64.StdEncoding.DecodeString(token); err == nil && looksLikeJWT(string(raw)) {
			token = string(raw)
		}
	}
	if looksLikeJWT(token) {
		j, k, aerr := s.checkJWT(token, now)
		if aerr != nil {
			return caller{}, 0, aerr
		}
		who := caller{keyName: k.Name(), grants: []map[string][]string{keyGrant(k)}, clientID: j.ClientID}
		if j.Capability != "" {
			g, _ := parseCapability(j.Capability) // decodeJWT checked it
			who.grants = append(who.grants, g)
		}
		return who, j.Expires * 1000, s.checkRevoked(who, j.Issued*1000, now.UnixMilli())
	}
	t, aerr := s.checkToken(credentials{token: token}, now)
	if aerr != nil {
		return caller{}, 0, aerr
	}
	k, ok := s.key(t.KeyName)
	if !ok || k.Revoked {
		return caller{}, 0, &apiError{http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: the token's key " + quote(t.KeyName) + " is revoked or gone"}
	}
	who := caller{keyName: t.KeyName, clientID: t.ClientID, grants: []map[string][]string{keyGrant(k)}}
	g, err := parseCapability(t.Capability)
	if err != nil {
		g = map[string][]string{}
	}
	who.grants = append(who.grants, g)
	return who, t.Expires, s.checkRevoked(who, t.Issued, now.UnixMilli())
}

// checkRevoked refuses a token or JWT that revokeTokens revoked (RSA17): issued before a
// revocation of its key that has taken effect, whose target is its client ID
// ("clientId:ID") or a channel its capability reaches ("channel:NAME"). Revocation keys are
// not modelled: no token carries one.
func (s *Server) checkRevoked(who caller, issued, now int64) *apiError {
	for _, r := range s.Revocations() {
		if r.KeyName != who.keyName || issued >= r.IssuedBefore || now < r.AppliesAt {
			continue
		}
		typ, value, _ := strings.Cut(r.Target, ":")
		if typ == "clientId" && value == who.clientID || typ == "channel" && who.reaches(value) {
			return &apiError{http.StatusUnauthorized, CodeTokenRevoked, "token revoked: target " + quote(r.Target) + " of key " + quote(r.KeyName) + " was revoked"}
		}
	}
	return nil
}

// reaches reports whether the caller's grants allow any operation on channel.
func (c caller) reaches(channel string) bool {
	for _, g := range c.grants {
		found := false
		for resource := range g {
			if resourceMatches(resource, channel) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
