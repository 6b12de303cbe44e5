package emulator

import (
	"context"
	"strings"
	"testing"
)

func TestParseSeedRefusals(t *testing.T) {
	cases := map[string]string{
		"": "empty: a seed is a JSON object",
		"{\n  \"apps\": [\n    {\"name\": \"A\",}\n  ]\n}":                                 "seed.json: line 3: invalid character '}'",
		"{\n\"apps\": [{\"name\": \"A\", \"colour\": 1}]}":                                 "seed.json: line 2: unknown field \"colour\"",
		`{"apps": [{"name": 3}]}`:                                                          "line 1: apps.name must be string, not number",
		`{"apps": [{"name": " "}]}`:                                                        "apps[0]: no name",
		`{"apps": [{"id": "a b", "name": "A"}]}`:                                           `apps[0]: id "a b": want letters, digits`,
		`{"apps": [{"id": "a1", "name": "A"}, {"id": "a1", "name": "B"}]}`:                 `apps[1]: id "a1": two apps have it`,
		`{"apps": [{"id": "a1", "name": "A", "keys": [{"key": "b1.k1:s"}]}]}`:              `apps[0].keys[0]: key b1.k1 is not of app "a1"`,
		`{"apps": [{"id": "a1", "name": "A", "keys": [{"key": "nocolon"}]}]}`:              "apps[0].keys[0]: key: want APPID.KEYID:SECRET",
		`{"apps": [{"name": "A", "keys": [{"capability": {"*": ["publsh"]}}]}]}`:           "apps[0].keys[0]: capability:",
		`{"apps": [{"name": "A", "namespaces": [{"id": "a:b"}]}]}`:                         `apps[0].namespaces[0]: id "a:b"`,
		`{"accessTokens": [{"token": "short"}]}`:                                           "accessTokens[0]: token: want at least 16 characters",
		`{"accessTokens": [{"token": "0123456789abcdef", "capabilities": ["read:apps"]}]}`: `accessTokens[0]: capability "read:apps": want one of read:app`,
		`{} {}`: "line 1: more after the seed's object",
	}
	for in, want := range cases {
		_, err := ParseSeed("seed.json", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want it to say %q", in, err, want)
		}
	}
}

func TestSeededApps(t *testing.T) {
	sd, err := ParseSeed("seed.json", []byte(`{
		"account": {"id": "acme01", "name": "Acme"},
		"user": {"email": "dev@acme.example"},
		"apps": [
			{"id": "chat01", "name": "Chat", "keys": [
				{"name": "Pub", "key": "chat01.pub001:pubSecret", "capability": {"chat:*": ["publish"]}},
				{"name": "Sub", "key": "chat01.sub001:subSecret", "capability": {"chat:*": ["subscribe", "history"]}}],
			 "namespaces": [{"id": "chat", "persisted": true}]},
			{"name": "Other"}],
		"accessTokens": [
			{"token": "ci-token-0123456789", "name": "CI", "capabilities": ["read:app"]},
			{"token": "old-token-0123456789", "name": "Old", "expiresAt": "2020-01-01T00:00:00Z"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	emu, err := Start(Options{Addr: "127.0.0.1:0", Seed: sd})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Shutdown(context.Background())
	if s := emu.Seeded; s.APIKey != "chat01.pub001:pubSecret" || s.AccessToken != "ci-token-0123456789" || s.AppID != "chat01" || s.AccountID != "acme01" {
		t.Fatalf("seeded %+v", s)
	}
	if code, body := do(t, "GET", emu.ControlURL()+"/me", "Bearer ci-token-0123456789", nil); code != 200 || !strings.Contains(string(body), `"dev@acme.example"`) || !strings.Contains(string(body), `"Acme"`) {
		t.Errorf("GET /me: %d %s", code, body)
	}
	if code, _ := do(t, "GET", emu.ControlURL()+"/accounts/acme01/apps", "Bearer ci-token-0123456789", nil); code != 200 {
		t.Errorf("list apps with read:app: %d", code)
	}
	if code, _ := do(t, "POST", emu.ControlURL()+"/accounts/acme01/apps", "Bearer ci-token-0123456789", map[string]string{"name": "x"}); code != 403 {
		t.Errorf("create an app without write:app: %d, want 403", code)
	}
	if code, _ := do(t, "GET", emu.ControlURL()+"/me", "Bearer old-token-0123456789", nil); code != 401 {
		t.Errorf("an expired token: %d, want 401", code)
	}
	if code, _ := do(t, "POST", emu.URL+"/channels/chat:1/messages", basic("chat01.pub001:pubSecret"), map[string]string{"data": "x"}); code != 201 {
		t.Errorf("publish with the publish key: %d", code)
	}
	if code, _ := do(t, "POST", emu.URL+"/channels/chat:1/messages", basic("chat01.sub001:subSecret"), map[string]string{"data": "x"}); code != 401 {
		t.Errorf("publish with the subscribe key: %d, want 401", code)
	}
	if code, _ := do(t, "GET", emu.URL+"/channels/chat:1/messages", basic("chat01.sub001:subSecret"), nil); code != 200 {
		t.Errorf("history with the subscribe key: %d", code)
	}
}
