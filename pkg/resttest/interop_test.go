package resttest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/rest"
	"github.com/ably/ably-suite/pkg/resttest"
	"github.com/ably/ably-suite/pkg/resttest/restspec"
)

// The suite's own REST client and JWT signer work with the fake, which checks them with
// code of its own: a publish with a key and client ID, one with a JWT, and history paged
// through the Link headers the fake sends.
func TestSuiteClientInterop(t *testing.T) {
	srv := resttest.New()
	defer srv.Close()
	if path, err := restspec.Path(); err == nil {
		spec, err := restspec.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		srv.UseChecker(spec)
	}
	const key = "app1.key1:s3cr3t"
	srv.AddKey(resttest.Key{Key: key})
	base, err := rest.BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rest.New(rest.Options{BaseURL: base, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	k, _ := ablyauth.ParseKey(key)

	withKey := rest.KeyAuth(k.Name(), k.Secret).WithClientID("alice")
	var res resttest.PublishResult
	msgs := []map[string]any{{"name": "a", "data": "1"}, {"name": "b", "data": map[string]int{"n": 2}}, {"name": "c"}}
	if err := c.Post(ctx, "publish", []string{"channels", "chat:room", "messages"}, withKey, msgs, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Serials) != 3 {
		t.Fatalf("%+v", res)
	}
	j, err := ablyauth.NewIssuer().Issue(k, ablyauth.JWTRequest{Capability: ablyauth.Capability{"chat:*": {"publish", "history"}}, ClientID: "bob", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Post(ctx, "publish", []string{"channels", "chat:room", "messages"}, rest.TokenAuth(j.Token), map[string]any{"name": "d"}, nil); err != nil {
		t.Fatal(err)
	}
	// The JWT's capability holds: no publish elsewhere.
	if err := c.Post(ctx, "publish", []string{"channels", "other", "messages"}, rest.TokenAuth(j.Token), map[string]any{"name": "e"}, nil); err == nil {
		t.Fatal("a publish beyond the JWT's capability passed")
	}

	var names, clients []string
	call := rest.Call{What: "history", Method: http.MethodGet, Segments: []string{"channels", "chat:room", "messages"},
		Query: url.Values{"limit": {"3"}, "direction": {"forwards"}}, Auth: rest.TokenAuth(j.Token)}
	for pages := 0; ; pages++ {
		var page []resttest.Message
		p, err := c.DoPage(ctx, call, &page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			names, clients = append(names, m.Name), append(clients, m.ClientID)
		}
		if !p.HasNext() {
			if pages != 1 {
				t.Fatalf("%d pages, want 2", pages+1)
			}
			break
		}
		call = rest.Call{What: "history", Method: http.MethodGet, Link: p.Next, Auth: rest.TokenAuth(j.Token)}
	}
	got, _ := json.Marshal([][]string{names, clients})
	if string(got) != `[["a","b","c","d"],["alice","alice","alice","bob"]]` {
		t.Fatalf("history %s", got)
	}
	for _, v := range srv.SpecViolations() {
		t.Errorf("spec violation: %s", v)
	}
}
