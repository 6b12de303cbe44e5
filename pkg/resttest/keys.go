package resttest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Key is an API key the server knows.
type Key struct {
	Key             string              // APPID.KEYID:SECRET
	Capability      map[string][]string // nil grants every operation on every resource
	Revoked         bool                // a revoked key can do nothing
	RevocableTokens bool                // tokens it issues may be revoked (revokeTokens needs it)
}

// Name is the key's name, APPID.KEYID.
func (k Key) Name() string {
	name, _, _ := strings.Cut(k.Key, ":")
	return name
}

func (k Key) secret() string {
	_, secret, _ := strings.Cut(k.Key, ":")
	return secret
}

// AddKey adds a key, or replaces the one with the same name. It panics on a key that is
// not APPID.KEYID:SECRET.
func (s *Server) AddKey(k Key) {
	name, secret, ok := strings.Cut(k.Key, ":")
	if app, id, dot := strings.Cut(name, "."); !ok || !dot || app == "" || id == "" || secret == "" {
		panic(fmt.Sprintf("resttest: AddKey: %q is not APPID.KEYID:SECRET", k.Name()+":..."))
	}
	k.Capability = cloneCapability(k.Capability)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[name] = k
}

// key finds a key by name: those added first, then the lookup. It takes the lock itself,
// and calls the lookup without it.
func (s *Server) key(name string) (Key, bool) {
	s.mu.Lock()
	k, ok := s.keys[name]
	s.mu.Unlock()
	if ok || s.lookup == nil {
		return k, ok
	}
	k, ok = s.lookup(name)
	if ok && k.Name() != name {
		return Key{}, false
	}
	return k, ok
}

// covers reports whether the key's capability grants op on a resource a token asks for:
// some resource of the key matches it as it would match a channel of that name (see
// capabilityAllows), so "chat:*" covers "chat:room" and "chat:*", "*" every plain resource
// and "[*]*" everything; with op itself or "*". A key without a capability has
// allCapability.
func covers(keyCap map[string][]string, resource, op string) bool {
	if keyCap == nil {
		keyCap = allCapability()
	}
	return capabilityAllows(keyCap, resource, op)
}

func cloneCapability(c map[string][]string) map[string][]string {
	if c == nil {
		return nil
	}
	out := make(map[string][]string, len(c))
	for r, ops := range maps.All(c) {
		out[r] = slices.Clone(ops)
	}
	return out
}
