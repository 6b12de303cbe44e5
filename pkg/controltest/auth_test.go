package controltest_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
)

// endpoint is one operation and the capability Ably's access-token table says it needs.
type endpoint struct {
	method, path, capability, body string
}

// endpoints lists every operation with the capability it needs ("" for any valid token),
// following the seed's table: read:app lists apps, write:app creates, updates and deletes
// them (and uploads APNs certificates), and so on down to read:stats.
func endpoints(appID string) []endpoint {
	a := "/apps/" + appID
	return []endpoint{
		{"GET", "/me", "", ""},
		{"GET", "/accounts/acc-1/apps", "read:app", ""},
		{"POST", "/accounts/acc-1/apps", "write:app", `{"name":"New"}`},
		{"PATCH", a, "write:app", `{"tlsOnly":true}`},
		{"POST", a + "/pkcs12", "write:app", ""},
		{"GET", "/accounts/acc-1/stats", "read:stats", ""},
		{"GET", a + "/stats", "read:stats", ""},
		{"GET", a + "/keys", "read:key", ""},
		{"POST", a + "/keys", "write:key", `{"name":"k","capability":{"*":["*"]}}`},
		{"PATCH", a + "/keys/KEYID", "write:key", `{"name":"k2"}`},
		{"POST", a + "/keys/KEYID/revoke", "write:key", ""},
		{"GET", a + "/namespaces", "read:namespace", ""},
		{"POST", a + "/namespaces", "write:namespace", `{"id":"new"}`},
		{"PATCH", a + "/namespaces/ns", "write:namespace", `{"persisted":true}`},
		{"DELETE", a + "/namespaces/ns", "write:namespace", ""},
		{"GET", a + "/queues", "read:queue", ""},
		{"POST", a + "/queues", "write:queue", `{"name":"q2","ttl":1,"maxLength":1,"region":"eu-west-1-a"}`},
		{"DELETE", a + "/queues/" + appID + ":us-east-1-a:q", "write:queue", ""},
		{"GET", a + "/rules", "read:rule", ""},
		{"POST", a + "/rules", "write:rule", `{"ruleType":"http","target":{"url":"https://x","format":"json"}}`},
		{"GET", a + "/rules/RULEID", "read:rule", ""},
		{"PATCH", a + "/rules/RULEID", "write:rule", `{"status":"disabled"}`},
		{"DELETE", a + "/rules/RULEID", "write:rule", ""},
		{"DELETE", a, "write:app", ""},
	}
}

// TestCapabilities: each operation answers 403 to a token holding every capability but the
// one it needs, and works for a token holding only that one.
func TestCapabilities(t *testing.T) {
	for _, e := range endpoints("APP") {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			srv := newServer(t)
			app := srv.AddApp("", controltest.App{ID: "APP", Name: "A"})
			srv.AddKey(app.ID, controltest.Key{ID: "KEYID", Name: "k"})
			srv.AddNamespace(app.ID, controltest.Namespace{ID: "ns"})
			srv.AddQueue(app.ID, controltest.Queue{Name: "q"})
			srv.AddRule(app.ID, `{"id":"RULEID","ruleType":"http","target":{"url":"https://x","format":"json"}}`)

			others := slices.DeleteFunc(controltest.AllCapabilities(), func(c string) bool { return c == e.capability })
			srv.SetToken(controltest.Token{Value: "without", Capabilities: others})
			srv.SetToken(controltest.Token{Value: "only", Capabilities: []string{e.capability}})
			if e.capability == "" {
				srv.SetToken(controltest.Token{Value: "only"})
			}

			call := func(token string) response {
				if e.path == "/apps/APP/pkcs12" {
					return uploadP12As(t, srv, token, app.ID)
				}
				return send(t, srv, token, e.method, e.path, e.body)
			}
			if e.capability != "" {
				r := want(t, call("without"), 403)
				if eb := r.errorBody(t); eb.Code != controltest.CodeForbidden || !strings.Contains(eb.Message, e.capability) {
					t.Errorf("403 body %+v: want code 40300 and the capability named", eb)
				}
			}
			if r := call("only"); r.status >= 400 {
				t.Errorf("with only %q: status %d: %s", e.capability, r.status, r.body)
			}
		})
	}
}

func TestAuthFailures(t *testing.T) {
	srv := newServer(t)
	past := time.Now().Add(-time.Minute)
	future := time.Now().Add(time.Hour)
	srv.SetToken(controltest.Token{Value: "expired", ExpiresAt: &past, Capabilities: controltest.AllCapabilities()})
	srv.SetToken(controltest.Token{Value: "fresh", ExpiresAt: &future, Capabilities: controltest.AllCapabilities()})
	srv.SetToken(controltest.Token{Value: "doomed", Capabilities: controltest.AllCapabilities()})
	srv.RevokeToken("doomed")

	for _, c := range []struct {
		token  string
		status int
		code   int
		msg    string
	}{
		{"", 401, controltest.CodeUnauthorized, "Bearer"},
		{"nobody-knows-me", 401, controltest.CodeTokenError, "not recognised"},
		{"expired", 401, controltest.CodeTokenExpired, "expired"},
		{"doomed", 401, controltest.CodeTokenRevoked, "revoked"},
		{"fresh", 200, 0, ""},
	} {
		r := send(t, srv, c.token, "GET", "/accounts/acc-1/apps", "")
		if r.status != c.status {
			t.Errorf("token %q: status %d, want %d (%s)", c.token, r.status, c.status, r.body)
			continue
		}
		if c.status == 200 {
			continue
		}
		eb := r.errorBody(t)
		if eb.Code != c.code || eb.StatusCode != c.status || !strings.Contains(eb.Message, c.msg) ||
			eb.Href != "https://help.ably.io/error/"+strconv.Itoa(c.code) {
			t.Errorf("token %q: error %+v, want code %d mentioning %q", c.token, eb, c.code, c.msg)
		}
	}

	// A scheme other than Bearer is no token at all.
	req, _ := http.NewRequest("GET", srv.URL+"/me", nil)
	req.Header.Set("Authorization", "Basic "+controltest.DefaultToken)
	if eb := want(t, do(t, srv, req), 401).errorBody(t); eb.Code != controltest.CodeUnauthorized {
		t.Errorf("Basic auth: %+v", eb)
	}
}

