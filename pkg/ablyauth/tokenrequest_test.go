package ablyauth

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestTokenRequest(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	random := append([]byte{0xde, 0xad, 0xbe, 0xef}, []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f")...)
	is := Issuer{Now: func() time.Time { return now }, Rand: bytes.NewReader(random)}
	key := Key{AppID: "app", KeyID: "key", Secret: "sekrit"}
	r, err := is.TokenRequest(key, TokenParams{Capability: Capability{"c": {"publish"}}, TTL: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := TokenRequest{
		KeyName: "app.key", TTL: 90000, Capability: `{"c":["publish"]}`, ClientID: "ably-cli-deadbeef",
		Timestamp: 1767323045000, Nonce: "000102030405060708090a0b0c0d0e0f",
		// Computed independently: printf '<signing text>' | openssl dgst -sha256 -hmac sekrit -binary | base64
		MAC: "nMxkTF5rMfwP4IRCNy5z/adMVbZE5eiCyAFKrUVoA0Y=",
	}
	if r != want {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
	if !r.Verify("sekrit") || r.Verify("other") {
		t.Fatal("Verify must accept the key's secret and only it")
	}
	for name, tamper := range map[string]func(*TokenRequest){
		"ttl":        func(r *TokenRequest) { r.TTL++ },
		"capability": func(r *TokenRequest) { r.Capability = `{"*":["*"]}` },
		"clientId":   func(r *TokenRequest) { r.ClientID = "" },
		"timestamp":  func(r *TokenRequest) { r.Timestamp++ },
		"nonce":      func(r *TokenRequest) { r.Nonce = "x" + r.Nonce[1:] },
		"keyName":    func(r *TokenRequest) { r.KeyName = "app.other" },
	} {
		c := r
		tamper(&c)
		if c.Verify("sekrit") {
			t.Errorf("a request with a changed %s still verifies", name)
		}
	}

	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "sekrit") || !strings.Contains(string(data), `"capability":"{\"c\":[\"publish\"]}"`) {
		t.Fatalf("JSON %s: want the capability as a string and no secret", data)
	}
}

func TestTokenRequestDefaults(t *testing.T) {
	is := Issuer{Now: time.Now, Rand: bytes.NewReader(make([]byte, 64))}
	key := Key{AppID: "app", KeyID: "key", Secret: "s"}
	r, err := is.TokenRequest(key, TokenParams{ClientID: NoClientID, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientID != "" || r.Capability != DefaultCapability || len(r.Nonce) < 16 {
		t.Fatalf("got %+v: want no client ID, the default capability and a nonce of 16+ characters", r)
	}
	if got := r.SigningText(); !strings.HasPrefix(got, "app.key\n3600000\n"+DefaultCapability+"\n\n") || strings.Count(got, "\n") != 6 {
		t.Fatalf("signing text %q", got)
	}
	if _, err := is.TokenRequest(key, TokenParams{TTL: 0}); err == nil {
		t.Fatal("a zero TTL must be refused")
	}
	if _, err := (Issuer{Now: time.Now, Rand: bytes.NewReader(nil)}).TokenRequest(key, TokenParams{TTL: time.Hour}); err == nil {
		t.Fatal("a failing random source must be an error")
	}
}
