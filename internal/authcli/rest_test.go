package authcli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/resttest"
)

func TestRESTBaseURL(t *testing.T) {
	good := map[string]string{
		"":                          "https://rest.ably.io",
		"rest.example.com":          "https://rest.example.com",
		"rest.example.com:8443":     "https://rest.example.com:8443",
		"https://rest.example.com/": "https://rest.example.com",
		"https://e.example/base/":   "https://e.example/base",
		"http://127.0.0.1:8080":     "http://127.0.0.1:8080",
		"http://localhost":          "http://localhost",
		"http://[::1]:9":            "http://[::1]:9",
	}
	for in, want := range good {
		u, err := restBaseURL(in)
		if err != nil || u.String() != want {
			t.Errorf("restBaseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"http://rest.example.com", "ftp://x", "a/b", "https://u:p@x", "https://x?q=1", "https://", "a b"} {
		if _, err := restBaseURL(in); exitcode.Of(err) != exitcode.Usage {
			t.Errorf("restBaseURL(%q) error %v, want a usage error", in, err)
		}
	}
}

func TestRESTStatusError(t *testing.T) {
	wrapped := `{"error":{"message":"Invalid credentials.","code":40101,"statusCode":401,"href":"https://help.ably.io/error/40101"}}`
	cases := []struct {
		status int
		header http.Header
		body   string
		code   int
		ably   int
		msg    string
	}{
		{401, nil, wrapped, exitcode.Auth, 40101, "the API key was not accepted: Invalid credentials; check the key"},
		{401, nil, `{"message":"bare","code":40140,"statusCode":401}`, exitcode.Auth, 40140, ": bare;"},
		{403, http.Header{"X-Ably-Errorcode": {"40300"}, "X-Ably-Errormessage": {"from headers"}}, "", exitcode.Permission, 40300, "may not do it: from headers"},
		{404, nil, "", exitcode.NotFound, 0, "not found"},
		{400, nil, wrapped, exitcode.Usage, 40101, "(400)"},
		{429, nil, "", exitcode.Network, 0, "rate limiting"},
		{503, nil, "<html>", exitcode.Network, 0, "(the error body was not an Ably error)"},
		{302, nil, "", exitcode.Failure, 0, "unexpected answer"},
	}
	for _, c := range cases {
		err := restStatusError("do it", c.status, c.header, []byte(c.body))
		var e *exitcode.Error
		if !errors.As(err, &e) || e.Code != c.code || e.AblyCode != c.ably || e.StatusCode != c.status || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%d %s: got %+v, want exit %d, Ably code %d, message containing %q", c.status, c.body, err, c.code, c.ably, c.msg)
		}
	}
}

// TestIssueAblyTokenRequest checks the token request sent, byte for byte, and that the fake
// REST API accepts it.
func TestIssueAblyTokenRequest(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := resttest.New(resttest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: "app.key:sekrit"})
	r := runner{now: now, vars: map[string]string{"ABLY_ENDPOINT": srv.URL, "ABLY_API_KEY": "app.key:sekrit"},
		rand: func() io.Reader {
			return bytes.NewReader(append([]byte{0xde, 0xad, 0xbe, 0xef}, []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f")...))
		}}
	code, stdout, stderr := r.run(t, "issue-ably-token", "--capability", `{"c":["publish"]}`, "--ttl", "90", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/keys/app.key/requestToken" {
		t.Fatalf("requests %+v", reqs)
	}
	// The same request as pkg/ablyauth's test vector, whose mac was computed with openssl.
	want := `{"keyName":"app.key","ttl":90000,"capability":"{\"c\":[\"publish\"]}","clientId":"ably-cli-deadbeef",` +
		`"timestamp":1767323045000,"nonce":"000102030405060708090a0b0c0d0e0f","mac":"nMxkTF5rMfwP4IRCNy5z/adMVbZE5eiCyAFKrUVoA0Y="}`
	if got := string(reqs[0].Body); got != want {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
	var res issuedToken
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	tok := srv.Tokens()[0]
	if res.Token != tok.Token || res.Type != "ably" || res.AppID != "app" || res.KeyName != "app.key" || *res.ClientID != "ably-cli-deadbeef" ||
		res.Capability.JSON() != `{"c":["publish"]}` || res.IssuedAt != "2026-01-02T03:04:05Z" || res.ExpiresAt != "2026-01-02T03:05:35Z" || res.TTL != 90 {
		t.Fatalf("result %+v", res)
	}
}

// The REST API's word wins: the capability and times it answered are what is shown.
func TestTokenResultFromAnswer(t *testing.T) {
	key := ablyauth.Key{AppID: "app", KeyID: "k", Secret: "s"}
	td := tokenDetails{Token: "t", KeyName: "app.k", Issued: 1000, Expires: 61000, Capability: `{"x":["subscribe"]}`}
	res := tokenResult(td, key, ablyauth.Capability{"*": {"*"}})
	if res.Capability.JSON() != `{"x":["subscribe"]}` || res.TTL != 60 || res.ClientID != nil {
		t.Fatalf("%+v", res)
	}
	td.Capability = "not json"
	if res := tokenResult(td, key, ablyauth.Capability{"*": {"*"}}); res.Capability.JSON() != `{"*":["*"]}` {
		t.Fatalf("unreadable capability: %+v", res)
	}
}
