package ablyauth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/golang-jwt/jwt/v5"
)

func TestResourceMatches(t *testing.T) {
	for _, tc := range []struct {
		resource, channel string
		want              bool
	}{
		{"*", "chat", true},
		{"*", "chat:a:b", true},
		{"*", "a:b:c", true},
		{"*", "[meta]log", false},
		{"*", "[meta]", false},
		{"chat", "chat", true},
		{"chat", "chat:a", false},
		{"chat", "chats", false},
		{"chat:*", "chat:a", true},
		{"chat:*", "chat:a:b", true},
		{"chat:*", "chat", false},
		{"chat:*", "chatter:a", false},
		{"chat:*", "status:chat:a", false},
		{"chat:a:*", "chat:a:b", true},
		{"chat:a:*", "chat:b:c", false},
		{"a:b:c", "a:b:c", true},
		{"a:b:c", "a:b", false},
		{"chat*", "chatter", false}, // a "*" not after ":" is a literal name
		{"chat*", "chat*", true},
		{"[meta]*", "[meta]log", true},
		{"[meta]*", "[meta]connection.lifecycle", true},
		{"[meta]*", "log", false},
		{"[meta]log", "[meta]log", true},
		{"[meta]log", "[meta]log:push", false},
		{"[meta]log:*", "[meta]log:push", true},
		{"[meta]log", "log", false},
		{"[*]*", "[meta]log", true},
		{"[*]*", "chat:a", true},
		{"[*]*", "[meta]", true},
		{"[*]log", "[meta]log", true},
		{"[*]log", "log", true},
		{"[*]log", "[meta]other", false},
		{"[meta]*", "[other]log", false},
		{"[meta", "[meta", true}, // no closing bracket: an ordinary name
		{"", "", true},
	} {
		if got := ResourceMatches(tc.resource, tc.channel); got != tc.want {
			t.Errorf("ResourceMatches(%q, %q) = %v, want %v", tc.resource, tc.channel, got, tc.want)
		}
	}
}

func TestAllows(t *testing.T) {
	c := Capability{"chat:*": {"publish", "subscribe"}, "status:*": {"subscribe"}, "[meta]log": {"*"}}
	for _, tc := range []struct {
		channel, op string
		want        bool
	}{
		{"chat:1", "publish", true},
		{"chat:1", "subscribe", true},
		{"chat:1", "history", false},
		{"status:1", "subscribe", true},
		{"status:1", "publish", false},
		{"[meta]log", "history", true},
		{"[meta]log", "subscribe", true},
		{"other", "subscribe", false},
	} {
		if got := c.Allows(tc.channel, tc.op); got != tc.want {
			t.Errorf("Allows(%q, %q) = %v, want %v", tc.channel, tc.op, got, tc.want)
		}
	}
	if !c.AllowsAny("publish") || c.AllowsAny("channel-metadata") == false && !c.Allows("[meta]log", "channel-metadata") {
		t.Error("AllowsAny: publish is granted on chat:*, channel-metadata through [meta]log's *")
	}
	if (Capability{"chat:*": {"publish"}}).AllowsAny("channel-metadata") {
		t.Error("AllowsAny(channel-metadata) with only publish granted")
	}
	if c, err := ParseCapability(DefaultCapability); err != nil || !c.Allows("any:thing", "message-delete-any") || c.Allows("[meta]log", "history") {
		t.Errorf("the default capability: every op on every unqualified channel, not meta ones (%v)", err)
	}
}

func TestSummary(t *testing.T) {
	c := Capability{"status:*": {"subscribe"}, "chat:*": {"publish", "subscribe"}}
	if got, want := c.Summary(), "chat:* [publish subscribe], status:* [subscribe]"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if got := (Capability{}).Summary(); got != "nothing" {
		t.Errorf("empty Summary() = %q", got)
	}
}

