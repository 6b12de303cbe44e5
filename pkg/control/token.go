package control

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// TokenInfo is what GET /me says about the access token, and when it was read.
type TokenInfo struct {
	TokenID      string       `json:"tokenId"`
	TokenName    string       `json:"tokenName"`
	Capabilities []Capability `json:"capabilities"`
	ExpiresAt    *time.Time   `json:"expiresAt"` // nil: never expires
	LastUsedAt   *time.Time   `json:"lastUsedAt"`
	AccountID    string       `json:"accountId"`
	AccountName  string       `json:"accountName"`
	UserID       int64        `json:"userId"`
	UserEmail    string       `json:"userEmail"`
	FetchedAt    time.Time    `json:"fetchedAt"`
}

// Has reports whether the token has capability c.
func (t *TokenInfo) Has(c Capability) bool { return slices.Contains(t.Capabilities, c) }

// Expired reports whether the token has expired at now.
func (t *TokenInfo) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// TokenStore keeps token details between commands (the profile does, in the config file).
type TokenStore interface {
	// LoadTokenInfo returns the cached details, or nil when there are none.
	LoadTokenInfo() (*TokenInfo, error)
	// SaveTokenInfo caches details; nil forgets them.
	SaveTokenInfo(*TokenInfo) error
}

type memoryStore struct{ info *TokenInfo }

func (m *memoryStore) LoadTokenInfo() (*TokenInfo, error) { return m.info, nil }
func (m *memoryStore) SaveTokenInfo(t *TokenInfo) error   { m.info = t; return nil }

// meResponse is the body of GET /me.
type meResponse struct {
	Token struct {
		ID           string     `json:"id"`
		Name         string     `json:"name"`
		Capabilities []string   `json:"capabilities"`
		ExpiresAt    *time.Time `json:"expires_at"`
		LastUsedAt   *time.Time `json:"last_used_at"`
	} `json:"token"`
	User struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
	} `json:"user"`
	Account struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"account"`
}

// Me reads the token's details from GET /me and caches them in the token store.
func (c *Client) Me(ctx context.Context) (*TokenInfo, error) {
	var me meResponse
	if err := c.do(ctx, call{op: opMe, segments: []string{"me"}}, &me); err != nil {
		return nil, err
	}
	if me.Account.ID == "" {
		return nil, exitcode.New(exitcode.Network, "unexpected response from the Control API to GET /me: it names no account")
	}
	info := &TokenInfo{
		TokenID: me.Token.ID, TokenName: me.Token.Name, ExpiresAt: me.Token.ExpiresAt, LastUsedAt: me.Token.LastUsedAt,
		AccountID: me.Account.ID, AccountName: me.Account.Name, UserID: me.User.ID, UserEmail: me.User.Email,
		FetchedAt: c.opt.Now().UTC(),
	}
	for _, s := range me.Token.Capabilities {
		info.Capabilities = append(info.Capabilities, Capability(s))
	}
	if err := c.opt.TokenStore.SaveTokenInfo(info); err != nil {
		c.logf("could not cache the token's details: %v", err)
	}
	return info, nil
}

// ForgetTokenInfo clears the cached details of the token, so the next call reads them again.
func (c *Client) ForgetTokenInfo() error { return c.opt.TokenStore.SaveTokenInfo(nil) }

// TokenInfo returns the token's details: cached ones younger than the maximum age, else
// fresh ones from GET /me.
func (c *Client) TokenInfo(ctx context.Context) (*TokenInfo, error) {
	info, err := c.opt.TokenStore.LoadTokenInfo()
	if err != nil {
		c.logf("ignoring cached token details: %v", err)
		info = nil
	}
	if info != nil && c.opt.Now().Sub(info.FetchedAt) < c.opt.TokenMaxAge && !info.FetchedAt.After(c.opt.Now()) {
		return info, nil
	}
	return c.Me(ctx)
}

// Check refuses, without a request beyond GET /me when the token's details are not cached,
// what a token lacking capability cannot do. Commands call it before work that would come
// first, such as looking up an app by name for a call that needs another capability.
func (c *Client) Check(ctx context.Context, capability Capability, doing string) error {
	return c.reported(ctx, c.authorize(ctx, Operation{Name: doing, Capability: capability}))
}

// authorize refuses, before any request for it, a call the token cannot make.
func (c *Client) authorize(ctx context.Context, op Operation) error {
	if op.Capability == "" || c.opt.SkipCapabilityCheck {
		return nil
	}
	info, err := c.TokenInfo(ctx)
	if err != nil {
		return err
	}
	now := c.opt.Now()
	if info.Expired(now) {
		e := exitcode.New(exitcode.Auth,
			"the access token %sexpired at %s: rotate it on %s (the rotate icon next to the token), then run 'ably accounts login' with the new value",
			quoteName(info.TokenName), info.ExpiresAt.UTC().Format(time.RFC3339), AccessTokensPage)
		e.Err = ErrTokenRejected
		return e
	}
	if !info.Has(op.Capability) {
		return exitcode.New(exitcode.Permission,
			"the access token %smay not %s: it lacks %s; add the capability to the token on %s, or log in with a token that has it (checked before sending; --skip-capability-check sends the request anyway)",
			quoteName(info.TokenName), op.Name, op.Capability.Display(), AccessTokensPage)
	}
	return nil
}

func quoteName(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("%q ", name)
}
