package integrationscli

import (
	"strings"

	"github.com/ably/ably-suite/pkg/output"
)

// masked replaces a secret in output.
const masked = output.Masked

// secretField reports whether a target field (at any depth, in a rule of any type, one this
// suite does not model included) holds a credential: AWS secret keys, Kafka passwords, Pulsar
// tokens, moderation API keys, IFTTT webhook keys, private and signing keys, and any field
// named as a secret, password or token.
func secretField(key string) bool {
	k := strings.ToLower(key)
	switch k {
	case "apikey", "webhookkey", "secretaccesskey", "privatekey", "signingkey", "credentials", "connectionstring":
		return true
	}
	for _, suffix := range []string{"secret", "password", "token"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// sensitiveHeaderWords mark header names whose values are credentials
// (Authorization, X-Api-Key, X-Auth-Token, ...).
var sensitiveHeaderWords = []string{"authorization", "auth", "token", "secret", "password", "api-key", "apikey", "cookie", "signature"}

// maskSecrets hides, in place, every credential in a rule: the secret fields above, the
// values of sensitive headers, and the credentials in URLs (passwords, as in
// amqps://user:pass@host, and query parameters such as ?code= or ?sig=:
// output.MaskURLSecrets). It reports whether anything was hidden.
func maskSecrets(n *node) bool {
	if n == nil {
		return false
	}
	changed := false
	switch {
	case n.isObject:
		for _, m := range n.members {
			switch {
			case secretField(m.key) && m.val.scalar != nil && !m.val.isObject && !m.val.isArray:
				if m.val.str() != "" {
					m.val.scalar = masked
					changed = true
				}
			case m.key == "headers" && m.val.isArray:
				changed = maskHeaders(m.val) || changed
			default:
				changed = maskSecrets(m.val) || changed
			}
		}
	case n.isArray:
		for _, it := range n.items {
			changed = maskSecrets(it) || changed
		}
	default:
		if s, ok := n.scalar.(string); ok {
			if m := output.MaskURLSecrets(s); m != s {
				n.scalar = m
				changed = true
			}
		}
	}
	return changed
}

// maskHeaders hides the values of sensitive headers ([{"name","value"}, ...]).
func maskHeaders(headers *node) bool {
	changed := false
	for _, h := range headers.items {
		v := h.get("value")
		if v == nil || v.str() == "" || !sensitiveHeader(h.str("name")) {
			continue
		}
		v.scalar = masked
		changed = true
	}
	return changed
}

func sensitiveHeader(name string) bool {
	name = strings.ToLower(name)
	for _, w := range sensitiveHeaderWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
