package realtime

import (
	"net/url"
	"strings"
	"testing"
)

func TestConnectURL(t *testing.T) {
	base, _ := url.Parse("https://main.realtime.ably.net")
	local, _ := url.Parse("http://127.0.0.1:8080/base?x=1")
	for _, tc := range []struct {
		base *url.URL
		p    ConnectParams
		want string
	}{
		{base, ConnectParams{Key: "app.key:secret", ClientID: "bob", Echo: true, Heartbeats: true, Agent: "ably-cli-go/1.0"},
			"wss://main.realtime.ably.net/?agent=ably-cli-go%2F1.0&clientId=bob&echo=true&format=json&heartbeats=true&key=app.key%3Asecret&v=6"},
		{local, ConnectParams{Token: "eyJ.x.y", ClientID: "ignored", Resume: "ck-1"},
			"ws://127.0.0.1:8080/?access_token=eyJ.x.y&echo=false&format=json&heartbeats=false&resume=ck-1&v=6"},
	} {
		u, err := tc.p.URL(tc.base)
		if err != nil || u.String() != tc.want {
			t.Errorf("URL(%+v) = %v, %v\nwant %s", tc.p, u, err, tc.want)
		}
	}
	for _, bad := range []ConnectParams{{}, {Key: "a.b:c", Token: "t"}} {
		if _, err := bad.URL(base); err == nil {
			t.Errorf("URL(%+v) succeeded", bad)
		}
	}
	ftp, _ := url.Parse("ftp://example.com")
	if _, err := (ConnectParams{Key: "a.b:c"}).URL(ftp); err == nil {
		t.Error("an ftp endpoint was accepted")
	}
}

func TestRedacted(t *testing.T) {
	base, _ := url.Parse("https://main.realtime.ably.net")
	for _, p := range []ConnectParams{{Key: "app.key:topsecret"}, {Token: "topsecret-token", Resume: "topsecret-resume"}} {
		u, err := p.URL(base)
		if err != nil {
			t.Fatal(err)
		}
		got := Redacted(u)
		if strings.Contains(got, "topsecret") || !strings.Contains(got, "[REDACTED]") {
			t.Errorf("Redacted = %s", got)
		}
		if p.Key != "" && !strings.Contains(got, "key=app.key:[REDACTED]") && !strings.Contains(got, "key=app.key%3A[REDACTED]") {
			t.Errorf("Redacted = %s: want the key's name kept", got)
		}
	}
}
