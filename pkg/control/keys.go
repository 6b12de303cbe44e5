package control

import (
	"context"
	"fmt"
)

// Key is an app's API key as the Control API returns it. Key holds the secret.
type Key struct {
	AppID           string              `json:"appId"`
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	RevocableTokens *bool               `json:"revocableTokens"`
	Status          int                 `json:"status"` // 0 enabled, 1 revoked
	Key             string              `json:"key"`    // APPID.KEYID:SECRET
	Capability      map[string][]string `json:"capability"`
	Created         int64               `json:"created"`
	Modified        int64               `json:"modified"`
}

// KeyFields are the settable fields of a key; only those set are sent.
type KeyFields struct {
	Name            *string             `json:"name,omitempty"`
	RevocableTokens *bool               `json:"revocableTokens,omitempty"`
	Capability      map[string][]string `json:"capability,omitempty"`
}

// ListKeys lists the app's API keys.
func (c *Client) ListKeys(ctx context.Context, appID string) ([]Key, error) {
	var keys []Key
	err := c.do(ctx, call{op: opListKeys, segments: []string{"apps", appID, "keys"}, notFound: fmt.Sprintf("app %q", appID)}, &keys)
	return keys, err
}

// CreateKey creates an API key; name and capability are required.
func (c *Client) CreateKey(ctx context.Context, appID string, f KeyFields) (*Key, error) {
	if f.Name == nil || len(f.Capability) == 0 {
		return nil, fmt.Errorf("a key needs a name and a capability")
	}
	var k Key
	err := c.do(ctx, call{op: opCreateKey, segments: []string{"apps", appID, "keys"}, body: f, notFound: fmt.Sprintf("app %q", appID)}, &k)
	return &k, err
}

// UpdateKey changes the fields set in f.
func (c *Client) UpdateKey(ctx context.Context, appID, keyID string, f KeyFields) (*Key, error) {
	var k Key
	err := c.do(ctx, call{op: opUpdateKey, segments: []string{"apps", appID, "keys", keyID}, body: f,
		notFound: fmt.Sprintf("key %q of app %q", keyID, appID)}, &k)
	return &k, err
}

// RevokeKey revokes an API key, at once and for good.
func (c *Client) RevokeKey(ctx context.Context, appID, keyID string) error {
	return c.do(ctx, call{op: opRevokeKey, segments: []string{"apps", appID, "keys", keyID, "revoke"},
		notFound: fmt.Sprintf("key %q of app %q", keyID, appID)}, nil)
}
