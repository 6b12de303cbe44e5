package controltest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// Key statuses.
const (
	KeyEnabled = 0
	KeyRevoked = 1
)

// Key is an app's API key, as key_response describes it.
type Key struct {
	AppID           string              `json:"appId"`
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	RevocableTokens bool                `json:"revocableTokens"`
	Status          int                 `json:"status"` // KeyEnabled or KeyRevoked
	Key             string              `json:"key"`    // the whole key: APPID.KEYID:SECRET
	Capability      map[string][]string `json:"capability"`
	Created         int64               `json:"created"`
	Modified        int64               `json:"modified"`
}

// AddKey adds a key to an app and returns it as stored. Empty ID and Key are filled in
// (the key string is APPID.KEYID:SECRET); a nil Capability grants everything.
// It panics if the app does not exist.
func (s *Server) AddKey(appID string, k Key) Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app(appID) == nil {
		panic(fmt.Sprintf("controltest: AddKey: no app %q", appID))
	}
	return *s.addKey(appID, k)
}

// Keys returns an app's keys, oldest first, revoked ones included.
func (s *Server) Keys(appID string) []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Key
	for _, k := range s.keys {
		if k.AppID == appID {
			out = append(out, cloneKey(k))
		}
	}
	return out
}

// addKey stores a key; the caller holds s.mu.
func (s *Server) addKey(appID string, k Key) *Key {
	k.AppID = appID
	if k.ID == "" {
		k.ID = s.newID()
	}
	if k.Key == "" {
		name := appID + "." + k.ID
		k.Key = name + ":" + s.keySecret(name)
	}
	if k.Capability == nil {
		k.Capability = map[string][]string{"*": {"*"}}
	}
	k.Capability = cloneCapability(k.Capability)
	if k.Created == 0 {
		k.Created = s.nowMillis()
	}
	if k.Modified == 0 {
		k.Modified = k.Created
	}
	s.keys = append(s.keys, &k)
	return &k
}

func (s *Server) listKeys(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	listForApp(s, c, s.keys, func(k *Key) string { return k.AppID })
}

func (s *Server) createKey(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	var k Key
	applyKeyFields(f, &k)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if m := f.missing("name", "capability"); len(m) > 0 {
		c.invalid(true, "%s is required", m[0])
		return
	}
	if err := checkCapability(k.Capability); err != nil {
		c.invalid(true, "%v", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return
	}
	stored := s.addKey(a.ID, k)
	writeJSON(c.w, http.StatusCreated, *stored)
}

func (s *Server) updateKey(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.ownKey(c)
	if k == nil {
		return
	}
	next := cloneKey(k)
	applyKeyFields(f, &next)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if f.has("name") && next.Name == "" {
		c.invalid(true, "name must not be empty")
		return
	}
	if f.has("capability") {
		if err := checkCapability(next.Capability); err != nil {
			c.invalid(true, "%v", err)
			return
		}
	}
	next.Modified = s.nowMillis()
	*k = next
	writeJSON(c.w, http.StatusOK, next)
}

// revokeKey marks the key revoked; it stays listed with status 1. The API answers 200
// with no body.
func (s *Server) revokeKey(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.ownKey(c)
	if k == nil {
		return
	}
	k.Status = KeyRevoked
	k.Modified = s.nowMillis()
	c.w.WriteHeader(http.StatusOK)
}

// ownKey finds the path's key in the path's app, answering 404 itself. The caller holds s.mu.
func (s *Server) ownKey(c *call) *Key {
	a := s.ownApp(c, c.r.PathValue("app_id"))
	if a == nil {
		return nil
	}
	id := c.r.PathValue("key_id")
	for _, k := range s.keys {
		// Clients may name a key by its ID or by its full name APPID.KEYID.
		if k.AppID == a.ID && (k.ID == id || a.ID+"."+k.ID == id) {
			return k
		}
	}
	c.notFound("key %q not found in app %q", id, a.ID)
	return nil
}

func applyKeyFields(f *fields, k *Key) {
	f.get("name", &k.Name)
	nullableBool(f, "revocableTokens", &k.RevocableTokens)
	if f.has("capability") {
		// A fresh map: decoding into the old one would merge, and a PATCH replaces.
		var c map[string][]string
		f.get("capability", &c)
		k.Capability = c
	}
}

func cloneKey(k *Key) Key {
	c := *k
	c.Capability = cloneCapability(k.Capability)
	return c
}

func cloneCapability(c map[string][]string) map[string][]string {
	out := make(map[string][]string, len(c))
	for r, ops := range maps.All(c) {
		out[r] = slices.Clone(ops)
	}
	return out
}

// checkCapability checks an Ably capability: resource names to non-empty lists of known operations.
func checkCapability(capability map[string][]string) error {
	if len(capability) == 0 {
		return fmt.Errorf("capability must name at least one resource")
	}
	for resource, ops := range capability {
		if len(ops) == 0 {
			return fmt.Errorf("capability for %q must list at least one operation", resource)
		}
		for _, op := range ops {
			if !slices.Contains(channelOperations(), op) {
				return fmt.Errorf("capability for %q: unknown operation %q", resource, op)
			}
		}
	}
	return nil
}

// channelOperations are the operations an Ably key's capability may grant.
func channelOperations() []string {
	return []string{
		"*", "subscribe", "publish", "presence", "history", "stats", "channel-metadata",
		"push-subscribe", "push-admin", "privileged-headers", "object-subscribe", "object-publish",
		"annotation-subscribe", "annotation-publish", "message-update-own", "message-update-any",
		"message-delete-own", "message-delete-any",
	}
}
