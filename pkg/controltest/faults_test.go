package controltest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
)

func TestFaultStatusAndRetryAfter(t *testing.T) {
	srv := newServer(t)
	srv.AddFault(controltest.Fault{Method: "GET", Path: "/accounts/*/apps", Status: 429, RetryAfter: "2", Times: 2})

	for range 2 {
		r := send(t, srv, "", "GET", "/accounts/acc-1/apps", "") // faults come before authentication
		checkError(t, r, 429, controltest.CodeRateLimit, "injected fault")
		if got := r.header.Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After = %q", got)
		}
	}
	r := want(t, api(t, srv, "GET", "/accounts/acc-1/apps", ""), 200) // used up
	if r.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After on a normal answer")
	}
	// Method and path must both match.
	want(t, api(t, srv, "POST", "/accounts/acc-1/apps", `{"name":"x"}`), 201)
}

func TestFaultEveryTimeAndOrder(t *testing.T) {
	srv := newServer(t)
	srv.AddFault(controltest.Fault{Path: "/me", Status: 503, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT", Times: 1})
	srv.AddFault(controltest.Fault{Path: "/v1/me", Status: 500}) // the /v1 prefix is optional
	srv.AddFault(controltest.Fault{Status: 401})                 // any method, any path

	r := api(t, srv, "GET", "/me", "")
	checkError(t, r, 503, 50300, "503 Service Unavailable")
	if r.header.Get("Retry-After") != "Wed, 21 Oct 2026 07:28:00 GMT" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	for range 3 {
		checkError(t, api(t, srv, "GET", "/me", ""), 500, controltest.CodeInternal, "injected")
	}
	checkError(t, api(t, srv, "DELETE", "/apps/x", ""), 401, controltest.CodeUnauthorized, "injected")

	srv.ClearFaults()
	want(t, api(t, srv, "GET", "/me", ""), 200)
}

func TestFaultBody(t *testing.T) {
	srv := newServer(t)
	huge := `{"message":"` + strings.Repeat("x", 1<<20) + `"}`
	srv.AddFault(controltest.Fault{Path: "/me", Status: 500, Body: "{not json", Times: 1})
	srv.AddFault(controltest.Fault{Path: "/me", Status: 200, Body: huge, Times: 1})

	if r := want(t, api(t, srv, "GET", "/me", ""), 500); string(r.body) != "{not json" {
		t.Errorf("body %q", r.body)
	}
	if r := want(t, api(t, srv, "GET", "/me", ""), 200); len(r.body) != len(huge) {
		t.Errorf("body of %d bytes, want %d", len(r.body), len(huge))
	}
}

func TestFaultDelay(t *testing.T) {
	srv := newServer(t)
	srv.AddFault(controltest.Fault{Path: "/me", Delay: 150 * time.Millisecond, Times: 1}) // slow, then normal
	start := time.Now()
	want(t, api(t, srv, "GET", "/me", ""), 200)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least 150ms", d)
	}

	// A client that gives up is let go at once, and the log shows no answer.
	srv.ResetRequests()
	srv.AddFault(controltest.Fault{Path: "/me", Delay: time.Minute, Status: 500})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/me", nil)
	start = time.Now()
	_, err := srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v", d)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
		t.Errorf("log: %+v", reqs)
	}
}

// TestCloseEndsDelays: Close does not wait out a long delay.
func TestCloseEndsDelays(t *testing.T) {
	srv := controltest.New()
	srv.AddFault(controltest.Fault{Delay: time.Hour, Status: 500})
	go func() {
		res, err := srv.Client().Get(srv.URL + "/me")
		if err == nil {
			res.Body.Close()
		}
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the delay")
	}
}

func TestMatchPath(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"", "/v1/anything/at/all", true},
		{"/me", "/v1/me", true},
		{"/v1/me", "/v1/me", true},
		{"/me", "/me", true},
		{"/me", "/v1/me/x", false},
		{"/apps/*/keys", "/v1/apps/abc/keys", true},
		{"/apps/*/keys", "/v1/apps/abc/keys/k1", false},
		{"/apps/*/keys/*", "/v1/apps/abc/keys/k1", true},
		{"/apps/*/queues/a:us-east-1-a:My queue", "/v1/apps/a/queues/a:us-east-1-a:My%20queue", true},
		{"/apps/*/queues/a%3Aus-east-1-a%3AMy%20queue", "/v1/apps/a/queues/a:us-east-1-a:My%20queue", true},
		{"/apps/*/queues/*", "/v1/apps/a/queues/a%2Fb", true},
		{"/accounts/*/apps", "/v1/accounts/acc-1/stats", false},
	} {
		if got := controltest.MatchPath(c.pattern, c.path); got != c.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

func TestRequestLog(t *testing.T) {
	srv := newServer(t)
	app := srv.AddApp("", controltest.App{Name: "A"})
	req, _ := http.NewRequest("DELETE", srv.URL+"/apps/"+app.ID+"/queues/"+app.ID+":us-east-1-a:My%20q", nil)
	req.Header.Set("Authorization", "Bearer "+controltest.DefaultToken)
	req.Header.Set("Ably-Agent", "ably-suite/1.0")
	do(t, srv, req)
	api(t, srv, "GET", "/apps/"+app.ID+"/stats?unit=hour&limit=2", "")
	api(t, srv, "POST", "/apps/"+app.ID+"/keys", `{"name":"k","capability":{"*":["*"]}}`)

	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "DELETE" || r.Path != "/v1/apps/"+app.ID+"/queues/"+app.ID+":us-east-1-a:My%20q" || r.Status != 404 ||
		r.Header.Get("Ably-Agent") != "ably-suite/1.0" || r.Time.IsZero() {
		t.Errorf("first: %+v", r)
	}
	if reqs[1].RawQuery != "unit=hour&limit=2" || reqs[1].Status != 200 {
		t.Errorf("second: %+v", reqs[1])
	}
	if string(reqs[2].Body) != `{"name":"k","capability":{"*":["*"]}}` || reqs[2].Status != 201 {
		t.Errorf("third: %+v", reqs[2])
	}
	if got := srv.RequestsMatching("post", "/apps/*/keys"); len(got) != 1 || got[0].Method != "POST" {
		t.Errorf("matching: %+v", got)
	}
	if got := srv.RequestsMatching("", "/apps/*/queues/*"); len(got) != 1 {
		t.Errorf("matching queues: %+v", got)
	}

	// Changing what Requests returned does not change the log.
	reqs[2].Body[0] = 'X'
	reqs[0].Header.Set("Ably-Agent", "changed")
	if again := srv.Requests(); again[2].Body[0] != '{' || again[0].Header.Get("Ably-Agent") != "ably-suite/1.0" {
		t.Errorf("the log was changed through a copy")
	}
	srv.ResetRequests()
	if got := srv.Requests(); len(got) != 0 {
		t.Errorf("after reset: %+v", got)
	}
}
