package resttest

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
)

// The macs below were computed with openssl, outside any Go code:
//
//	printf 'app1.key1\n3600000\n{"*":["*"]}\nalice\n1700000000000\n0123456789abcdef\n' |
//	    openssl dgst -sha256 -hmac s3cr3t -binary | base64
func TestMACKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		name, text, mac string
	}{
		{"every field", macText("app1.key1", 3600000, `{"*":["*"]}`, "alice", 1700000000000, "0123456789abcdef"), "V9XwMUEFfgkHNR/VJfe4zkR8zrS2emt7oezXFA9HJNE="},
		{"no ttl, no client ID", macText("app1.key1", 0, `{"*":["*"]}`, "", 1700000000000, "0123456789abcdef"), "1l/KaKook4ne+jHtR+nfRV4vp+5GDvrlmFrWFwKp/7M="},
	} {
		if !macValid("s3cr3t", c.text, c.mac) {
			t.Errorf("%s: the right mac is refused", c.name)
		}
	}
}

// TestMACRejectsBadSignatures: a mac refused for the wrong secret, a changed byte, a changed
// field, or not being base64 at all.
func TestMACRejectsBadSignatures(t *testing.T) {
	text := macText("app1.key1", 3600000, `{"*":["*"]}`, "alice", 1700000000000, "0123456789abcdef")
	good := "V9XwMUEFfgkHNR/VJfe4zkR8zrS2emt7oezXFA9HJNE="
	raw, _ := base64.StdEncoding.DecodeString(good)
	raw[0] ^= 1
	flipped := base64.StdEncoding.EncodeToString(raw)

	for _, c := range []struct {
		name, secret, text, mac string
	}{
		{"other secret", "s3cr3T", text, good},
		{"one bit changed", "s3cr3t", text, flipped},
		{"truncated", "s3cr3t", text, base64.StdEncoding.EncodeToString(raw[:31])},
		{"not base64", "s3cr3t", text, "not a mac!"},
		{"empty", "s3cr3t", text, ""},
		{"other key name", "s3cr3t", macText("app1.key2", 3600000, `{"*":["*"]}`, "alice", 1700000000000, "0123456789abcdef"), good},
		{"other ttl", "s3cr3t", macText("app1.key1", 3600001, `{"*":["*"]}`, "alice", 1700000000000, "0123456789abcdef"), good},
		{"other capability", "s3cr3t", macText("app1.key1", 3600000, `{"*":["publish"]}`, "alice", 1700000000000, "0123456789abcdef"), good},
		{"other client ID", "s3cr3t", macText("app1.key1", 3600000, `{"*":["*"]}`, "bob", 1700000000000, "0123456789abcdef"), good},
		{"other timestamp", "s3cr3t", macText("app1.key1", 3600000, `{"*":["*"]}`, "alice", 1700000000001, "0123456789abcdef"), good},
		{"other nonce", "s3cr3t", macText("app1.key1", 3600000, `{"*":["*"]}`, "alice", 1700000000000, "0123456789abcdeF"), good},
	} {
		if macValid(c.secret, c.text, c.mac) {
			t.Errorf("%s: a bad signature is accepted", c.name)
		}
	}
}

// The server refuses a token request whose mac is wrong by one bit, although everything
// else about it is right.
func TestRequestTokenRejectsABadSignature(t *testing.T) {
	now := time.Now()
	srv := New()
	defer srv.Close()
	srv.AddKey(Key{Key: testKey})
	r := signed(t, now, testKey, ablyauth.TokenParams{TTL: time.Hour})
	raw, _ := base64.StdEncoding.DecodeString(r.MAC)
	raw[len(raw)-1] ^= 0x80
	r.MAC = base64.StdEncoding.EncodeToString(raw)
	if a := post(t, srv, "/keys/app1.key1/requestToken", r); a.status != 401 || a.code() != CodeInvalidCredentials {
		t.Fatalf("%d %v, want 401 with code %d", a.status, a.body, CodeInvalidCredentials)
	}
	if n := len(srv.Tokens()); n != 0 {
		t.Fatalf("%d tokens issued", n)
	}
}

