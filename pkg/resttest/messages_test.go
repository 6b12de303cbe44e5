package resttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func TestChannelAuth(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	name, secret := splitKey(testKey)
	srv.AddKey(Key{Key: "app1.narrow:nsecret", Capability: map[string][]string{"chat:*": {"publish"}}})
	srv.AddKey(Key{Key: "app1.gone:gsecret", Revoked: true})

	good := makeJWT(name, secret, jwtClaimsFor(now, `{"chat:*":["publish"]}`, ""))
	expired := makeJWT(name, secret, map[string]any{"iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})
	badSig := makeJWT(name, "not-the-secret", jwtClaimsFor(now, "", ""))
	unknownKid := makeJWT("app1.nokey", secret, jwtClaimsFor(now, "", ""))
	revokedKid := makeJWT("app1.gone", "gsecret", jwtClaimsFor(now, "", ""))
	noExp := makeJWT(name, secret, map[string]any{"iat": now.Unix()})
	badCap := makeJWT(name, secret, jwtClaimsFor(now, `["publish"]`, ""))
	parts := strings.Split(good, ".")
	noneAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"app1.key1"}`)) + "." + parts[1] + "." + parts[2]

	tr := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:a": {"publish"}}, TTL: time.Minute})
	tokRes := post(t, srv, "/keys/app1.key1/requestToken", tr)
	if tokRes.status != 200 {
		t.Fatalf("requestToken: %d %v", tokRes.status, tokRes.body)
	}
	token := tokRes.body["token"].(string)

	msg := map[string]any{"name": "n", "data": "d"}
	cases := []struct {
		name, auth, channel string
		status, code        int
		message             string
	}{
		{"no credentials", "", "chat:a", 401, 40101, "no credentials"},
		{"unknown key", basic("app1.other:x"), "chat:a", 401, 40101, "invalid credentials"},
		{"wrong secret", basic("app1.key1:wrong"), "chat:a", 401, 40101, "invalid credentials"},
		{"revoked key", basic("app1.gone:gsecret"), "chat:a", 401, 40101, "revoked"},
		{"key", basic(testKey), "chat:a", 201, 0, ""},
		{"key's capability", basic("app1.narrow:nsecret"), "chat:a", 201, 0, ""},
		{"beyond the key's capability", basic("app1.narrow:nsecret"), "other", 401, 40160, `"publish" on channel "other"`},
		{"meta channel with key of *", basic(testKey), "[meta]log", 401, 40160, `"publish" on channel "[meta]log"`},
		{"jwt", "Bearer " + good, "chat:a", 201, 0, ""},
		{"jwt in base64", "Bearer " + base64.StdEncoding.EncodeToString([]byte(good)), "chat:b", 201, 0, ""},
		{"jwt beyond its capability", "Bearer " + good, "other", 401, 40160, "action not permitted"},
		{"jwt expired", "Bearer " + expired, "chat:a", 401, 40142, "Token expired"},
		{"jwt bad signature", "Bearer " + badSig, "chat:a", 401, 40101, "signature"},
		{"jwt unknown kid", "Bearer " + unknownKid, "chat:a", 401, 40101, "app1.nokey"},
		{"jwt revoked kid", "Bearer " + revokedKid, "chat:a", 401, 40101, "revoked"},
		{"jwt without exp", "Bearer " + noExp, "chat:a", 401, 40144, "exp"},
		{"jwt bad capability", "Bearer " + badCap, "chat:a", 401, 40144, "x-ably-capability"},
		{"jwt alg none", "Bearer " + noneAlg, "chat:a", 401, 40144, "HS256"},
		{"issued token", "Bearer " + token, "chat:a", 201, 0, ""},
		{"issued token in base64", "Bearer " + base64.StdEncoding.EncodeToString([]byte(token)), "chat:a", 201, 0, ""},
		{"issued token beyond its capability", "Bearer " + token, "chat:b", 401, 40160, `channel "chat:b"`},
		{"unknown token", "Bearer nosuchtoken", "chat:a", 401, 40140, "invalid token"},
		{"not basic or bearer", "Digest x", "chat:a", 401, 40101, "neither"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, srv, "POST", "/channels/"+url.PathEscape(c.channel)+"/messages", c.auth, msg)
			if r.status != c.status || r.code() != c.code || !strings.Contains(r.message(), c.message) {
				t.Fatalf("got %d %d %q, want %d %d containing %q", r.status, r.code(), r.message(), c.status, c.code, c.message)
			}
			if strings.Contains(string(r.raw), secret) || strings.Contains(string(r.raw), token) {
				t.Fatalf("the answer leaks a secret: %s", r.raw)
			}
		})
	}

	expectViolations(t, srv, "security", "security")

	// Time passes: the same JWT and token expire.
	now = now.Add(2 * time.Hour)
	for _, auth := range []string{"Bearer " + good, "Bearer " + token} {
		if r := call(t, srv, "POST", "/channels/chat:a/messages", auth, msg); r.status != 401 || r.code() != 40142 {
			t.Errorf("after expiry: %d %s", r.status, r.raw)
		}
	}
}

func TestPublishClientID(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	name, secret := splitKey(testKey)
	alice := "Bearer " + makeJWT(name, secret, jwtClaimsFor(now, "", "alice"))
	anyone := "Bearer " + makeJWT(name, secret, jwtClaimsFor(now, "", "*"))
	cases := []struct {
		name     string
		auth     string
		headers  []string
		msg      map[string]any
		status   int
		code     int
		clientID string
	}{
		{"key, none", basic(testKey), nil, map[string]any{"data": "x"}, 201, 0, ""},
		{"key, message's own", basic(testKey), nil, map[string]any{"clientId": "zed"}, 201, 0, "zed"},
		{"key with header", basic(testKey), clientIDHeader("bob"), map[string]any{"data": "x"}, 201, 0, "bob"},
		{"key with header, same", basic(testKey), clientIDHeader("bob"), map[string]any{"clientId": "bob"}, 201, 0, "bob"},
		{"key with header, other", basic(testKey), clientIDHeader("bob"), map[string]any{"clientId": "eve"}, 400, 40012, ""},
		{"key with unicode header", basic(testKey), clientIDHeader("zoë"), map[string]any{}, 201, 0, "zoë"},
		{"key with bad header", basic(testKey), []string{"X-Ably-ClientId", "%%%"}, map[string]any{}, 400, 40003, ""},
		{"jwt", alice, nil, map[string]any{"data": "x"}, 201, 0, "alice"},
		{"jwt, same", alice, nil, map[string]any{"clientId": "alice"}, 201, 0, "alice"},
		{"jwt, other", alice, nil, map[string]any{"clientId": "mallory"}, 400, 40012, ""},
		{"jwt wildcard, other", anyone, nil, map[string]any{"clientId": "mallory"}, 201, 0, "mallory"},
		{"jwt wildcard, none", anyone, nil, map[string]any{"data": "x"}, 201, 0, ""},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := fmt.Sprintf("c%d", i)
			r := call(t, srv, "POST", "/channels/"+ch+"/messages", c.auth, c.msg, c.headers...)
			if r.status != c.status || r.code() != c.code {
				t.Fatalf("got %d %s, want %d %d", r.status, r.raw, c.status, c.code)
			}
			if c.status != 201 {
				if got := srv.Messages(ch); len(got) != 0 {
					t.Fatalf("a refused publish stored %v", got)
				}
				return
			}
			if got := srv.Messages(ch); len(got) != 1 || got[0].ClientID != c.clientID {
				t.Fatalf("stored %+v, want one with clientId %q", got, c.clientID)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	auth := basic(testKey)

	r := call(t, srv, "POST", "/channels/room/messages", auth, map[string]any{"name": "greeting", "data": "hello"})
	var res PublishResult
	r.into(t, &res)
	if r.status != 201 || res.Channel != "room" || res.MessageID == "" || len(res.Serials) != 1 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	first := res.Serials[0]

	now = now.Add(time.Millisecond)
	batch := []any{
		map[string]any{"name": "obj", "data": map[string]any{"a": 1}, "extras": map[string]any{"headers": map[string]string{"k": "v"}}},
		map[string]any{"data": []int{1, 2}, "encoding": "json"},
		map[string]any{"data": 42},
	}
	r = call(t, srv, "POST", "/channels/room/messages", auth, batch)
	r.into(t, &res)
	if r.status != 201 || len(res.Serials) != 3 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	for i, s := range append([]string{first}, res.Serials...)[1:] {
		prev := append([]string{first}, res.Serials...)[i]
		if s <= prev {
			t.Fatalf("serial %q does not follow %q", s, prev)
		}
	}
	got := srv.Messages("room")
	if len(got) != 4 {
		t.Fatalf("stored %d messages, want 4", len(got))
	}
	if got[1].ID != res.MessageID+":0" || got[3].ID != res.MessageID+":2" {
		t.Fatalf("ids %q, %q, want %s:0 and :2", got[1].ID, got[3].ID, res.MessageID)
	}
	if string(got[1].Data) != `{"a":1}` || string(got[2].Data) != `[1,2]` || got[2].Encoding != "json" || string(got[3].Data) != "42" ||
		string(got[1].Extras) != `{"headers":{"k":"v"}}` || got[0].Timestamp != t0.UnixMilli() || got[1].Timestamp != t0.UnixMilli()+1 {
		t.Fatalf("stored %+v", got)
	}
	for _, m := range got {
		if m.Action != ActionCreate || m.ConnectionID != "" || !regexp.MustCompile(`^\d{16}-\d{6}@fake$`).MatchString(m.Serial) {
			t.Fatalf("stored %+v", m)
		}
	}

	// Idempotent publishing (RSL1k): the same IDs again store nothing new.
	ided := []any{map[string]any{"id": "pub1:0", "data": "a"}, map[string]any{"id": "pub1:1", "data": "b"}}
	r = call(t, srv, "POST", "/channels/room/messages", auth, ided)
	var once PublishResult
	r.into(t, &once)
	if r.status != 201 || once.MessageID != "pub1" {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	r = call(t, srv, "POST", "/channels/room/messages", auth, ided)
	var twice PublishResult
	r.into(t, &twice)
	if r.status != 201 || fmt.Sprint(twice.Serials) != fmt.Sprint(once.Serials) || len(srv.Messages("room")) != 6 {
		t.Fatalf("a retried publish: %d %s, %d messages stored", r.status, r.raw, len(srv.Messages("room")))
	}
	// The same ID on another channel is another message.
	if r := call(t, srv, "POST", "/channels/other/messages", auth, ided[0]); r.status != 201 || len(srv.Messages("other")) != 1 {
		t.Fatalf("%d %s", r.status, r.raw)
	}

	big := strings.Repeat("x", MaxMessageSize/2)
	refused := []struct {
		name string
		body any
		code int
	}{
		{"empty array", []any{}, 40003},
		{"not JSON", []byte(`{"name":`), 40000},
		{"empty body", []byte(``), 40000},
		{"name not a string", map[string]any{"name": 5}, 40000},
		{"extras not an object", map[string]any{"extras": "x"}, 40003},
		{"too large", []any{map[string]any{"data": big}, map[string]any{"data": big, "name": "x"}}, 40009},
	}
	for _, c := range refused {
		r := call(t, srv, "POST", "/channels/refused/messages", auth, c.body)
		if r.status != 400 || r.code() != c.code {
			t.Errorf("%s: %d %s, want 400 %d", c.name, r.status, r.raw, c.code)
		}
	}
	expectViolations(t, srv, "failed to decode", "/name", "/extras")
	if len(srv.Messages("refused")) != 0 {
		t.Fatal("refused publishes stored messages")
	}
	// Exactly the limit passes.
	if r := call(t, srv, "POST", "/channels/limit/messages", auth, map[string]any{"data": strings.Repeat("y", MaxMessageSize)}); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

// history gets a page, returning the messages and the next link ("" for none).
func history(t *testing.T, srv *Server, auth, path string) ([]Message, string, reply) {
	t.Helper()
	r := call(t, srv, "GET", path, auth, nil)
	if r.status != 200 {
		return nil, "", r
	}
	var page []Message
	r.into(t, &page)
	return page, nextLink(t, path, r.header.Get("Link")), r
}

// nextLink resolves a Link header's next link against the request path.
func nextLink(t *testing.T, path, header string) string {
	t.Helper()
	if !strings.Contains(header, `rel="first"`) || !strings.Contains(header, `rel="current"`) {
		t.Fatalf("Link %q lacks first or current", header)
	}
	m := regexp.MustCompile(`<([^>]*)>; rel="next"`).FindStringSubmatch(header)
	if m == nil {
		return ""
	}
	base, _ := url.Parse(path)
	ref, err := url.Parse(m[1])
	if err != nil {
		t.Fatalf("next link %q: %v", m[1], err)
	}
	return base.ResolveReference(ref).String()
}

func TestHistory(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	auth := basic(testKey)
	for i := range 7 {
		srv.Publish("h", Message{Name: fmt.Sprint(i), Data: json.RawMessage(fmt.Sprintf("%q", fmt.Sprint("d", i))), Timestamp: 1000 + int64(i)*10})
	}
	names := func(ms []Message) string {
		var b []string
		for _, m := range ms {
			b = append(b, m.Name)
		}
		return strings.Join(b, ",")
	}

	page, next, _ := history(t, srv, auth, "/channels/h/messages")
	if names(page) != "6,5,4,3,2,1,0" || next != "" {
		t.Fatalf("default: %s next %q", names(page), next)
	}
	if page[0].Serial == "" || page[0].Timestamp != 1060 || string(page[0].Data) != `"d6"` || page[0].ID == "" {
		t.Fatalf("%+v", page[0])
	}
	page, _, _ = history(t, srv, auth, "/channels/h/messages?direction=forwards&start=1010&end=1040")
	if names(page) != "1,2,3,4" {
		t.Fatalf("forwards window: %s", names(page))
	}

	// Follow next links to the end, both ways.
	for _, dir := range []string{"backwards", "forwards"} {
		var all []string
		path := "/channels/h/messages?limit=3&direction=" + dir + "&start=1000"
		for path != "" {
			page, next, r := history(t, srv, auth, path)
			if r.status != 200 || len(page) > 3 {
				t.Fatalf("%s: %d %s", path, r.status, r.raw)
			}
			if next != "" && !strings.Contains(r.header.Get("Link"), "<./messages?") {
				t.Fatalf("Link %q is not relative to the request path", r.header.Get("Link"))
			}
			if next != "" && (!strings.Contains(next, "limit=3") || !strings.Contains(next, "direction="+dir) || !strings.Contains(next, "start=1000")) {
				t.Fatalf("next %q lost the query", next)
			}
			all = append(all, names(page))
			path = next
		}
		want := map[string]string{"backwards": "6,5,4|3,2,1|0", "forwards": "0,1,2|3,4,5|6"}[dir]
		if strings.Join(all, "|") != want {
			t.Fatalf("%s pages %s, want %s", dir, strings.Join(all, "|"), want)
		}
	}
	// Links make limit and direction explicit.
	if _, next, _ := history(t, srv, auth, "/channels/h/messages?limit=2"); next == "" || !strings.Contains(next, "direction=backwards") || !strings.Contains(next, "limit=2") {
		t.Fatalf("next %q", next)
	}
	// A page boundary that falls at the end gives no next link.
	if _, next, _ := history(t, srv, auth, "/channels/h/messages?limit=7"); next != "" {
		t.Fatalf("next %q after the last page", next)
	}
	// An unknown channel has no history.
	if page, next, r := history(t, srv, auth, "/channels/nothing/messages"); r.status != 200 || len(page) != 0 || next != "" || string(r.raw) != "[]\n" && string(r.raw) != "[]" {
		t.Fatalf("%d %q", r.status, r.raw)
	}

	for _, bad := range []string{"limit=0", "limit=1001", "limit=x", "direction=up", "start=x", "end=-1", "start=2000&end=1000", "cursor=!!"} {
		if _, _, r := history(t, srv, auth, "/channels/h/messages?"+bad); r.status != 400 || r.code() != 40003 {
			t.Errorf("%s: %d %s, want 400 40003", bad, r.status, r.raw)
		}
	}
	expectViolations(t, srv, `"limit"`, `"direction"`)
	if _, _, r := history(t, srv, auth, "/channels/h/messages?limit=1000"); r.status != 200 {
		t.Errorf("limit=1000: %d", r.status)
	}

	// Capabilities: history, and the [meta] qualifier.
	srv.AddKey(Key{Key: "app1.pub:p", Capability: map[string][]string{"*": {"publish"}}})
	srv.AddKey(Key{Key: "app1.meta:m", Capability: map[string][]string{"[meta]*": {"history"}}})
	srv.Publish("[meta]log", Message{Name: "log", Data: json.RawMessage(`{"level":"info"}`)})
	if _, _, r := history(t, srv, basic("app1.pub:p"), "/channels/h/messages"); r.status != 401 || r.code() != 40160 || !strings.Contains(r.message(), `"history"`) {
		t.Errorf("without history: %d %s", r.status, r.raw)
	}
	if _, _, r := history(t, srv, auth, "/channels/%5Bmeta%5Dlog/messages"); r.status != 401 || r.code() != 40160 {
		t.Errorf("[meta]log with a key of *: %d %s", r.status, r.raw)
	}
	if page, _, r := history(t, srv, basic("app1.meta:m"), "/channels/%5Bmeta%5Dlog/messages"); r.status != 200 || len(page) != 1 {
		t.Errorf("[meta]log with [meta]*: %d %s", r.status, r.raw)
	}
	if _, _, r := history(t, srv, basic("app1.meta:m"), "/channels/h/messages"); r.status != 401 {
		t.Errorf("plain channel with [meta]*: %d %s", r.status, r.raw)
	}
}

func TestSeeding(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	got := srv.Publish("s", Message{Name: "a"}, Message{ID: "mine", Name: "b", ClientID: "c", Timestamp: 5})
	if len(got) != 2 || got[0].ID == "" || got[0].Timestamp != t0.UnixMilli() || got[1].ID != "mine" || got[1].Timestamp != 5 {
		t.Fatalf("%+v", got)
	}
	again := srv.Publish("s", Message{ID: "mine", Name: "changed"})
	if again[0].Name != "b" || len(srv.Messages("s")) != 2 {
		t.Fatalf("a seeded duplicate: %+v", again)
	}
	// Oldest first: the message at timestamp 5 sorts before the one at the clock.
	if ms := srv.Messages("s"); ms[0].Name != "b" || ms[1].Name != "a" {
		t.Fatalf("%+v", ms)
	}
	if srv.Messages("none") != nil {
		t.Fatal("an unknown channel has messages")
	}
	// What Messages returns is a copy.
	ms := srv.Messages("s")
	ms[0].Name = "x"
	if srv.Messages("s")[0].Name != "b" {
		t.Fatal("Messages shares the server's state")
	}
}

// Tokens and JWTs revoked with revokeTokens no longer work on channel routes (RSA17).
func TestRevokedTokens(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	srv.AddKey(Key{Key: testKey, RevocableTokens: true})
	name, secret := splitKey(testKey)
	tr := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"*": {"*"}}, ClientID: "alice", TTL: time.Hour})
	tok := post(t, srv, "/keys/app1.key1/requestToken", tr).body["token"].(string)
	bob := "Bearer " + makeJWT(name, secret, jwtClaimsFor(now, `{"chat:*":["*"]}`, "bob"))
	carol := "Bearer " + makeJWT(name, secret, jwtClaimsFor(now, `{"news":["*"]}`, "carol"))
	publish := func(auth string) reply {
		t.Helper()
		return call(t, srv, "POST", "/channels/news/messages", auth, map[string]any{"data": "x"})
	}
	for _, a := range []string{"Bearer " + tok, carol} {
		if r := publish(a); r.status != 201 {
			t.Fatalf("before: %d %s", r.status, r.raw)
		}
	}
	now = now.Add(time.Second)
	if r := post(t, srv, "/keys/app1.key1/revokeTokens", map[string]any{"targets": []string{"clientId:alice", "channel:chat:room"}}, name, secret); r.status != 200 {
		t.Fatalf("%d %v", r.status, r.body)
	}
	if r := publish("Bearer " + tok); r.status != 401 || r.code() != 40141 {
		t.Fatalf("alice's token: %d %s", r.status, r.raw)
	}
	if r := call(t, srv, "POST", "/channels/chat:a/messages", bob, map[string]any{"data": "x"}); r.status != 401 || r.code() != 40141 {
		t.Fatalf("a JWT reaching chat:room: %d %s", r.status, r.raw)
	}
	if r := publish(carol); r.status != 201 {
		t.Fatalf("a JWT neither names: %d %s", r.status, r.raw)
	}
	// Issued after the revocation: good. With the reauth margin, the old one works 30s more.
	fresh := "Bearer " + makeJWT(name, secret, map[string]any{"iat": now.Add(time.Second).Unix(), "exp": now.Add(time.Hour).Unix(), "x-ably-clientId": "alice"})
	now = now.Add(2 * time.Second)
	if r := publish(fresh); r.status != 201 {
		t.Fatalf("fresh: %d %s", r.status, r.raw)
	}
	if r := post(t, srv, "/keys/app1.key1/revokeTokens", map[string]any{"targets": []string{"clientId:carol"}, "allowReauthMargin": true}, name, secret); r.status != 200 {
		t.Fatalf("%d %v", r.status, r.body)
	}
	if r := publish(carol); r.status != 201 {
		t.Fatalf("within the margin: %d %s", r.status, r.raw)
	}
	now = now.Add(31 * time.Second)
	if r := publish(carol); r.status != 401 || r.code() != 40141 {
		t.Fatalf("after the margin: %d %s", r.status, r.raw)
	}
	// Keys themselves are not revoked by token revocation.
	if r := publish(basic(testKey)); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

// TestRetention: a channel keeps its messages for its app's retention, then forgets them;
// another keeps them longer.
func TestRetention(t *testing.T) {
	now := t0
	srv := channelServer(t, &now, WithRetention(func(appID, channel string) time.Duration {
		if appID != "app1" {
			t.Errorf("retention asked for app %q", appID)
		}
		if strings.HasPrefix(channel, "kept:") {
			return 24 * time.Hour
		}
		return 2 * time.Minute
	}))
	auth := basic(testKey)
	for _, ch := range []string{"brief", "kept:log"} {
		if r := call(t, srv, "POST", "/channels/"+ch+"/messages", auth, map[string]string{"name": "old"}); r.status != 201 {
			t.Fatalf("publish on %s: %d", ch, r.status)
		}
	}
	now = now.Add(90 * time.Second)
	if page, _, _ := history(t, srv, auth, "/channels/brief/messages"); len(page) != 1 {
		t.Fatalf("after 90s: %d messages, want 1", len(page))
	}
	now = now.Add(time.Minute)
	if page, _, _ := history(t, srv, auth, "/channels/brief/messages"); len(page) != 0 {
		t.Fatalf("after 150s: %d messages, want none (2 minutes kept)", len(page))
	}
	if page, _, _ := history(t, srv, auth, "/channels/kept:log/messages"); len(page) != 1 {
		t.Fatalf("a channel kept a day: %d messages, want 1", len(page))
	}
	// A publish forgets what is past: the store holds only the new message.
	call(t, srv, "POST", "/channels/brief/messages", auth, map[string]string{"name": "new"})
	if got := srv.Messages("brief"); len(got) != 1 || got[0].Name != "new" {
		t.Errorf("stored after a new publish: %+v", got)
	}
}
