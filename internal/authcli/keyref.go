package authcli

import (
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// keyRef is a key named on the command line: its ID, and its app when the name carried one.
type keyRef struct {
	AppID string // "" when only the key ID was given
	KeyID string
}

// keyArgHelp says what a KEY argument may be.
const keyArgHelp = "a key ID, APPID.KEYID, the key itself, or its label"

// parseKeyRef reads KEY: a key ID (or a label: findKey), APPID.KEYID, or a whole key
// APPID.KEYID:SECRET (of which only the name is used). Errors never repeat a secret.
func parseKeyRef(arg string) (keyRef, error) {
	name, _, _ := strings.Cut(arg, ":")
	name = strings.TrimSpace(name)
	if name == "" {
		return keyRef{}, exitcode.Usagef("KEY is empty: give %s (see 'ably auth keys list')", keyArgHelp)
	}
	app, id, dotted := strings.Cut(name, ".")
	if !dotted {
		return keyRef{KeyID: name}, nil
	}
	if app == "" || id == "" || strings.Contains(id, ".") {
		return keyRef{}, exitcode.Usagef("KEY %q is neither a key ID nor APPID.KEYID: give %s", name, keyArgHelp)
	}
	return keyRef{AppID: app, KeyID: id}, nil
}

// Name is the key's name in app: APPID.KEYID.
func (r keyRef) Name(appID string) string { return appID + "." + r.KeyID }
