package rest

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
)

// The rules are httpcore.Base's (tested there); the REST API's default has no path.
func TestBaseURLDefault(t *testing.T) {
	for in, want := range map[string]string{"": "https://rest.ably.io", "rest.example.com": "https://rest.example.com"} {
		if u, err := BaseURL(in); err != nil || u.String() != want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	if _, err := BaseURL("http://rest.example.com"); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("plain http to another host: %v, want a usage error", err)
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
	base, _ := BaseURL("")
	client, err := New(Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		err := client.statusError(Call{What: "do it", Auth: KeyAuth("app.key", "secret")}, &httpcore.Response{Status: c.status, Header: c.header, Body: []byte(c.body)})
		var e *exitcode.Error
		if !errors.As(err, &e) || e.Code != c.code || e.AblyCode != c.ably || e.StatusCode != c.status || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%d %s: got %+v, want exit %d, Ably code %d, message containing %q", c.status, c.body, err, c.code, c.ably, c.msg)
		}
	}
}
