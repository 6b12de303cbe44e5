package rest

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestNextLink(t *testing.T) {
	base, _ := url.Parse("https://rest.example.com")
	requested, _ := url.Parse("https://rest.example.com/channels/a/messages?limit=2")
	for _, tc := range []struct {
		name   string
		values []string
		want   string // "" none; "error" refused
	}{
		{"none", nil, ""},
		{"relative, as Ably sends", []string{`<./messages?limit=2&start=5&cursor=x>; rel="next"`}, "https://rest.example.com/channels/a/messages?limit=2&start=5&cursor=x"},
		{"joined with others", []string{`<./messages?limit=2>; rel="first", <./messages?limit=2>; rel="current", <./messages?cursor=a,b>; rel="next"`}, "https://rest.example.com/channels/a/messages?cursor=a,b"},
		{"one header each", []string{`<./messages?limit=2>; rel="first"`, `</channels/a/messages?cursor=abc>;rel=next`}, "https://rest.example.com/channels/a/messages?cursor=abc"},
		{"no next: the last page", []string{`<./messages?limit=2>; rel="first", <./messages?limit=2>; rel="current"`}, ""},
		{"several rels", []string{`<./messages?c=1>; rel="last next"`}, "https://rest.example.com/channels/a/messages?c=1"},
		{"another host", []string{`<https://evil.example/messages?c=1>; rel="next"`}, "error"},
		{"down to http", []string{`<http://rest.example.com/messages?c=1>; rel="next"`}, "error"},
		{"broken", []string{`<./messages?c=1; rel="next"`}, ""},
	} {
		got, err := nextLink(tc.values, requested, base)
		switch {
		case tc.want == "error" && err == nil:
			t.Errorf("%s: %v, want refused", tc.name, got)
		case tc.want == "error":
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "" && got != nil:
			t.Errorf("%s: %v, want no next page", tc.name, got)
		case tc.want != "" && (got == nil || got.String() != tc.want):
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
		}
	}
}

// DoPage follows the Link header from page to page, sending the client ID and the version
// asked for on every request.
func TestDoPageFollowsLinks(t *testing.T) {
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Clone(context.Background()))
		switch r.URL.Query().Get("cursor") {
		case "":
			w.Header().Set("Link", `<./messages?cursor=2>; rel="next"`)
			_, _ = w.Write([]byte(`[1,2]`))
		case "2":
			w.Header().Add("Link", `<./messages?cursor=2>; rel="current"`)
			w.Header().Add("Link", `</channels/a%3Ab/messages?cursor=3>; rel="next"`)
			_, _ = w.Write([]byte(`[3]`))
		default:
			_, _ = w.Write([]byte(`[4]`))
		}
	}))
	defer srv.Close()
	base, _ := BaseURL(srv.URL)
	c, err := New(Options{BaseURL: base, Version: DataPlaneVersion})
	if err != nil {
		t.Fatal(err)
	}
	call := Call{What: "read history", Method: http.MethodGet, Segments: []string{"channels", "a:b", "messages"},
		Auth: KeyAuth("app.key", "s").WithClientID("jo€")}
	var all []int
	for page := 0; ; page++ {
		var items []int
		p, err := c.DoPage(context.Background(), call, &items)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items...)
		if !p.HasNext() {
			break
		}
		call.Link = p.Next
	}
	if len(all) != 4 || len(seen) != 3 {
		t.Fatalf("items %v over %d requests, want 4 over 3", all, len(seen))
	}
	wantClient := base64.StdEncoding.EncodeToString([]byte("jo€"))
	for i, r := range seen {
		if r.Header.Get("X-Ably-ClientId") != wantClient || r.Header.Get("X-Ably-Version") != DataPlaneVersion {
			t.Errorf("request %d: client ID %q, version %q", i, r.Header.Get("X-Ably-ClientId"), r.Header.Get("X-Ably-Version"))
		}
		if r.URL.Path != "/channels/a:b/messages" {
			t.Errorf("request %d went to %s", i, r.URL)
		}
	}
	// A token carries its own client ID: none is added.
	seen = nil
	if err := c.Do(context.Background(), Call{What: "x", Method: http.MethodGet, Auth: TokenAuth("t").WithClientID("jo")}, nil); err != nil {
		t.Fatal(err)
	}
	if h := seen[0].Header.Get("X-Ably-ClientId"); h != "" {
		t.Errorf("token auth sent X-Ably-ClientId %q", h)
	}
}

func TestDoPageRefusesALinkElsewhere(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://elsewhere.example/messages>; rel="next"`)
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	base, _ := BaseURL(srv.URL)
	c, _ := New(Options{BaseURL: base})
	var items []int
	if _, err := c.DoPage(context.Background(), Call{What: "read history", Method: http.MethodGet}, &items); exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "elsewhere.example") {
		t.Errorf("link to another host: %v, want exit 6 naming it", err)
	}
}
