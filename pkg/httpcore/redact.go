package httpcore

import (
	"net/url"
	"strings"

	"github.com/ably/ably-suite/pkg/output"
)

// Redact is u as --verbose lines and messages show it: the whole URL with its query, every
// credential-bearing parameter's value masked. A URL never carries user info (Base refuses it).
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	if v.RawQuery != "" {
		parts := strings.Split(v.RawQuery, "&")
		for i, p := range parts {
			name, value, _ := strings.Cut(p, "=")
			decodedName, _ := url.QueryUnescape(name)
			decodedValue, _ := url.QueryUnescape(value)
			if output.CredentialParam(decodedName) || looksLikeAblyKey(decodedValue) {
				parts[i] = name + "=REDACTED"
			}
		}
		v.RawQuery = strings.Join(parts, "&")
	}
	return v.String()
}

// looksLikeAblyKey reports an Ably API key, APPID.KEYID:SECRET, under whatever parameter name.
func looksLikeAblyKey(v string) bool {
	name, secret, ok := strings.Cut(v, ":")
	app, id, dotted := strings.Cut(name, ".")
	return ok && dotted && app != "" && id != "" && secret != "" && !strings.ContainsAny(v, " /")
}