func TestClientID(t *testing.T) {
	rnd := strings.NewReader("\x01\x02\x03\x04")
	for asked, want := range map[string]string{"none": "", "None": "", "NONE": "", "bob": "bob", "*": "*"} {
		if got, err := ClientID(asked, rnd); err != nil || got != want {
			t.Errorf("ClientID(%q) = %q, %v; want %q", asked, got, err, want)
		}
	}
	if got, err := ClientID("", rnd); err != nil || got != "ably-cli-01020304" {
		t.Errorf("ClientID(\"\") = %q, %v", got, err)
	}
	if _, err := ClientID("", strings.NewReader("")); err == nil {
		t.Error("ClientID with exhausted randomness succeeded")
	}
}

var testKey = Key{AppID: "xVLyHw", KeyID: "A-pwh7", Secret: "topsecret-value"}

func issueTest(t *testing.T, now time.Time, c Capability, clientID string, ttl time.Duration) JWT {
	t.Helper()
	tok, err := Issuer{Now: func() time.Time { return now }, Rand: strings.NewReader("abcd")}.
		Issue(testKey, JWTRequest{Capability: c, ClientID: clientID, TTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestReadJWT(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	issued := issueTest(t, now, Capability{"chat:*": {"publish"}}, "alice", time.Hour)
	got, err := ReadJWT(issued.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got.KeyName != "xVLyHw.A-pwh7" || got.AppID != "xVLyHw" || got.ClientID != "alice" ||
		!got.IssuedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) || got.Capability.JSON() != `{"chat:*":["publish"]}` {
		t.Fatalf("ReadJWT = %+v", got)
	}
	if VerifyJWT(issued.Token, testKey) != nil {
		t.Fatal("VerifyJWT refused the key's own token")
	}

	// A capability given as an object, a newer operation, no client ID.
	objectCap := sign(t, jwt.MapClaims{"iat": 1, "exp": 2, "x-ably-capability": map[string]any{"*": []string{"future-op"}}}, "xVLyHw.A-pwh7", testKey.Secret)
	if got, err := ReadJWT(objectCap); err != nil || got.Capability.JSON() != `{"*":["future-op"]}` || got.ClientID != "" {
		t.Fatalf("object capability: %+v %v", got, err)
	}
	// No capability claim is Ably's default.
	if got, err := ReadJWT(sign(t, jwt.MapClaims{"exp": 2}, "a.b", "s")); err != nil || !got.Capability.Allows("x", "publish") {
		t.Fatalf("no capability claim: %+v %v", got, err)
	}

	for _, opaque := range []string{"xVLyHw.DfAKX9aXkYhU", "abc", "", "a.b.c.d", "!!.b.c", "YWJj.e30.sig"} {
		if _, err := ReadJWT(opaque); !errors.Is(err, ErrNotJWT) {
			t.Errorf("ReadJWT(%q) = %v, want ErrNotJWT", opaque, err)
		}
	}
	for name, broken := range map[string]string{
		"no kid":          sign(t, jwt.MapClaims{"exp": 2}, "", "s"),
		"kid not a name":  sign(t, jwt.MapClaims{"exp": 2}, "nodot", "s"),
		"bad exp":         sign(t, jwt.MapClaims{"exp": "soon"}, "a.b", "s"),
		"bad capability":  sign(t, jwt.MapClaims{"x-ably-capability": "[1,2]"}, "a.b", "s"),
		"capability num":  sign(t, jwt.MapClaims{"x-ably-capability": 3}, "a.b", "s"),
		"claims not json": "eyJraWQiOiJhLmIifQ.bm90IGpzb24.sig",
		"claims base64":   "eyJraWQiOiJhLmIifQ.!!!.sig",
		"header not json": "e30x.e30.sig",
	} {
		_, err := ReadJWT(broken)
		if err == nil || errors.Is(err, ErrNotJWT) {
			t.Errorf("%s: ReadJWT = %v, want a clear error", name, err)
			continue
		}
		if strings.Contains(err.Error(), broken) || strings.Contains(err.Error(), strings.Split(broken, ".")[1]) {
			t.Errorf("%s: the error %q reveals the token", name, err)
		}
	}
}

func TestVerifyJWT(t *testing.T) {
	issued := issueTest(t, time.Now(), nil, "", time.Hour)
	other := Key{AppID: "xVLyHw", KeyID: "other", Secret: testKey.Secret}
	if err := VerifyJWT(issued.Token, other); err == nil || !strings.Contains(err.Error(), "signed with key xVLyHw.A-pwh7, not xVLyHw.other") {
		t.Errorf("another key: %v", err)
	}
	wrong := Key{AppID: testKey.AppID, KeyID: testKey.KeyID, Secret: "another-secret"}
	if err := VerifyJWT(issued.Token, wrong); err == nil || !strings.Contains(err.Error(), "does not match key xVLyHw.A-pwh7") {
		t.Errorf("wrong secret: %v", err)
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"exp": 2})
	none.Header["kid"] = testKey.Name()
	unsigned, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err := VerifyJWT(unsigned, testKey); err == nil {
		t.Error("an unsigned token verified")
	}
	if err := VerifyJWT("opaque.token", testKey); !errors.Is(err, ErrNotJWT) {
		t.Errorf("opaque: %v", err)
	}
}

func TestCheck(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	tok := issueTest(t, now, Capability{"chat:*": {"publish", "subscribe"}, "status:*": {"subscribe"}}, "", time.Hour)
	grants := ": it grants chat:* [publish subscribe], status:* [subscribe]"
	for _, tc := range []struct {
		at      time.Time
		channel string
		ops     []string
		code    int
		msg     string
	}{
		{now, "chat:1", []string{"publish"}, 0, ""},
		{now, "chat:1", []string{"publish", "subscribe"}, 0, ""},
		{now, "status:1", []string{"publish"}, exitcode.Permission, `the token may not publish to "status:1"` + grants},
		{now, "chat:1", []string{"publish", "history"}, exitcode.Permission, `the token may not read the history of "chat:1"` + grants},
		{now, "x", []string{"subscribe"}, exitcode.Permission, `the token may not subscribe to "x"` + grants},
		{now, "x", []string{"presence"}, exitcode.Permission, `the token may not enter the presence of "x"` + grants},
		{now, "x", []string{"channel-metadata"}, exitcode.Permission, `the token may not read the metadata of "x"` + grants},
		{now, "chat:1", []string{"message-update-own"}, exitcode.Permission, `the token may not message-update-own on "chat:1"` + grants},
		{now, "", []string{"channel-metadata"}, exitcode.Permission, `the token may not use channel-metadata on any channel` + grants},
		{now, "", []string{"publish"}, 0, ""},
		{now.Add(time.Hour + 5*time.Minute), "chat:1", []string{"publish"}, exitcode.Auth,
			"the token expired at 2026-12-03T08:00:00Z (5m ago): issue a new one with 'ably auth issue-jwt-token'"},
		{now.Add(time.Hour), "chat:1", []string{"publish"}, exitcode.Auth,
			"the token expired at 2026-12-03T08:00:00Z (0s ago): issue a new one with 'ably auth issue-jwt-token'"},
	} {
		err := tok.Check(tc.at, tc.channel, tc.ops...)
		if got := exitcode.Of(err); got != tc.code || (err != nil && err.Error() != tc.msg) {
			t.Errorf("Check(%s, %q, %v) = %d %v\nwant %d %s", tc.at.Format(time.Kitchen), tc.channel, tc.ops, got, err, tc.code, tc.msg)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", 62 * time.Minute: "1h2m", 49 * time.Hour: "49h", 30 * time.Second: "30s",
		90 * time.Second: "1m30s", 10 * time.Second: "10s", 1500 * time.Millisecond: "2s",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// sign makes an HS256 JWT with the given claims and kid ("" leaves kid out).
func sign(t *testing.T, claims jwt.MapClaims, kid, secret string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
