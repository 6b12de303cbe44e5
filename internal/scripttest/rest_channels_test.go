package scripttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func testJWT(header, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	signed := enc([]byte(header)) + "." + enc([]byte(claims))
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(signed))
	return signed + "." + enc(mac.Sum(nil))
}

func TestBearerSummary(t *testing.T) {
	tok := testJWT(`{"alg":"HS256","typ":"JWT","kid":"app.key"}`,
		`{"iat":1000,"exp":4600,"x-ably-capability":"{\"chat:*\": [\"publish\"]}","x-ably-clientId":"alice"}`)
	bare := testJWT(`{"alg":"HS256","kid":"app.key"}`, `{"iat":1000,"exp":1060}`)
	cases := []struct{ header, want, fails string }{
		{"Bearer " + tok, `kid=app.key clientId=alice capability={"chat:*":["publish"]} exp-iat=3600s`, ""},
		{"Bearer " + base64.StdEncoding.EncodeToString([]byte(tok)), `kid=app.key clientId=alice capability={"chat:*":["publish"]} exp-iat=3600s`, ""},
		{"Bearer " + bare, `kid=app.key clientId=- capability=- exp-iat=60s`, ""},
		{"", "", "not \"Bearer TOKEN\""},
		{"Basic YTpi", "", "not \"Bearer TOKEN\""},
		{"Bearer app.opaque-token", "", "not an Ably JWT"},
		{"Bearer " + testJWT(`{"alg":"none","kid":"k"}`, `{"iat":1,"exp":2}`), "", "HS256"},
	}
	for _, c := range cases {
		got, err := bearerSummary(c.header)
		if c.fails != "" {
			if err == nil || !strings.Contains(err.Error(), c.fails) {
				t.Errorf("bearerSummary(%q) = %q, %v; want an error with %q", c.header, got, err, c.fails)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("bearerSummary(%q) = %q, %v; want %q", c.header, got, err, c.want)
		}
		if strings.Contains(got, tok) || strings.Contains(got, "secret") {
			t.Errorf("the summary shows the token: %q", got)
		}
	}
}
