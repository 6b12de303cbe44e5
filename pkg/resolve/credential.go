package resolve

import "github.com/ably/ably-suite/pkg/exitcode"

// Credential is what a data-plane command (REST and Realtime) authenticates with: a token or
// an API key, never both.
type Credential struct {
	// Token is an Ably token or an Ably JWT, for bearer auth; "" when Key is set.
	Token Value
	// Key is an API key, for basic auth; its Key.Value is "" when Token is set.
	Key Key
}

// IsToken reports that the credential is a token.
func (c Credential) IsToken() bool { return c.Token.Value != "" }

// DataPlaneCredential is the one rule of every data-plane command (DESIGN §3): --token or
// --api-key (not both), else ABLY_TOKEN, else ABLY_API_KEY, else the selected profile's key
// for the app. A token in the environment wins over a key there, as in Ably's official CLI,
// so `ABLY_TOKEN=... ably channels publish` uses the token whatever key is configured.
func (r *Resolver) DataPlaneCredential() (Credential, error) {
	f := r.opt.Flags
	switch {
	case f.Token != "" && f.APIKey != "":
		return Credential{}, exitcode.Usagef("--%s and --%s both given: authenticate with one of them", FlagToken, FlagAPIKey)
	case f.Token != "":
		return Credential{Token: Value{f.Token, "--" + FlagToken}}, nil
	case f.APIKey == "":
		if v := r.opt.Getenv(EnvToken); v != "" {
			return Credential{Token: Value{v, EnvToken}}, nil
		}
	}
	k, err := r.APIKey()
	if err != nil {
		if exitcode.Of(err) == exitcode.Usage && f.APIKey == "" {
			return Credential{}, exitcode.Usagef("%s; or authenticate with a token: --%s TOKEN or %s", err, FlagToken, EnvToken)
		}
		return Credential{}, err
	}
	return Credential{Key: k}, nil
}
