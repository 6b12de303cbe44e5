package resttest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

const testKey = "app1.key1:s3cr3t"

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (a answer) code() int {
	e, _ := a.body["error"].(map[string]any)
	n, _ := e["code"].(float64)
	return int(n)
}

func post(t *testing.T, srv *Server, path string, body any, basic ...string) answer {
	t.Helper()
	header := ""
	if len(basic) == 2 {
		header = "Basic " + base64.StdEncoding.EncodeToString([]byte(basic[0]+":"+basic[1]))
	}
	return postWithHeader(t, srv, path, body, header)
}

// postWithHeader posts body (JSON, or []byte as is) with an Authorization header unless
// header is "".
func postWithHeader(t *testing.T, srv *Server, path string, body any, header string) answer {
	t.Helper()
	data, ok := body.([]byte)
	if !ok {
		var err error
		if data, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, body: map[string]any{}}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("%s: body %q is not a JSON object", path, raw)
	}
	return a
}

func signed(t *testing.T, now time.Time, key string, p ablyauth.TokenParams) ablyauth.TokenRequest {
	t.Helper()
	k, err := ablyauth.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ablyauth.Issuer{Now: func() time.Time { return now }, Rand: rand.Reader}.TokenRequest(k, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequestTokenAcceptsASignedRequest(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := New(WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddKey(Key{Key: testKey})

	r := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:*": {"publish"}}, ClientID: "alice", TTL: time.Minute})
	a := post(t, srv, "/keys/app1.key1/requestToken", r)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %v", a.status, a.body)
	}
	tok, _ := a.body["token"].(string)
	if !strings.HasPrefix(tok, "app1.") || a.body["keyName"] != "app1.key1" || a.body["clientId"] != "alice" ||
		a.body["capability"] != `{"chat:*":["publish"]}` ||
		a.body["issued"] != float64(now.UnixMilli()) || a.body["expires"] != float64(now.Add(time.Minute).UnixMilli()) {
		t.Fatalf("TokenDetails %v", a.body)
	}
	if got := srv.Tokens(); len(got) != 1 || got[0].Token != tok {
		t.Fatalf("Tokens() = %+v", got)
	}

	// The same request again is a replay.
	if a := post(t, srv, "/keys/app1.key1/requestToken", r); a.status != 401 || a.code() != CodeNonceReplayed {
		t.Fatalf("replay: %d %v", a.status, a.body)
	}
}

func TestRequestTokenRejects(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := New(WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddKey(Key{Key: testKey, Capability: map[string][]string{"chat:*": {"subscribe", "publish"}}})
	srv.AddKey(Key{Key: "app1.gone:x", Revoked: true})
	params := ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:room": {"subscribe"}}, TTL: time.Hour}

	tampered := signed(t, now, testKey, params)
	tampered.Capability = `{"*":["*"]}`
	oldStamp := signed(t, now.Add(-MaxClockSkew-time.Second), testKey, params)
	wrongSecret := signed(t, now, "app1.key1:guess", params)
	tooMuch := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:room": {"presence"}}, TTL: time.Hour})
	unknown := signed(t, now, "app1.nokey:s", params)
	revoked := signed(t, now, "app1.gone:x", params)
	unsigned := signed(t, now, testKey, params)
	unsigned.MAC = ""

	cases := []struct {
		name   string
		path   string
		body   any
		status int
		code   int
	}{
		{"tampered", "/keys/app1.key1/requestToken", tampered, 401, CodeInvalidCredentials},
		{"wrong secret", "/keys/app1.key1/requestToken", wrongSecret, 401, CodeInvalidCredentials},
		{"expired timestamp", "/keys/app1.key1/requestToken", oldStamp, 401, CodeTimestampNotCurrent},
		{"capability beyond the key", "/keys/app1.key1/requestToken", tooMuch, 401, CodeCapability},
		{"unknown key", "/keys/app1.nokey/requestToken", unknown, 401, CodeInvalidCredentials},
		{"revoked key", "/keys/app1.gone/requestToken", revoked, 401, CodeInvalidCredentials},
		{"no mac", "/keys/app1.key1/requestToken", unsigned, 401, CodeInvalidCredentials},
		{"other key in path", "/keys/app1.other/requestToken", signed(t, now, testKey, params), 401, CodeInvalidCredentials},
		{"not JSON", "/keys/app1.key1/requestToken", []byte("{"), 400, CodeBadRequest},
		{"bad capability", "/keys/app1.key1/requestToken", map[string]any{"keyName": "app1.key1", "capability": "[]", "nonce": "0123456789abcdef0", "timestamp": 1, "mac": "x"}, 400, CodeInvalidParam},
		{"no such route", "/keys/app1.key1/other", map[string]any{}, 404, CodeNotFound},
	}
	for _, c := range cases {
		a := post(t, srv, c.path, c.body)
		if a.status != c.status || a.code() != c.code {
			t.Errorf("%s: %d %v, want %d with code %d", c.name, a.status, a.body, c.status, c.code)
		}
		if a.header.Get("x-ably-errorcode") == "" {
			t.Errorf("%s: no x-ably-errorcode header", c.name)
		}
	}
	if n := len(srv.Tokens()); n != 0 {
		t.Fatalf("%d tokens issued by rejected requests", n)
	}
}

// The capability may come as an object (as platform-v1.yaml draws it): the mac then covers
// its compact form with sorted resources. Numbers may come as strings, as in the spec's example.
func TestRequestTokenCapabilityObject(t *testing.T) {
	now := time.Now()
	srv := New()
	defer srv.Close()
	srv.AddKey(Key{Key: testKey})
	r := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"b": {"publish"}, "a": {"subscribe"}}, ClientID: ablyauth.NoClientID, TTL: time.Hour})
	body := map[string]any{"keyName": r.KeyName, "ttl": r.TTL, "capability": map[string][]string{"b": {"publish"}, "a": {"subscribe"}},
		"timestamp": strconv.FormatInt(r.Timestamp, 10), "nonce": r.Nonce, "mac": r.MAC}
	if a := post(t, srv, "/keys/app1.key1/requestToken", body); a.status != 200 || a.body["capability"] != `{"a":["subscribe"],"b":["publish"]}` {
		t.Fatalf("%d %v", a.status, a.body)
	}
}

