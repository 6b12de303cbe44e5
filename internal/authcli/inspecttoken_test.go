package authcli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// inspectNow is the tests' present; tokens are issued at inspectIssued.
var (
	inspectNow    = time.Date(2026, 12, 3, 7, 0, 2, 0, time.UTC)
	inspectIssued = time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
)

const inspectKey = "appA.keyA:inspectSecret"

// inspectJWT issues a JWT of key at inspectIssued.
func inspectJWT(t *testing.T, key string, req ablyauth.JWTRequest) string {
	t.Helper()
	k, err := ablyauth.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if req.TTL == 0 {
		req.TTL = time.Hour
	}
	tok, err := ablyauth.Issuer{Now: func() time.Time { return inspectIssued }, Rand: bytes.NewReader(bytes.Repeat([]byte{0xab}, 8))}.Issue(k, req)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

type inspectRun struct {
	code           int
	stdout, stderr string
	err            error
}

// runInspect calls the run function with vars as the environment and the stdin given.
func runInspect(t *testing.T, vars map[string]string, stdin string, format output.Format, o inspectOptions) inspectRun {
	t.Helper()
	ctx, d, s := plugintest.Options{Vars: vars, Stdin: stdin, Format: format, Verbose: true,
		Now: func() time.Time { return inspectNow }}.Deps(t)
	err := runInspectToken(ctx, d, o)
	return inspectRun{code: exitcode.Of(err), stdout: s.Stdout.String(), stderr: s.Stderr.String(), err: err}
}

func TestInspectTokenDetails(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{ClientID: "alice",
		Capability: ablyauth.Capability{"chat:*": {"publish", "subscribe"}, "status:*": {"subscribe"}}})
	r := runInspect(t, map[string]string{"ABLY_TOKEN": tok, "ABLY_API_KEY": inspectKey}, "", output.Human, inspectOptions{})
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := `Type:       Ably JWT
App:        appA
Key name:   appA.keyA
Client ID:  alice
Capability: chat:* [publish subscribe], status:* [subscribe]
Issued:     2026-12-03T07:00:00Z
Expires:    2026-12-03T08:00:00Z
Time left:  59m58s
Signature:  verified with key appA.keyA from ABLY_API_KEY
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	for _, line := range []string{"inspecting the token from ABLY_TOKEN", "checking the signature with key appA.keyA from ABLY_API_KEY"} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("stderr %q lacks %q", r.stderr, line)
		}
	}
	noSecrets(t, r, tok, "inspectSecret")
}

func noSecrets(t *testing.T, r inspectRun, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) || (r.err != nil && strings.Contains(r.err.Error(), s)) {
			t.Errorf("a secret shows: stdout %q, stderr %q, err %v", r.stdout, r.stderr, r.err)
		}
	}
}

func TestInspectTokenSignature(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{ClientID: ablyauth.NoClientID})
	dir := t.TempDir()
	config := `[current]
account = "main"

[accounts.main]
accessToken = "tok-main"
currentAppId = "appOther"

[accounts.main.apps.appA]
apiKey = "` + inspectKey + `"
`
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	noKeyDir := t.TempDir()
	for _, c := range []struct {
		name  string
		vars  map[string]string
		flag  string
		code  int
		line  string
		state string
	}{
		{"flag", nil, inspectKey, 0, "verified with key appA.keyA from --api-key", "verified"},
		{"flag wins", map[string]string{"ABLY_API_KEY": "appA.keyA:wrong"}, inspectKey, 0, "verified with key appA.keyA from --api-key", "verified"},
		{"profile key for the token's app, not the current app", map[string]string{"ABLY_CLI_CONFIG_DIR": dir}, "", 0,
			"verified with key appA.keyA from profile main", "verified"},
		{"no key at hand", map[string]string{"ABLY_CLI_CONFIG_DIR": noKeyDir}, "", 0,
			"not verified: no API key at hand for app appA (pass --api-key)", "unverified"},
		{"another app's key", map[string]string{"ABLY_API_KEY": "appB.keyB:other"}, "", 0,
			"not verified: the key appB.keyB from ABLY_API_KEY is of app appB, not the token's app appA", "unverified"},
		{"another key of the app", nil, "appA.keyZ:other", 0,
			"not verified: the token names key appA.keyA, not appA.keyZ from --api-key", "unverified"},
		{"mismatch", map[string]string{"ABLY_API_KEY": "appA.keyA:wrongSecret"}, "", exitcode.Auth,
			"does not match key appA.keyA from ABLY_API_KEY", "mismatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]string{"ABLY_CLI_CONFIG_DIR": noKeyDir}
			for k, v := range c.vars {
				vars[k] = v
			}
			o := inspectOptions{Arg: tok}
			o.Resolve.APIKey = c.flag
			r := runInspect(t, vars, "", output.Human, o)
			if r.code != c.code {
				t.Fatalf("exit %d (%v), want %d", r.code, r.err, c.code)
			}
			if !strings.Contains(r.stdout, "Signature:  "+c.line+"\n") {
				t.Errorf("stdout lacks %q:\n%s", c.line, r.stdout)
			}
			if !strings.Contains(r.stdout, "Client ID:  none\n") {
				t.Errorf("stdout lacks Client ID none:\n%s", r.stdout)
			}
			if c.state == "mismatch" && r.err.Error() != "the token's signature does not match key appA.keyA (the key from ABLY_API_KEY): the token was not signed with that key's secret, or was altered" {
				t.Errorf("error: %v", r.err)
			}
			noSecrets(t, r, tok, "inspectSecret", "wrongSecret")
			j := runInspect(t, vars, "", output.JSON, o)
			var doc struct {
				Signature    string
				VerifiedWith *string
			}
			if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Signature != c.state || (doc.VerifiedWith != nil) != (c.state == "verified") {
				t.Errorf("JSON signature %q verifiedWith %v, want %q", doc.Signature, doc.VerifiedWith, c.state)
			}
		})
	}
}

func TestInspectTokenCheck(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{Capability: ablyauth.Capability{"chat:*": {"publish", "subscribe"}}})
	expired := inspectJWT(t, inspectKey, ablyauth.JWTRequest{TTL: time.Second}) // expired at 07:00:01
	vars := map[string]string{"ABLY_API_KEY": inspectKey}
	for _, c := range []struct {
		name, token, channel, op string
		code                     int
		out, err                 string
	}{
		{"allowed", tok, "chat:1", "publish", 0, `allowed: the token may publish to "chat:1"` + "\n", ""},
		{"refused", tok, "status:1", "publish", exitcode.Permission, "",
			`the token may not publish to "status:1": it grants chat:* [publish subscribe]`},
		{"refused op", tok, "chat:1", "history", exitcode.Permission, "",
			`the token may not read the history of "chat:1": it grants chat:* [publish subscribe]`},
		{"expired", expired, "chat:1", "publish", exitcode.Auth, "",
			"the token expired at 2026-12-03T07:00:01Z (1s ago): issue a new one with 'ably auth issue-jwt-token'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runInspect(t, vars, "", output.Human, inspectOptions{Arg: c.token, Channel: c.channel, Operation: c.op})
			if r.code != c.code {
				t.Fatalf("exit %d (%v), want %d", r.code, r.err, c.code)
			}
			if !strings.HasPrefix(r.stdout, "Type:       Ably JWT\n") || !strings.HasSuffix(r.stdout, "ABLY_API_KEY\n"+c.out) {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			if c.err != "" && r.err.Error() != c.err {
				t.Errorf("error %q, want %q", r.err, c.err)
			}
			j := runInspect(t, vars, "", output.JSON, inspectOptions{Arg: c.token, Channel: c.channel, Operation: c.op})
			want := `"check":{"channel":"` + c.channel + `","operation":"` + c.op + `","allowed":` + map[bool]string{true: "true", false: "false"}[c.code == 0] + `}}`
			if !strings.HasSuffix(strings.TrimSpace(j.stdout), want) || j.code != c.code {
				t.Errorf("JSON (exit %d): %s, want it to end %s", j.code, j.stdout, want)
			}
		})
	}
}

func TestInspectTokenExpired(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{TTL: time.Second})
	ctx, d, s := plugintest.Options{Now: func() time.Time { return inspectIssued.Add(5*time.Minute + time.Second) }}.Deps(t)
	if err := runInspectToken(ctx, d, inspectOptions{Arg: tok}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Stdout.String(), "Time left:  expired 5m ago\n") {
		t.Errorf("stdout:\n%s", s.Stdout)
	}
	j := runInspect(t, nil, "", output.JSON, inspectOptions{Arg: tok})
	want := `{"type":"jwt","appId":"appA","keyName":"appA.keyA","clientId":"ably-cli-abababab","capability":{"*":["*"]},` +
		`"issuedAt":"2026-12-03T07:00:00Z","expiresAt":"2026-12-03T07:00:01Z","expired":true,"ttlRemaining":0,` +
		`"signature":"unverified","verifiedWith":null}` + "\n"
	if j.stdout != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", j.stdout, want)
	}
}

func TestInspectTokenJSON(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{ClientID: ablyauth.NoClientID, Capability: ablyauth.Capability{"[meta]*": {"subscribe"}}})
	r := runInspect(t, map[string]string{"ABLY_API_KEY": inspectKey}, "", output.JSON, inspectOptions{Arg: tok})
	want := `{"type":"jwt","appId":"appA","keyName":"appA.keyA","clientId":null,"capability":{"[meta]*":["subscribe"]},` +
		`"issuedAt":"2026-12-03T07:00:00Z","expiresAt":"2026-12-03T08:00:00Z","expired":false,"ttlRemaining":3598,` +
		`"signature":"verified","verifiedWith":"appA.keyA"}` + "\n"
	if r.err != nil || r.stdout != want {
		t.Errorf("JSON (%v):\n%s\nwant:\n%s", r.err, r.stdout, want)
	}
}

// A JWT without iat or exp (not one the suite issues, but one Ably accepts) never expires.
func TestInspectTokenNoTimes(t *testing.T) {
	tj := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"x-ably-capability": `{"a":["publish"]}`})
	tj.Header["kid"] = "appA.keyA"
	tok, err := tj.SignedString([]byte("inspectSecret"))
	if err != nil {
		t.Fatal(err)
	}
	r := runInspect(t, map[string]string{"ABLY_API_KEY": inspectKey}, "", output.Human, inspectOptions{Arg: tok, Channel: "a", Operation: "publish"})
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, line := range []string{"Issued:     not stated (no iat claim)\n", "Expires:    never (no exp claim)\n", "Time left:  unlimited\n",
		"verified with key appA.keyA", `allowed: the token may publish to "a"`} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, r.stdout)
		}
	}
	j := runInspect(t, nil, "", output.JSON, inspectOptions{Arg: tok})
	if !strings.Contains(j.stdout, `"issuedAt":null,"expiresAt":null,"expired":false,"ttlRemaining":null`) {
		t.Errorf("JSON: %s", j.stdout)
	}
}

func TestInspectTokenOpaque(t *testing.T) {
	const opaque = "appA.Bb7xQ2-opaque_token_value"
	r := runInspect(t, map[string]string{"ABLY_TOKEN": opaque}, "", output.Human, inspectOptions{})
	if r.err != nil || r.stdout != "Type: Ably token (opaque: its details are known only to Ably)\n" {
		t.Errorf("(%v) stdout %q", r.err, r.stdout)
	}
	j := runInspect(t, map[string]string{"ABLY_TOKEN": opaque}, "", output.JSON, inspectOptions{})
	want := `{"type":"ably","appId":null,"keyName":null,"clientId":null,"capability":null,"issuedAt":null,"expiresAt":null,` +
		`"expired":null,"ttlRemaining":null,"signature":"unverified","verifiedWith":null}` + "\n"
	if j.stdout != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", j.stdout, want)
	}
	c := runInspect(t, map[string]string{"ABLY_TOKEN": opaque}, "", output.Human, inspectOptions{Channel: "x", Operation: "publish"})
	if c.code != exitcode.Failure || !strings.Contains(c.err.Error(), "known only to Ably and cannot be checked locally") || c.stdout != "" {
		t.Errorf("exit %d (%v), stdout %q", c.code, c.err, c.stdout)
	}
	noSecrets(t, r, opaque)
	noSecrets(t, j, opaque)
	noSecrets(t, c, opaque)
}

func TestInspectTokenInput(t *testing.T) {
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{})
	for _, c := range []struct {
		name, arg, stdin, env string
		code                  int
		err                   string
	}{
		{"stdin", "-", "\n  " + tok + "\n", "", 0, ""},
		{"argument wins over ABLY_TOKEN", tok, "", "not a token", 0, ""},
		{"nothing", "", "", "", exitcode.Usage, `no token: give TOKEN, "-" to read it from stdin, or set ABLY_TOKEN`},
		{"empty stdin", "-", " \n", tok, exitcode.Usage, "stdin is empty: pipe a token in"},
		{"stdin too large", "-", strings.Repeat("a", maxStdinToken+1), "", exitcode.Usage, "stdin holds more than 64 KiB: give one token"},
		{"two tokens", "-", tok + "\n" + tok, "", exitcode.Usage, "the token from stdin holds spaces: give one token"},
		{"an API key", "", "", inspectKey, exitcode.Usage, "the token from ABLY_TOKEN is not a token but looks like an API key"},
		{"control characters", "abc\x1bdef", "", "", exitcode.Usage, "the token from the TOKEN argument holds characters no Ably token or JWT has"},
		{"a broken JWT", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "", "", exitcode.Auth,
			"the token from the TOKEN argument: the token's JWT header has no kid"},
		{"bad claims", "eyJraWQiOiJhLmIifQ.bm90IGpzb24.c2ln", "", "", exitcode.Auth,
			"the token from the TOKEN argument: the token's JWT claims are not a valid JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runInspect(t, map[string]string{"ABLY_TOKEN": c.env}, c.stdin, output.Human, inspectOptions{Arg: c.arg})
			if r.code != c.code {
				t.Fatalf("exit %d (%v), want %d", r.code, r.err, c.code)
			}
			if c.code == 0 && !strings.Contains(r.stdout, "Key name:   appA.keyA\n") {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			if c.code != 0 && (!strings.HasPrefix(r.err.Error(), c.err) || r.stdout != "") {
				t.Errorf("error %q, want it to start %q; stdout %q", r.err, c.err, r.stdout)
			}
			noSecrets(t, r, tok, "inspectSecret")
		})
	}
}

// The flags are checked before anything is read.
func TestInspectTokenFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"--channel", "x"}, "--channel and --operation go together: give both"},
		{[]string{"--operation", "publish"}, "--channel and --operation go together: give both"},
		{[]string{"--channel", "", "--operation", "publish"}, "--channel is empty"},
		{[]string{"--channel", "x", "--operation", "publsh"}, `--operation "publsh" is not a capability operation: did you mean "publish"?`},
		{[]string{"--channel", "x", "--operation", "Publish"}, `--operation "Publish" is not a capability operation: did you mean "publish"? (operations are lower case)`},
		{[]string{"--channel", "x", "--operation", "*"}, "--operation takes one operation: subscribe, publish,"},
		{[]string{"a", "b"}, "inspect-token takes one TOKEN, got 2 arguments"},
	} {
		res := plugintest.Options{Vars: map[string]string{"ABLY_TOKEN": "appA.opaque"}}.Run(t, Plugin(), append([]string{"inspect-token"}, c.args...)...)
		if res.Code != exitcode.Usage || !strings.Contains(res.Stderr, c.err) || res.Stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, res.Code, res.Stdout, res.Stderr, c.err)
		}
	}
	// The whole plugin, end to end: the argument, --api-key and --channel reach the run.
	tok := inspectJWT(t, inspectKey, ablyauth.JWTRequest{})
	res := plugintest.Options{Now: func() time.Time { return inspectNow }}.Run(t, Plugin(), "inspect-token", tok, "--api-key", inspectKey, "--channel", "x", "--operation", "presence")
	if res.Code != 0 || !strings.Contains(res.Stdout, "verified with key appA.keyA from --api-key\n"+`allowed: the token may enter the presence of "x"`+"\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", res.Code, res.Stdout, res.Stderr)
	}
}
