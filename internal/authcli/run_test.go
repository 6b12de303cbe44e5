package authcli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/resttest"
)

// issue-jwt-token takes its clock and randomness from the Deps, so a token is reproducible,
// and it makes no request at all.
func TestRunIssueJWTTokenIsReproducible(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	o := tokenOptions{Resolve: resolve.Flags{APIKey: "app.key:sekrit"}, TTL: time.Hour, TokenOnly: true}
	var tokens []string
	for range 2 {
		transport := &plugintest.CountingTransport{}
		ctx, d, streams := plugintest.Options{Now: func() time.Time { return now }, Transport: transport}.Deps(t)
		if err := runIssueJWTToken(ctx, d, o); err != nil {
			t.Fatal(err)
		}
		if transport.N != 0 {
			t.Errorf("%d requests sent", transport.N)
		}
		tokens = append(tokens, strings.TrimSpace(streams.Stdout.String()))
	}
	if tokens[0] != tokens[1] {
		t.Fatalf("two runs on the same clock and randomness differ:\n%s\n%s", tokens[0], tokens[1])
	}
	tok, err := ablyauth.ReadJWT(tokens[0])
	if err != nil || tok.ClientID != "ably-cli-abababab" || !tok.IssuedAt.Equal(now) || !tok.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("token %+v (%v)", tok, err)
	}
}

// --app may name an app the profile knows, also with a key from --api-key or ABLY_API_KEY;
// "none" in any case is a token without a client ID.
func TestRunIssueJWTTokenAppNameAndNoClientID(t *testing.T) {
	dir := t.TempDir()
	config := `[current]
account = "main"

[accounts.main]
accessToken = "tok-main"
currentAppId = "appOne"

[accounts.main.apps.appOne]
appName = "First"
apiKey = "appOne.k1:one"

[accounts.main.apps.appTwo]
appName = "My app"
apiKey = "appTwo.k2:two"
`
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		vars     map[string]string
		flags    resolve.Flags
		clientID string
		wantKey  string
		wantErr  string
	}{
		{"profile key", nil, resolve.Flags{App: "My app"}, "none", "appTwo.k2", ""},
		{"flag key", nil, resolve.Flags{App: "My app", APIKey: "appTwo.k2:flag"}, "NONE", "appTwo.k2", ""},
		{"env key and app", map[string]string{"ABLY_API_KEY": "appTwo.k2:env", "ABLY_APP_ID": "My app"}, resolve.Flags{}, "None", "appTwo.k2", ""},
		{"name of another app", map[string]string{"ABLY_API_KEY": "appTwo.k2:env"}, resolve.Flags{App: "First"}, "none", "",
			`the API key from ABLY_API_KEY is for app "appTwo", but the app from --app is "First" (appOne)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]string{"ABLY_CLI_CONFIG_DIR": dir}
			for k, v := range c.vars {
				vars[k] = v
			}
			ctx, d, streams := plugintest.Options{Vars: vars}.Deps(t)
			o := tokenOptions{Resolve: c.flags, TTL: time.Hour, TokenOnly: true, ClientID: c.clientID}
			err := runIssueJWTToken(ctx, d, o)
			if c.wantErr != "" {
				if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tok, err := ablyauth.ReadJWT(strings.TrimSpace(streams.Stdout.String()))
			if err != nil || tok.KeyName != c.wantKey || tok.ClientID != "" {
				t.Fatalf("token %+v (%v), want key %s and no client ID", tok, err, c.wantKey)
			}
		})
	}
}

// revoke-token asks before it revokes: no on a terminal sends nothing; off a terminal, or
// with --json even on one, it needs Force; yes revokes.
func TestRunRevokeTokenAsks(t *testing.T) {
	srv := resttest.New()
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: "app.key:sekrit", RevocableTokens: true})
	o := revokeTokenOptions{Resolve: resolve.Flags{APIKey: "app.key:sekrit", Endpoint: srv.URL}, Target: "clientId:bob", What: `client ID "bob"`}
	for _, tc := range []struct {
		tty, yes, force, json bool
		code                  int
		revoked               int
	}{
		{true, false, false, false, exitcode.Failure, 0},
		{false, false, false, false, exitcode.Usage, 0},
		{true, true, false, true, exitcode.Usage, 0},
		{true, true, false, false, exitcode.OK, 1},
		{false, false, true, true, exitcode.OK, 2},
	} {
		o.Force = tc.force
		answers := &plugintest.Answers{Yes: []bool{tc.yes}}
		format := output.Human
		if tc.json {
			format = output.JSON
		}
		ctx, d, _ := plugintest.Options{TTY: tc.tty, Prompt: answers, Format: format}.Deps(t)
		err := runRevokeToken(ctx, d, o)
		if got := exitcode.Of(err); got != tc.code {
			t.Fatalf("%+v: exit %d (%v), want %d", tc, got, err, tc.code)
		}
		if n := len(srv.Revocations()); n != tc.revoked {
			t.Fatalf("%+v: %d revocations, want %d", tc, n, tc.revoked)
		}
	}
}