func TestMe(t *testing.T) {
	now := time.Date(2026, 4, 17, 12, 0, 0, 0, time.UTC)
	srv := newServer(t, controltest.WithClock(func() time.Time { return now }))
	exp := now.Add(30 * 24 * time.Hour)
	srv.SetToken(controltest.Token{Value: "t2", ID: "77", Name: "CI", Capabilities: []string{"read:app"}, ExpiresAt: &exp})

	var me struct {
		Token struct {
			ID           string   `json:"id"`
			Name         string   `json:"name"`
			Capabilities []string `json:"capabilities"`
			ExpiresAt    *string  `json:"expires_at"`
			LastUsedAt   *string  `json:"last_used_at"`
		} `json:"token"`
		User struct {
			ID    int    `json:"id"`
			Email string `json:"email"`
		} `json:"user"`
		Account struct{ ID, Name string } `json:"account"`
	}
	want(t, api(t, srv, "GET", "/me", ""), 200).decode(t, &me)
	if me.Token.ID != "tok-1" || me.Token.Name != "Test token" || len(me.Token.Capabilities) != 11 ||
		me.Token.ExpiresAt != nil || me.Token.LastUsedAt != nil {
		t.Errorf("default token: %+v", me.Token)
	}
	if me.User.ID != 123 || me.User.Email != "user@example.com" || me.Account.ID != "acc-1" || me.Account.Name != "Test Account" {
		t.Errorf("user/account: %+v %+v", me.User, me.Account)
	}
	// The second call reports the first as the last use.
	want(t, api(t, srv, "GET", "/me", ""), 200).decode(t, &me)
	if me.Token.LastUsedAt == nil || *me.Token.LastUsedAt != "2026-04-17T12:00:00Z" {
		t.Errorf("last_used_at = %v", me.Token.LastUsedAt)
	}

	want(t, send(t, srv, "t2", "GET", "/me", ""), 200).decode(t, &me)
	if me.Token.ID != "77" || me.Token.Name != "CI" || !slices.Equal(me.Token.Capabilities, []string{"read:app"}) ||
		me.Token.ExpiresAt == nil || *me.Token.ExpiresAt != "2026-05-17T12:00:00Z" {
		t.Errorf("t2: %+v", me.Token)
	}
	if tok, ok := srv.Token("t2"); !ok || tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(now) {
		t.Errorf("Token(t2) = %+v, %v", tok, ok)
	}
}

// TestExpiryFollowsTheClock: a token works until its expiry and gets 401 from then on.
func TestExpiryFollowsTheClock(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	srv := newServer(t, controltest.WithClock(func() time.Time { return time.Unix(0, clock.Load()) }))
	exp := now.Add(time.Hour)
	srv.SetToken(controltest.Token{Value: "short", ExpiresAt: &exp})
	want(t, send(t, srv, "short", "GET", "/me", ""), 200)
	clock.Store(exp.Add(-time.Nanosecond).UnixNano())
	want(t, send(t, srv, "short", "GET", "/me", ""), 200)
	clock.Store(exp.UnixNano())
	want(t, send(t, srv, "short", "GET", "/me", ""), 401)
}

// TestAccountsAreSeparate: a token sees only its own account's apps; another account's are
// as absent as missing ones.
func TestAccountsAreSeparate(t *testing.T) {
	srv := newServer(t)
	srv.AddAccount(controltest.Account{ID: "acc-2", Name: "Other"})
	srv.SetToken(controltest.Token{Value: "other", AccountID: "acc-2", Capabilities: controltest.AllCapabilities()})
	mine := srv.AddApp("", controltest.App{Name: "Mine"})
	theirs := srv.AddApp("acc-2", controltest.App{Name: "Theirs"})

	var apps []controltest.App
	want(t, send(t, srv, "other", "GET", "/accounts/acc-2/apps", ""), 200).decode(t, &apps)
	if len(apps) != 1 || apps[0].ID != theirs.ID {
		t.Errorf("acc-2 apps: %+v", apps)
	}
	r := want(t, send(t, srv, "other", "GET", "/accounts/acc-1/apps", ""), 404)
	if eb := r.errorBody(t); eb.Code != controltest.CodeNotFound || !strings.Contains(eb.Message, `account "acc-1"`) {
		t.Errorf("other account: %+v", eb)
	}
	r = want(t, send(t, srv, "other", "GET", "/apps/"+mine.ID+"/keys", ""), 404)
	if eb := r.errorBody(t); !strings.Contains(eb.Message, mine.ID) {
		t.Errorf("other account's app: %+v", eb)
	}
	want(t, send(t, srv, "other", "DELETE", "/apps/"+mine.ID, ""), 404)
	want(t, send(t, srv, "other", "GET", "/accounts/acc-1/stats", ""), 404)
	if len(srv.Apps()) != 2 {
		t.Errorf("apps after a refused delete: %+v", srv.Apps())
	}
}
