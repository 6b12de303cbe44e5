package controltest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The state a new Server starts with.
const (
	DefaultAccountID   = "acc-1"
	DefaultAccountName = "Test Account"
	DefaultUserID      = 123
	DefaultUserEmail   = "user@example.com"
	DefaultToken       = "test-access-token" // holds AllCapabilities, never expires
	DefaultTokenID     = "tok-1"
	DefaultTokenName   = "Test token"
)

// AllCapabilities are the access-token capabilities of the Control API, in the order Ably's
// dashboard lists them.
func AllCapabilities() []string {
	return []string{
		"read:app", "write:app",
		"read:key", "write:key",
		"read:rule", "write:rule",
		"read:queue", "write:queue",
		"read:namespace", "write:namespace",
		"read:stats",
	}
}

// Account is an Ably account; tokens are scoped to one.
type Account struct {
	ID   string
	Name string
}

// User is the user GET /me reports.
type User struct {
	ID    int
	Email string
}

// Token is an access token the server accepts.
type Token struct {
	Value        string     // the bearer token itself
	ID           string     // what /me reports as token.id; "" gets one assigned
	Name         string     // "" gets one assigned
	Capabilities []string   // nil or empty: none at all
	ExpiresAt    *time.Time // nil: never expires; at or after it the token gets 401
	LastUsedAt   *time.Time // set by the server on each accepted request
	Revoked      bool       // a revoked token gets 401
	AccountID    string     // "" is DefaultAccountID
}

// SetToken adds an access token, or replaces the one with the same Value. An account the
// server does not know yet is created (named "Account <id>").
func (s *Server) SetToken(t Token) {
	if t.Value == "" {
		panic("controltest: SetToken needs a Value")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.AccountID == "" {
		t.AccountID = DefaultAccountID
	}
	s.ensureAccount(t.AccountID)
	t = cloneToken(&t) // the caller keeps its slices and times to itself
	for i, old := range s.tokens {
		if old.Value == t.Value {
			if t.ID == "" {
				t.ID = old.ID
			}
			if t.Name == "" {
				t.Name = old.Name
			}
			s.tokens[i] = &t
			return
		}
	}
	if t.ID == "" {
		t.ID = fmt.Sprintf("tok-%d", len(s.tokens)+1)
	}
	if t.Name == "" {
		t.Name = "Token " + t.ID
	}
	s.tokens = append(s.tokens, &t)
}

// RevokeToken makes a token fail with 401 from now on, as revoking it in the dashboard does.
func (s *Server) RevokeToken(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.token(value); t != nil {
		t.Revoked = true
	}
}

// Token returns the token with this value as the server holds it (LastUsedAt included).
func (s *Server) Token(value string) (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.token(value); t != nil {
		return cloneToken(t), true
	}
	return Token{}, false
}

func cloneToken(t *Token) Token {
	c := *t
	c.Capabilities = slices.Clone(t.Capabilities)
	if t.ExpiresAt != nil {
		e := *t.ExpiresAt
		c.ExpiresAt = &e
	}
	if t.LastUsedAt != nil {
		u := *t.LastUsedAt
		c.LastUsedAt = &u
	}
	return c
}

// AddAccount adds an account (or renames the one with this ID), for tokens of another
// account to work in.
func (s *Server) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.accounts {
		if s.accounts[i].ID == a.ID {
			s.accounts[i].Name = a.Name
			return
		}
	}
	s.accounts = append(s.accounts, a)
}

// SetUser changes the user GET /me reports.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

func (s *Server) ensureAccount(id string) *Account {
	for i := range s.accounts {
		if s.accounts[i].ID == id {
			return &s.accounts[i]
		}
	}
	s.accounts = append(s.accounts, Account{ID: id, Name: "Account " + id})
	return &s.accounts[len(s.accounts)-1]
}

func (s *Server) token(value string) *Token {
	for _, t := range s.tokens {
		if t.Value == value {
			return t
		}
	}
	return nil
}

// authenticate checks the bearer token and the capability the operation needs, answering
// 401 or 403 itself when they fall short.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, capability string) (Token, bool) {
	scheme, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	value = strings.TrimSpace(value)
	if !strings.EqualFold(scheme, "Bearer") || value == "" {
		writeError(w, http.StatusUnauthorized, CodeUnauthorized,
			"authentication required: send an access token in the Authorization header as \"Bearer <token>\"")
		return Token{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.token(value)
	now := s.now()
	switch {
	case t == nil:
		writeError(w, http.StatusUnauthorized, CodeTokenError, "access token not recognised")
		return Token{}, false
	case t.Revoked:
		writeError(w, http.StatusUnauthorized, CodeTokenRevoked, "access token %q has been revoked", t.Name)
		return Token{}, false
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		writeError(w, http.StatusUnauthorized, CodeTokenExpired, "access token %q expired at %s", t.Name, t.ExpiresAt.UTC().Format(time.RFC3339))
		return Token{}, false
	case capability != "" && !slices.Contains(t.Capabilities, capability):
		writeError(w, http.StatusForbidden, CodeForbidden, "access token %q lacks the %s capability this operation needs", t.Name, capability)
		return Token{}, false
	}
	// /me reports the previous use, so the copy is taken before the update.
	seen := cloneToken(t)
	used := now
	t.LastUsedAt = &used
	return seen, true
}

// meResponse is the me schema.
type meResponse struct {
	Token struct {
		ID           string   `json:"id"`
		Name         string   `json:"name"`
		Capabilities []string `json:"capabilities"`
		ExpiresAt    *string  `json:"expires_at"`
		LastUsedAt   *string  `json:"last_used_at"`
	} `json:"token"`
	User struct {
		ID    int    `json:"id"`
		Email string `json:"email"`
	} `json:"user"`
	Account struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"account"`
}

func (s *Server) getMe(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var me meResponse
	me.Token.ID = c.token.ID
	me.Token.Name = c.token.Name
	me.Token.Capabilities = c.token.Capabilities
	if me.Token.Capabilities == nil {
		me.Token.Capabilities = []string{}
	}
	me.Token.ExpiresAt = isoTime(c.token.ExpiresAt)
	me.Token.LastUsedAt = isoTime(c.token.LastUsedAt)
	me.User.ID = s.user.ID
	me.User.Email = s.user.Email
	acc := s.ensureAccount(c.token.AccountID)
	me.Account.ID = acc.ID
	me.Account.Name = acc.Name
	writeJSON(c.w, http.StatusOK, me)
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}
