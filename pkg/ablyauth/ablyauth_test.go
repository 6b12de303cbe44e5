package ablyauth

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestParseKey(t *testing.T) {
	k, err := ParseKey("xVLyHw.A-pwh7:Tq5c+secret/=")
	if err != nil {
		t.Fatal(err)
	}
	if k.AppID != "xVLyHw" || k.KeyID != "A-pwh7" || k.Secret != "Tq5c+secret/=" || k.Name() != "xVLyHw.A-pwh7" {
		t.Fatalf("got %+v", k)
	}
	if strings.Contains(k.String(), "Tq5c") {
		t.Fatalf("String() shows the secret: %s", k)
	}
	for _, bad := range []string{"", "abc", "a.b", "a.b:", ".b:s", "a.:s", "ab:s", "a b.c:s", "a.b:s s", "a.b:s\n", "a.b.c:s"} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) succeeded, want an error", bad)
		}
	}
	_, err = ParseKey("a.b:topsecret value")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("error %v must exist and not contain the secret", err)
	}
}

func TestParseCapability(t *testing.T) {
	c, err := ParseCapability(`{"chat:*":["publish","subscribe"], "status:*":["subscribe"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.JSON(), `{"chat:*":["publish","subscribe"],"status:*":["subscribe"]}`; got != want {
		t.Fatalf("JSON() = %s, want %s", got, want)
	}
	// The default takes a short cut past the JSON decoder; it must mean what the JSON says.
	def, err := ParseCapability(DefaultCapability)
	if err != nil {
		t.Fatal(err)
	}
	spaced, err := ParseCapability(" " + DefaultCapability)
	if err != nil {
		t.Fatal(err)
	}
	if def.JSON() != spaced.JSON() || def.JSON() != DefaultCapability {
		t.Errorf("the default capability parses to %s, the same decoded to %s; want both %s", def.JSON(), spaced.JSON(), DefaultCapability)
	}
	errs := map[string]string{
		``:                                "empty",
		`null`:                            "not null",
		`{}`:                              "grants nothing",
		`{"a":[]}`:                        `"a" has no operations`,
		`{"a":null}`:                      `"a" has no operations`,
		`{"":["publish"]}`:                "empty resource name",
		`{"a":["publsh"]}`:                `did you mean "publish"?`,
		`{"a":["PUBLISH"]}`:               `did you mean "publish"?`,
		`{"a":["zzzzzzzzzz"]}`:            "known operations are subscribe",
		`{"a":["publish"],}`:              "line 1, column 18",
		"{\n\"a\":\n[1]}":                 `"a": operations must be strings, found a JSON number`,
		"{\"a\":[\"publish\"],\n\"b\" 1}": "line 2, column 5",
		`{"a":"publish"}`:                 `"a" must be an array`,
		`[]`:                              "found a JSON array",
		`{"a":["publish"]} x`:             "not valid JSON",
		`{"a":["publish"`:                 "ends early at line 1, column 16",
	}
	for in, want := range errs {
		_, err := ParseCapability(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCapability(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestParseCapabilityDuplicateResource(t *testing.T) {
	cases := map[string]string{
		`{"chat":["publish"],"chat":["subscribe"]}`: `capability names resource "chat" twice (again at line 1, column 21): give each resource once, with all its operations in one array, e.g. {"chat":["publish","subscribe"]}`,
		// Names are compared decoded; the position is the repeated name's opening quote.
		"{\"a\":[\"*\"],\n  \"chat\":[\"publish\"],\n  \"\\u0063hat\":[\"publish\",\"history\"]}": `resource "chat" twice (again at line 3, column 3): give each resource once, with all its operations in one array, e.g. {"chat":["publish","history"]}`,
		// An escaped quote inside the repeated name does not fool the position.
		`{"a\"b":["publish"], "a\"b":["publish"]}`: `resource "a\"b" twice (again at line 1, column 22)`,
		// Not arrays of strings: no merged example, and the duplicate is still what is named.
		`{"x":["publish"],"x":1}`: `resource "x" twice (again at line 1, column 18): give each resource once, with all its operations in one array`,
		// A third time is the second time that is named.
		`{"x":["publish"],"y":["publish"],"x":["publish"],"y":["history"]}`: `resource "x" twice (again at line 1, column 34)`,
	}
	for in, want := range cases {
		_, err := ParseCapability(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCapability(%q) = %v, want an error containing %q", in, err, want)
		}
	}
	if _, err := ParseCapability(`{"x":["publish"],"x":1}`); err != nil && strings.Contains(err.Error(), "e.g.") {
		t.Errorf("a merged example of entries that are not all arrays: %v", err)
	}
	// Nested names (inside an operations array there are none) and names that differ only
	// in case are distinct resources.
	c, err := ParseCapability(`{"chat":["publish"],"Chat":["subscribe"]}`)
	if err != nil || len(c) != 2 {
		t.Errorf("resources differing in case: %v, %v", c, err)
	}
	// Syntax errors are still reported as such, even with a repeated name before them.
	if _, err := ParseCapability(`{"a":["publish"],"a":["publish"],}`); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("a syntax error after a repeated name: %v", err)
	}
}

func TestIssue(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	is := Issuer{Now: func() time.Time { return now }, Rand: bytes.NewReader([]byte{0xde, 0xad, 0xbe, 0xef})}
	key := Key{AppID: "app", KeyID: "key", Secret: "sekrit"}
	tok, err := is.Issue(key, JWTRequest{Capability: Capability{"c": {"publish"}}, TTL: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok.Token, claims, func(*jwt.Token) (any, error) { return []byte("sekrit"), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	if parsed.Header["kid"] != "app.key" || parsed.Header["typ"] != "JWT" {
		t.Fatalf("header %v", parsed.Header)
	}
	want := map[string]any{"iat": float64(now.Unix()), "exp": float64(now.Unix() + 90),
		"x-ably-capability": `{"c":["publish"]}`, "x-ably-clientId": "ably-cli-deadbeef"}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	if len(claims) != len(want) {
		t.Errorf("claims %v, want exactly %v", claims, want)
	}

	tok, err = is.Issue(key, JWTRequest{ClientID: NoClientID, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	payload := decodePayload(t, tok.Token)
	if _, ok := payload["x-ably-clientId"]; ok || payload["x-ably-capability"] != `{"*":["*"]}` {
		t.Fatalf("payload %v: want no client ID and the default capability", payload)
	}
	if _, err := is.Issue(key, JWTRequest{TTL: 0}); err == nil {
		t.Fatal("a zero TTL must be refused")
	}
}

func decodePayload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	b, err := jwt.NewParser().DecodeSegment(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// BenchmarkIssue measures in-process JWT issuing (target: at most 20 µs a token).
func BenchmarkIssue(b *testing.B) {
	is := NewIssuer()
	key := Key{AppID: "app", KeyID: "key", Secret: "0123456789abcdef0123456789abcdef"}
	req := JWTRequest{Capability: Capability{"chat:*": {"publish", "subscribe"}}, TTL: time.Hour}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Issue(key, req); err != nil {
			b.Fatal(err)
		}
	}
}