func TestReadCredentials(t *testing.T) {
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		header string
		want   credentials
		ok     bool
	}{
		{basic("app1.key1:s3cr3t"), credentials{basic: true, keyName: "app1.key1", secret: "s3cr3t"}, true},
		{"basic " + base64.StdEncoding.EncodeToString([]byte("a.b:c:d")), credentials{basic: true, keyName: "a.b", secret: "c:d"}, true},
		{"Bearer app1.tok", credentials{token: "app1.tok"}, true},
		{"Basic !!!", credentials{}, false},
		{basic("no-colon"), credentials{}, false},
		{basic("app1.key1:"), credentials{}, false},
		{"Bearer ", credentials{}, false},
		{"Digest x", credentials{}, false},
	} {
		r, _ := http.NewRequest("POST", "http://x/", nil)
		r.Header.Set("Authorization", c.header)
		got, err := readCredentials(r)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v, ok %v", c.header, got, err, c.want, c.ok)
		}
	}
	r, _ := http.NewRequest("POST", "http://x/", nil)
	if _, err := readCredentials(r); err != errNoCredentials {
		t.Errorf("no header: %v", err)
	}
}

// Bearer tokens are checked against those the server issued, raw or base64 as the SDKs send
// them; revokeTokens still wants the key.
func TestBearerCredentials(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := now
	srv := New(WithClock(func() time.Time { return clock }))
	defer srv.Close()
	srv.AddKey(Key{Key: testKey, RevocableTokens: true})
	if a := post(t, srv, "/keys/app1.key1/requestToken", signed(t, now, testKey, ablyauth.TokenParams{TTL: time.Minute})); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	tok := srv.Tokens()[0].Token
	revoke := map[string]any{"targets": []string{"clientId:a"}}

	for name, c := range map[string]struct {
		header string
		code   int
	}{
		"a token, raw":       {"Bearer " + tok, CodeUnauthorized},
		"a token, base64":    {"Bearer " + base64.StdEncoding.EncodeToString([]byte(tok)), CodeUnauthorized},
		"an unknown token":   {"Bearer app1.forged", CodeTokenUnrecognised},
		"malformed basic":    {"Basic %%%", CodeInvalidCredentials},
		"an unknown scheme":  {"Token " + tok, CodeInvalidCredentials},
		"a wrong key secret": {"Basic " + base64.StdEncoding.EncodeToString([]byte("app1.key1:S3CR3T")), CodeInvalidCredentials},
	} {
		a := postWithHeader(t, srv, "/keys/app1.key1/revokeTokens", revoke, c.header)
		if a.status != 401 || a.code() != c.code {
			t.Errorf("revokeTokens with %s: %d %v, want 401 with code %d", name, a.status, a.body, c.code)
		}
	}

	// A token request may carry credentials; they must be good.
	if a := postWithHeader(t, srv, "/keys/app1.key1/requestToken", signed(t, now, testKey, ablyauth.TokenParams{TTL: time.Minute}), "Bearer "+tok); a.status != 200 {
		t.Errorf("requestToken with a good token: %d %v", a.status, a.body)
	}
	if a := postWithHeader(t, srv, "/keys/app1.key1/requestToken", signed(t, now, testKey, ablyauth.TokenParams{TTL: time.Minute}), "Bearer app1.forged"); a.status != 401 || a.code() != CodeTokenUnrecognised {
		t.Errorf("requestToken with a forged token: %d %v", a.status, a.body)
	}
	clock = now.Add(time.Hour)
	if a := postWithHeader(t, srv, "/keys/app1.key1/revokeTokens", revoke, "Bearer "+tok); a.status != 401 || a.code() != CodeTokenExpired {
		t.Errorf("an expired token: %d %v", a.status, a.body)
	}
}
