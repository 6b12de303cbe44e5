package dataplane

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/rest"
)

var (
	now = time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	key = ablyauth.Key{AppID: "xVLyHw", KeyID: "A-pwh7", Secret: "topsecret-value"}
)

func jwtFor(t *testing.T, clientID string, c ablyauth.Capability) string {
	t.Helper()
	tok, err := ablyauth.Issuer{Now: func() time.Time { return now }, Rand: strings.NewReader("abcd")}.
		Issue(key, ablyauth.JWTRequest{Capability: c, ClientID: clientID, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

func TestOpenClientIDs(t *testing.T) {
	keyText := key.Name() + ":" + key.Secret
	alice := jwtFor(t, "alice", nil)
	anyone := jwtFor(t, "*", nil)
	noone := jwtFor(t, ablyauth.NoClientID, nil)
	for _, tc := range []struct {
		name            string
		vars            map[string]string
		flags           resolve.Flags
		asked           string
		clientID, msgID string
		code            int
		errHas          string
	}{
		{name: "key, generated", vars: map[string]string{resolve.EnvAPIKey: keyText}, clientID: "ably-cli-abababab"},
		{name: "key, given", vars: map[string]string{resolve.EnvAPIKey: keyText}, asked: "bob", clientID: "bob"},
		{name: "key, none", vars: map[string]string{resolve.EnvAPIKey: keyText}, asked: "None"},
		{name: "key, wildcard", vars: map[string]string{resolve.EnvAPIKey: keyText}, asked: "*", code: exitcode.Usage, errHas: `"*" is for tokens`},
		{name: "key of another app", vars: map[string]string{resolve.EnvAPIKey: keyText, resolve.EnvApp: "other"}, code: exitcode.Usage, errHas: `is for app "xVLyHw"`},
		{name: "jwt", vars: map[string]string{resolve.EnvToken: alice}, clientID: "alice"},
		{name: "jwt, same", vars: map[string]string{resolve.EnvToken: alice}, asked: "alice", clientID: "alice"},
		{name: "jwt, differs", vars: map[string]string{resolve.EnvToken: alice}, asked: "bob", code: exitcode.Usage, errHas: `--client-id "bob" differs from the token's client ID "alice"`},
		{name: "jwt, none asked", vars: map[string]string{resolve.EnvToken: alice}, asked: "none", code: exitcode.Usage, errHas: "differs"},
		{name: "jwt without, none asked", vars: map[string]string{resolve.EnvToken: noone}, asked: "none"},
		{name: "jwt without, one asked", vars: map[string]string{resolve.EnvToken: noone}, asked: "bob", code: exitcode.Usage, errHas: "token's client ID none"},
		{name: "wildcard jwt", vars: map[string]string{resolve.EnvToken: anyone}},
		{name: "wildcard jwt, given", vars: map[string]string{resolve.EnvToken: anyone}, asked: "bob", clientID: "bob", msgID: "bob"},
		{name: "opaque", vars: map[string]string{resolve.EnvToken: "xVLyHw.opaque-token"}},
		{name: "opaque, given", vars: map[string]string{resolve.EnvToken: "xVLyHw.opaque-token"}, asked: "bob", clientID: "bob", msgID: "bob"},
		{name: "token flag wins", vars: map[string]string{resolve.EnvAPIKey: keyText}, flags: resolve.Flags{Token: alice}, clientID: "alice"},
		{name: "both flags", vars: map[string]string{}, flags: resolve.Flags{Token: alice, APIKey: keyText}, code: exitcode.Usage, errHas: "both given"},
		{name: "broken jwt", vars: map[string]string{resolve.EnvToken: "eyJhbGciOiJIUzI1NiJ9.e30.x"}, code: exitcode.Auth, errHas: "the token from ABLY_TOKEN: the token's JWT header has no kid"},
		{name: "bad endpoint", vars: map[string]string{resolve.EnvAPIKey: keyText, resolve.EnvEndpoint: "http://example.com"}, code: exitcode.Usage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["ABLY_CONFIG_DIR"] = t.TempDir()
			_, d, _ := plugintest.Options{Vars: tc.vars, Now: func() time.Time { return now }}.Deps(t)
			c, err := Open(d, Settings{Resolve: tc.flags, ClientID: tc.asked})
			if got := exitcode.Of(err); got != tc.code {
				t.Fatalf("Open: exit %d (%v), want %d", got, err, tc.code)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("error %q, want it to say %q", err, tc.errHas)
				}
				if strings.Contains(err.Error(), key.Secret) || strings.Contains(err.Error(), alice) {
					t.Fatalf("error %q reveals a secret", err)
				}
				return
			}
			if c.ClientID != tc.clientID || c.MessageClientID != tc.msgID {
				t.Fatalf("ClientID %q MessageClientID %q, want %q %q", c.ClientID, c.MessageClientID, tc.clientID, tc.msgID)
			}
		})
	}
}

func TestAllow(t *testing.T) {
	tok := jwtFor(t, "", ablyauth.Capability{"chat:*": {"publish"}})
	at := now
	_, d, _ := plugintest.Options{Vars: map[string]string{resolve.EnvToken: tok}, Now: func() time.Time { return at }}.Deps(t)
	c, err := Open(d, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Allow("chat:1", "publish"); err != nil {
		t.Fatal(err)
	}
	if err := c.Allow("status", "publish"); exitcode.Of(err) != exitcode.Permission {
		t.Fatalf("publish to status: %v", err)
	}
	at = now.Add(2 * time.Hour)
	if err := c.Allow("chat:1", "publish"); exitcode.Of(err) != exitcode.Auth {
		t.Fatalf("expired: %v", err)
	}
}

// TestCallsAndCollect checks what goes on the wire (auth header, client ID header, the
// data-plane version) and that Collect follows Link headers up to its limit.
func TestCallsAndCollect(t *testing.T) {
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r)
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		if from < 6 {
			w.Header().Set("Link", fmt.Sprintf(`<./items?from=%d>; rel="next"`, from+3))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "[%d,%d,%d]", from, from+1, from+2)
	}))
	defer srv.Close()
	_, d, _ := plugintest.Options{Vars: map[string]string{
		resolve.EnvAPIKey: key.Name() + ":" + key.Secret, resolve.EnvEndpoint: srv.URL, "ABLY_CONFIG_DIR": t.TempDir(),
	}}.Deps(t)
	c, err := Open(d, Settings{ClientID: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		limit   int
		want    string
		more    bool
		request int
	}{
		{2, "[0 1]", true, 1},
		{3, "[0 1 2]", true, 1},
		{5, "[0 1 2 3 4]", true, 2},
		{9, "[0 1 2 3 4 5 6 7 8]", false, 3},
		{0, "[0 1 2 3 4 5 6 7 8]", false, 3},
		{20, "[0 1 2 3 4 5 6 7 8]", false, 3},
	} {
		seen = nil
		items, more, err := Collect[int](t.Context(), c, rest.Call{What: "list items", Method: http.MethodGet, Segments: []string{"items"}}, tc.limit)
		if err != nil || fmt.Sprint(items) != tc.want || more != tc.more || len(seen) != tc.request {
			t.Errorf("Collect(limit %d) = %v more=%v err=%v after %d requests; want %s more=%v after %d", tc.limit, items, more, err, len(seen), tc.want, tc.more, tc.request)
		}
	}
	r := seen[0]
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(key.Name()+":"+key.Secret))
	if r.Header.Get("Authorization") != wantAuth || r.Header.Get("X-Ably-ClientId") != base64.StdEncoding.EncodeToString([]byte("bob")) ||
		r.Header.Get("X-Ably-Version") != rest.DataPlaneVersion {
		t.Errorf("headers %v", r.Header)
	}
}

