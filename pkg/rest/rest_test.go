package rest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

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
		{401, nil, `{"error":{"message":"Unable to perform channel operation","code":40160,"statusCode":401}}`, exitcode.Permission, 40160, "the API key may not do it: Unable to perform channel operation: its capability"},
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

// TestCallShape: the protocol headers, both kinds of credentials, and retries for reads (and
// POSTs marked idempotent) only.
func TestCallShape(t *testing.T) {
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Clone(context.Background()))
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	base, _ := BaseURL(srv.URL)
	c, err := New(Options{BaseURL: base, Retry: httpcore.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ OK bool }
	if err := c.Post(context.Background(), "do it", []string{"keys", "app.key", "x"}, KeyAuth("app.key", "sekrit"), map[string]int{"a": 1}, &out); err != nil || !out.OK {
		t.Fatalf("post: %v %+v", err, out)
	}
	r := got[0]
	if user, pass, ok := r.BasicAuth(); !ok || user != "app.key" || pass != "sekrit" || r.Header.Get("X-Ably-Version") != APIVersion ||
		r.Header.Get("Content-Type") != "application/json" || r.URL.EscapedPath() != "/keys/app.key/x" {
		t.Errorf("post request %s %v", r.URL, r.Header)
	}
	if err := c.Do(context.Background(), Call{What: "read", Method: http.MethodGet, Segments: []string{"time"}, Auth: TokenAuth("tok")}, nil); err != nil {
		t.Fatal(err)
	}
	if h := got[1].Header.Get("Authorization"); h != "Bearer dG9r" {
		t.Errorf("token auth %q, want the token base64-encoded", h)
	}
	fail := url.Values{"fail": {"1"}}
	for _, tc := range []struct {
		call     Call
		attempts int
	}{
		{Call{What: "read", Method: http.MethodGet, Query: fail}, 4},
		{Call{What: "revoke", Method: http.MethodPost, Query: fail}, 1},
		{Call{What: "publish", Method: http.MethodPost, Query: fail, Idempotent: true}, 4},
	} {
		got = nil
		if err := c.Do(context.Background(), tc.call, nil); exitcode.Of(err) != exitcode.Network || len(got) != tc.attempts {
			t.Errorf("%s: %v after %d attempts, want exit 6 after %d", tc.call.What, err, len(got), tc.attempts)
		}
	}
}
