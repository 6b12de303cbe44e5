package resttest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// defaultTTL is the token lifetime when a request gives none, as on Ably.
const defaultTTL = time.Hour

// Token is a token the server issued, as TokenDetails describes it.
type Token struct {
	Token      string `json:"token"`
	KeyName    string `json:"keyName"`
	Issued     int64  `json:"issued"`  // ms since the epoch
	Expires    int64  `json:"expires"` // ms since the epoch
	Capability string `json:"capability"`
	ClientID   string `json:"clientId,omitempty"`
}

// Tokens returns the tokens issued so far, oldest first.
func (s *Server) Tokens() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Token(nil), s.tokens...)
}

// tokenRequestBody is a token request as sent: numbers may come as JSON strings (the
// spec's example does so) and the capability as a JSON string or an object.
type tokenRequestBody struct {
	KeyName    string          `json:"keyName"`
	TTL        flexInt         `json:"ttl"`
	Capability json.RawMessage `json:"capability"`
	ClientID   string          `json:"clientId"`
	Timestamp  flexInt         `json:"timestamp"`
	Nonce      string          `json:"nonce"`
	MAC        string          `json:"mac"`
}

type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		b = []byte(s)
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not a whole number", b)
	}
	*n = flexInt(v)
	return nil
}

func (s *Server) requestToken(w http.ResponseWriter, r *http.Request) {
	keyName := r.PathValue("keyName")
	// A signed request needs no credentials; any presented must be good.
	if aerr := s.checkCredentials(r); aerr != nil {
		aerr.write(w)
		return
	}
	var body tokenRequestBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "the token request is not valid JSON: %v", err)
		return
	}
	capability, err := capabilityText(body.Capability)
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidParam, "capability: %v", err)
		return
	}
	switch {
	case body.KeyName != keyName:
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "the token request's keyName %q is not the key of the path, %q", body.KeyName, keyName)
		return
	case body.MAC == "":
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "the token request has no mac: this fake takes only signed token requests")
		return
	case len(body.Nonce) < 16:
		writeError(w, http.StatusBadRequest, CodeInvalidParam, "nonce must be at least 16 characters")
		return
	case body.TTL < 0:
		writeError(w, http.StatusBadRequest, CodeInvalidParam, "ttl must not be negative")
		return
	}
	k, ok := s.key(keyName)
	switch {
	case !ok:
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: no key named %q", keyName)
		return
	case k.Revoked:
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "invalid credentials: key %q has been revoked", keyName)
		return
	}
	text := macText(body.KeyName, int64(body.TTL), capability, body.ClientID, int64(body.Timestamp), body.Nonce)
	if !macValid(k.secret(), text, body.MAC) {
		writeError(w, http.StatusUnauthorized, CodeInvalidCredentials, "invalid mac: the token request was not signed with the secret of key %q, or was changed after", keyName)
		return
	}
	now := s.now()
	if skew := now.Sub(time.UnixMilli(int64(body.Timestamp))).Abs(); skew > MaxClockSkew {
		writeError(w, http.StatusUnauthorized, CodeTimestampNotCurrent, "timestamp not current: the token request is %s away from the server's clock (at most %s)", skew.Round(time.Second), MaxClockSkew)
		return
	}
	var asked map[string][]string
	if capability == "" { // none asked for: the key's own
		b, _ := json.Marshal(keyGrant(k))
		capability = string(b)
	}
	_ = json.Unmarshal([]byte(capability), &asked) // capabilityText checked it
	if res, op, ok := beyondKey(k.Capability, asked); ok {
		writeError(w, http.StatusUnauthorized, CodeCapability, "unable to grant capability: key %q does not allow %q on %q", keyName, op, res)
		return
	}
	ttl := time.Duration(body.TTL) * time.Millisecond
	if ttl == 0 {
		ttl = defaultTTL
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	nonce := keyName + "\n" + body.Nonce
	if s.nonces[nonce] {
		writeError(w, http.StatusUnauthorized, CodeNonceReplayed, "nonce value replayed: this token request was redeemed before")
		return
	}
	s.nonces[nonce] = true
	t := Token{
		Token:   tokenValue(k, len(s.tokens), body.Nonce),
		KeyName: keyName, Issued: now.UnixMilli(), Expires: now.Add(ttl).UnixMilli(),
		Capability: capability, ClientID: body.ClientID,
	}
	s.tokens = append(s.tokens, t)
	writeJSON(w, http.StatusOK, t)
}

// capabilityText is the capability as the mac covers it: a JSON string as sent, or an
// object in its compact form with sorted resources; "" when the request leaves it out (the
// token then gets the key's, as on Ably). Given, it must be an object of resource to
// operations.
func capabilityText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return "", nil
	}
	text, isString := "", json.Unmarshal(raw, new(string)) == nil
	if isString {
		_ = json.Unmarshal(raw, &text)
	} else {
		text = string(raw)
	}
	var c map[string][]string
	if err := json.Unmarshal([]byte(text), &c); err != nil || len(c) == 0 {
		return "", fmt.Errorf("%s is not an object of resource to an array of operations", text)
	}
	if !isString {
		b, _ := json.Marshal(c) // sorted keys, compact: the canonical form
		text = string(b)
	}
	return text, nil
}

// beyondKey finds an operation asked for that the key does not grant.
func beyondKey(keyCap, asked map[string][]string) (resource, op string, found bool) {
	resources := make([]string, 0, len(asked))
	for r := range asked {
		resources = append(resources, r)
	}
	sort.Strings(resources)
	for _, r := range resources {
		for _, op := range asked[r] {
			if !covers(keyCap, r, op) {
				return r, op, true
			}
		}
	}
	return "", "", false
}

// tokenValue makes a token string like Ably's, APPID.<opaque>, unique and reproducible.
func tokenValue(k Key, seq int, nonce string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("resttest\n%s\n%d\n%s", k.Name(), seq, nonce)))
	app, _, _ := strings.Cut(k.Name(), ".")
	return app + "." + base64.RawURLEncoding.EncodeToString(sum[:24])
}