// A key of another app than the one asked for is refused, naming the app asked for by its
// name too when the profile knew it.
func TestParseKeyOtherApp(t *testing.T) {
	key := resolve.Value{Value: "appA.k:s", Source: "ABLY_API_KEY"}
	if k, err := ParseKey(resolve.Key{Key: key, App: resolve.Value{Value: "appA", Source: "--app"}}); err != nil || k.AppID != "appA" {
		t.Errorf("same app: %+v, %v", k, err)
	}
	for _, row := range []struct {
		rk   resolve.Key
		want string
	}{
		{resolve.Key{Key: key, App: resolve.Value{Value: "other1", Source: "--app"}},
			`the API key from ABLY_API_KEY is for app "appA", but the app from --app is "other1": use a key of app "other1", or ask for app "appA"`},
		{resolve.Key{Key: key, App: resolve.Value{Value: "appB", Source: "ABLY_APP_ID"}, AppName: "My app"},
			`the API key from ABLY_API_KEY is for app "appA", but the app from ABLY_APP_ID is "My app" (appB): use a key of app "My app" (appB), or ask for app "appA"`},
		{resolve.Key{Key: key, App: resolve.Value{Value: "Nobody knows", Source: "--app"}, UnknownTo: "main"},
			`the API key from ABLY_API_KEY is for app "appA", but the app from --app is "Nobody knows" (no app of profile "main" has that name, so it is taken as an ID): use a key of app "Nobody knows", or ask for app "appA"`},
	} {
		_, err := ParseKey(row.rk)
		if exitcode.Of(err) != exitcode.Usage || err.Error() != row.want {
			t.Errorf("%+v: %v\nwant %s", row.rk, err, row.want)
		}
	}
}