// A token request without a capability (as Ably's SDKs send one made without) is signed
// with an empty capability line, and the token gets the key's capability.
func TestRequestTokenWithoutCapability(t *testing.T) {
	now := time.Now()
	srv := New(WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddKey(Key{Key: testKey, Capability: map[string][]string{"chat:*": {"publish", "subscribe"}}})
	name, secret := splitKey(testKey)
	nonce := "0123456789abcdef0"
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(macText(name, 0, "", "bob", now.UnixMilli(), nonce)))
	body := map[string]any{"keyName": name, "clientId": "bob", "timestamp": now.UnixMilli(), "nonce": nonce,
		"mac": base64.StdEncoding.EncodeToString(mac.Sum(nil))}
	if a := post(t, srv, "/keys/app1.key1/requestToken", body); a.status != 200 || a.body["capability"] != `{"chat:*":["publish","subscribe"]}` || a.body["clientId"] != "bob" {
		t.Fatalf("%d %v", a.status, a.body)
	}
}

func TestKeysFromLookup(t *testing.T) {
	srv := New(WithKeys(func(name string) (Key, bool) {
		if name == "app2.k" {
			return Key{Key: "app2.k:looked-up", RevocableTokens: true}, true
		}
		return Key{}, false
	}))
	defer srv.Close()
	r := signed(t, time.Now(), "app2.k:looked-up", ablyauth.TokenParams{TTL: time.Hour})
	if a := post(t, srv, "/keys/app2.k/requestToken", r); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	if a := post(t, srv, "/keys/app2.k/revokeTokens", map[string]any{"targets": []string{"clientId:x"}}, "app2.k", "looked-up"); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
}

