package resolve

import (
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestDataPlaneCredential(t *testing.T) {
	const profileKey = "appP.k:profile-secret"
	fx := &fixture{current: "p", accounts: map[string]config.Account{
		"p": {CurrentAppID: "appP", Apps: map[string]config.App{"appP": {APIKey: profileKey}}}}}
	for _, tc := range []struct {
		name   string
		flags  Flags
		env    map[string]string
		token  string // the token chosen, or
		key    string // the key chosen, or
		source string
		exit   int // an error's exit code
	}{
		{name: "--token", flags: Flags{Token: "tok"}, env: map[string]string{EnvToken: "env-tok", EnvAPIKey: "a.b:c"}, token: "tok", source: "--token"},
		{name: "--api-key beats ABLY_TOKEN", flags: Flags{APIKey: "a.b:c"}, env: map[string]string{EnvToken: "env-tok"}, key: "a.b:c", source: "--api-key"},
		{name: "both flags", flags: Flags{Token: "t", APIKey: "a.b:c"}, exit: exitcode.Usage},
		{name: "ABLY_TOKEN beats ABLY_API_KEY", env: map[string]string{EnvToken: "env-tok", EnvAPIKey: "a.b:c"}, token: "env-tok", source: EnvToken},
		{name: "ABLY_API_KEY", env: map[string]string{EnvAPIKey: "a.b:c"}, key: "a.b:c", source: EnvAPIKey},
		{name: "the profile's key", key: profileKey, source: "profile p"},
	} {
		r := New(Options{Flags: tc.flags, Getenv: func(k string) string { return tc.env[k] }, Load: fx.load})
		c, err := r.DataPlaneCredential()
		switch {
		case tc.exit != 0:
			if exitcode.Of(err) != tc.exit {
				t.Errorf("%s: %v, want exit %d", tc.name, err, tc.exit)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.token != "" && (!c.IsToken() || c.Token.Value != tc.token || c.Token.Source != tc.source):
			t.Errorf("%s: %+v, want token %q from %s", tc.name, c, tc.token, tc.source)
		case tc.key != "" && (c.IsToken() || c.Key.Key.Value != tc.key || c.Key.Key.Source != tc.source):
			t.Errorf("%s: %+v, want key from %s", tc.name, c, tc.source)
		}
	}

	empty := &fixture{}
	_, err := New(Options{Load: empty.load}).DataPlaneCredential()
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--api-key") || !strings.Contains(err.Error(), EnvToken) {
		t.Errorf("nothing at hand: %v, want a usage error naming both ways", err)
	}
}
