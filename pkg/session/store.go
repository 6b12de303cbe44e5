package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
)

// keepTokenCacheTrue acts on what a failed call says of the cached token details: a token
// the API rejected (or that expired) has none worth keeping, and a capability the cache
// promised but the API refused means the cache is stale, so it is read again for the next
// command.
func (s *Session) keepTokenCacheTrue(ctx context.Context, err error) {
	switch {
	case errors.Is(err, control.ErrTokenRejected):
		_ = s.Client.ForgetTokenInfo()
	case errors.Is(err, control.ErrCapabilityRefused):
		_, _ = s.Client.Me(ctx)
	}
}

// profileStore caches the token's details in the profile, so that a warm profile makes one
// request per command. It serves only the token the profile holds: details of another token
// (given by flag or environment) must not be cached under this profile. It reads the
// command's one reading of the config file, and after a save, what it saved.
type profileStore struct {
	path  string
	alias string
	token string
	file  func() (*config.File, error)
	ctx   context.Context // the command's: Ctrl-C ends a wait for the config file's lock

	mu    sync.Mutex
	saved bool
	info  *control.TokenInfo
}

func (s *profileStore) LoadTokenInfo() (*control.TokenInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saved {
		return s.info, nil
	}
	f, err := s.file()
	if err != nil {
		return nil, err
	}
	a, ok := f.Account(s.alias)
	if !ok || a.AccessToken != s.token || a.TokenCheckedAt == "" {
		return nil, nil
	}
	return infoFromAccount(a)
}

func infoFromAccount(a config.Account) (*control.TokenInfo, error) {
	checked, err := time.Parse(time.RFC3339, a.TokenCheckedAt)
	if err != nil {
		return nil, fmt.Errorf("profile's tokenCheckedAt %q is not an RFC 3339 time", a.TokenCheckedAt)
	}
	info := &control.TokenInfo{
		TokenID: a.TokenID, TokenName: a.TokenName, AccountID: a.AccountID, AccountName: a.AccountName,
		UserID: a.UserID, UserEmail: a.UserEmail, FetchedAt: checked,
	}
	if a.TokenExpiresAt != "" {
		exp, err := time.Parse(time.RFC3339, a.TokenExpiresAt)
		if err != nil {
			return nil, fmt.Errorf("profile's tokenExpiresAt %q is not an RFC 3339 time", a.TokenExpiresAt)
		}
		info.ExpiresAt = &exp
	}
	for _, c := range a.TokenCapabilities {
		info.Capabilities = append(info.Capabilities, control.Capability(c))
	}
	return info, nil
}

func (s *profileStore) SaveTokenInfo(info *control.TokenInfo) error {
	s.mu.Lock()
	s.saved, s.info = true, info
	s.mu.Unlock()
	return config.Update(s.ctx, s.path, func(f *config.File) error {
		a, ok := f.Account(s.alias)
		if !ok || a.AccessToken != s.token {
			return nil // logged out or replaced meanwhile: nothing to cache
		}
		ApplyTokenInfo(&a, info)
		return f.PutAccount(s.alias, a)
	})
}

// ApplyTokenInfo records what GET /me said in an account; nil clears the cached details.
func ApplyTokenInfo(a *config.Account, info *control.TokenInfo) {
	a.TokenID, a.TokenName, a.TokenCapabilities, a.TokenExpiresAt, a.TokenCheckedAt = "", "", nil, "", ""
	if info == nil {
		return
	}
	a.AccountID, a.AccountName = info.AccountID, info.AccountName
	a.UserID, a.UserEmail = info.UserID, info.UserEmail
	a.TokenID, a.TokenName = info.TokenID, info.TokenName
	for _, c := range info.Capabilities {
		a.TokenCapabilities = append(a.TokenCapabilities, string(c))
	}
	if info.ExpiresAt != nil {
		a.TokenExpiresAt = info.ExpiresAt.UTC().Format(time.RFC3339)
	}
	a.TokenCheckedAt = info.FetchedAt.UTC().Format(time.RFC3339)
}