func TestRevokeTokens(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := New(WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddKey(Key{Key: testKey, RevocableTokens: true})
	srv.AddKey(Key{Key: "app1.plain:p"})
	path := "/keys/app1.key1/revokeTokens"

	a := post(t, srv, path, map[string]any{"targets": []string{"clientId:alice", "revocationKey:group1", "user:bob"}, "allowReauthMargin": true}, "app1.key1", "s3cr3t")
	if a.status != 200 || a.body["successCount"] != float64(2) || a.body["failureCount"] != float64(1) {
		t.Fatalf("%d %v", a.status, a.body)
	}
	results := a.body["results"].([]any)
	first := results[0].(map[string]any)
	if first["target"] != "clientId:alice" || first["issuedBefore"] != float64(now.UnixMilli()) || first["appliesAt"] != float64(now.Add(30*time.Second).UnixMilli()) {
		t.Fatalf("result %v", first)
	}
	if e := results[2].(map[string]any)["error"].(map[string]any); e["code"] != float64(CodeInvalidParam) {
		t.Fatalf("bad target: %v", e)
	}
	if got := srv.Revocations(); len(got) != 2 || got[1].Target != "revocationKey:group1" || !got[1].AllowReauthMargin {
		t.Fatalf("Revocations() = %+v", got)
	}

	for name, c := range map[string]struct {
		path   string
		body   any
		auth   []string
		status int
		code   int
	}{
		"no auth":             {path, map[string]any{"targets": []string{"clientId:a"}}, nil, 401, CodeUnauthorized},
		"wrong secret":        {path, map[string]any{"targets": []string{"clientId:a"}}, []string{"app1.key1", "nope"}, 401, CodeInvalidCredentials},
		"another key":         {path, map[string]any{"targets": []string{"clientId:a"}}, []string{"app1.plain", "p"}, 401, CodeInvalidCredentials},
		"not revocable":       {"/keys/app1.plain/revokeTokens", map[string]any{"targets": []string{"clientId:a"}}, []string{"app1.plain", "p"}, 400, CodeBadRequest},
		"no targets":          {path, map[string]any{"targets": []string{}}, []string{"app1.key1", "s3cr3t"}, 400, CodeInvalidParam},
		"future issuedBefore": {path, map[string]any{"targets": []string{"clientId:a"}, "issuedBefore": now.Add(time.Minute).UnixMilli()}, []string{"app1.key1", "s3cr3t"}, 400, CodeInvalidParam},
	} {
		a := post(t, srv, c.path, c.body, c.auth...)
		if a.status != c.status || a.code() != c.code {
			t.Errorf("%s: %d %v, want %d with code %d", name, a.status, a.body, c.status, c.code)
		}
	}
}

func TestFaultsAndLog(t *testing.T) {
	srv := New()
	defer srv.Close()
	srv.AddKey(Key{Key: testKey})
	srv.AddFault(Fault{Method: "POST", Path: "/keys/*/requestToken", Status: 503, Times: 1})
	r := signed(t, time.Now(), testKey, ablyauth.TokenParams{TTL: time.Hour})
	if a := post(t, srv, "/keys/app1.key1/requestToken", r); a.status != 503 || a.code() != 50300 {
		t.Fatalf("fault: %d %v", a.status, a.body)
	}
	if a := post(t, srv, "/keys/app1.key1/requestToken", r); a.status != 200 {
		t.Fatalf("after the fault: %d %v", a.status, a.body)
	}
	got := srv.RequestsMatching("POST", "/keys/*/requestToken")
	if len(got) != 2 || got[0].Status != 503 || got[1].Status != 200 || got[1].Path != "/keys/app1.key1/requestToken" {
		t.Fatalf("log %+v", got)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests after ResetRequests", n)
	}
}
