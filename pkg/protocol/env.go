package protocol

import "strings"

// SecretVariables are the suite's environment variables that carry a credential. They are
// never given to a plugin's metadata call (see WithoutSecrets).
var SecretVariables = []string{
	"ABLY_ACCESS_TOKEN",      // Control API access token
	"ABLY_API_KEY",           // API key with its secret
	"ABLY_TOKEN",             // Ably token or JWT for the data plane
	"ABLY_APNS_P12_PASSWORD", // password of a .p12 push certificate
}

// secretNameParts are the words that mark other programs' variables as secret
// (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, PGPASSWORD, ...): a metadata call needs none of them.
var secretNameParts = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "APIKEY", "PRIVATE_KEY", "AUTH"}

// IsSecretVariable reports whether the environment variable called name may carry a
// credential: one of SecretVariables, or a name containing a secret-sounding word.
func IsSecretVariable(name string) bool {
	upper := strings.ToUpper(name)
	for _, s := range SecretVariables {
		if upper == s {
			return true
		}
	}
	for _, part := range secretNameParts {
		if strings.Contains(upper, part) {
			return true
		}
	}
	return false
}

// WithoutSecrets returns environ (KEY=VALUE pairs) without the variables that may carry a
// credential. A plugin answers its metadata call without config or network (MetadataCommand),
// so it needs none; a plugin that misbehaves, or was planted, then has none to steal.
func WithoutSecrets(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !IsSecretVariable(name) {
			out = append(out, kv)
		}
	}
	return out
}
