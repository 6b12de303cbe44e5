// Package ablyauth parses Ably API keys and capabilities and issues Ably JWTs from a key.
package ablyauth

import (
	"fmt"
	"strings"
)

// Key is an Ably API key, APPID.KEYID:SECRET.
type Key struct {
	AppID  string
	KeyID  string
	Secret string
}

// Name is the key's public name, APPID.KEYID: safe to show and log.
func (k Key) Name() string { return k.AppID + "." + k.KeyID }

// String never reveals the secret, so a Key printed by mistake leaks nothing.
func (k Key) String() string { return k.Name() + ":<secret>" }

// ParseKey parses APPID.KEYID:SECRET. The error never contains the secret.
func ParseKey(s string) (Key, error) {
	name, secret, ok := strings.Cut(s, ":")
	if !ok {
		return Key{}, fmt.Errorf("malformed API key: want APPID.KEYID:SECRET, found no ':' (an API key looks like xVLyHw.A-pwh7:Tq5c...)")
	}
	app, id, ok := strings.Cut(name, ".")
	switch {
	case !ok:
		return Key{}, fmt.Errorf("malformed API key: want APPID.KEYID:SECRET, the part before ':' has no '.'")
	case app == "":
		return Key{}, fmt.Errorf("malformed API key: the app ID (before '.') is empty")
	case id == "":
		return Key{}, fmt.Errorf("malformed API key: the key ID (between '.' and ':') is empty")
	case secret == "":
		return Key{}, fmt.Errorf("malformed API key: the secret (after ':') is empty")
	case !isIdent(app):
		return Key{}, fmt.Errorf("malformed API key: the app ID %q may hold only letters, digits, '-' and '_'", app)
	case !isIdent(id):
		return Key{}, fmt.Errorf("malformed API key: the key ID %q may hold only letters, digits, '-' and '_'", id)
	case !isSecret(secret):
		return Key{}, fmt.Errorf("malformed API key: the secret holds whitespace or control characters")
	}
	return Key{AppID: app, KeyID: id, Secret: secret}, nil
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func isSecret(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
