package control

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
)

// The rules are httpcore.Base's (tested there); the Control API's default path is /v1.
func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{"": "https://control.ably.net/v1", "control.example.com:8443": "https://control.example.com:8443/v1",
		"http://127.0.0.1:8080": "http://127.0.0.1:8080"} {
		if u, err := BaseURL(in); err != nil || u.String() != want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	if _, err := BaseURL("http://control.example.com"); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("plain http to another host: %v, want a usage error", err)
	}
}

func TestPathURLEscapesSegments(t *testing.T) {
	base, _ := BaseURL("http://127.0.0.1:1/v1")
	u, err := httpcore.PathURL(base, nil, "apps", "app1", "queues", "app1:us-east-1-a:my queue/1?x")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.String(), "http://127.0.0.1:1/v1/apps/app1/queues/app1:us-east-1-a:my%20queue%2F1%3Fx"; got != want {
		t.Fatalf("pathURL = %s, want %s", got, want)
	}
}

// testClient returns a client of srv whose retries do not sleep but record their waits.
func testClient(t *testing.T, srv *httptest.Server, waits *[]time.Duration) *Client {
	return testClientWith(t, srv, waits, nil)
}

// testClientWith is testClient with options changed by set.
func testClientWith(t *testing.T, srv *httptest.Server, waits *[]time.Duration, set func(*Options)) *Client {
	t.Helper()
	base, err := BaseURL(srv.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{BaseURL: base, Token: "secret-token", SkipCapabilityCheck: true, Timeout: 10 * time.Second,
		Retry: RetryPolicy{
			Sleep:  func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil },
			Jitter: func(d time.Duration) time.Duration { return d },
		}}
	if set != nil {
		set(&opt)
	}
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetriesOnlyIdempotentCalls(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message":"busy","code":50300,"statusCode":503,"href":"https://help.ably.io/error/50300"}`))
	}))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)

	_, err := c.ListApps(context.Background(), "acc")
	if got := hits.Load(); got != 4 {
		t.Errorf("GET made %d attempts, want 4 (1 + 3 retries)", got)
	}
	if len(waits) != 3 || waits[0] != 2*time.Second {
		t.Errorf("waits %v, want three of Retry-After's 2s", waits)
	}
	var e *exitcode.Error
	if !errors.As(err, &e) || e.Code != exitcode.Network || e.AblyCode != 50300 || !strings.Contains(e.Message, "busy") {
		t.Errorf("error %#v", err)
	}

	for _, call := range []func() error{
		func() error {
			_, err := c.CreateApp(context.Background(), "acc", AppFields{Name: ptr("x")})
			return err
		},
		func() error {
			_, err := c.UpdateApp(context.Background(), "app", AppFields{Name: ptr("x")})
			return err
		},
		func() error { return c.DeleteApp(context.Background(), "app") },
		func() error { return c.RevokeKey(context.Background(), "app", "key") },
	} {
		hits.Store(0)
		if err := call(); err == nil || hits.Load() != 1 {
			t.Errorf("non-idempotent call made %d attempts (err %v), want exactly 1", hits.Load(), err)
		}
	}
}

func TestBackoffGrowsWithoutRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)
	_, err := c.ListKeys(context.Background(), "app")
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "rate limiting") {
		t.Fatalf("err %v", err)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}
	if len(waits) != 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Fatalf("waits %v, want %v", waits, want)
	}
}

func TestLongRetryAfterIsNotWaitedFor(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)
	if _, err := c.ListQueues(context.Background(), "app"); err == nil || hits.Load() != 1 || len(waits) != 0 {
		t.Fatalf("hits %d waits %v err %v: want one attempt and no wait", hits.Load(), waits, err)
	}
}

func TestErrorsMapToExitCodes(t *testing.T) {
	cases := []struct {
		status int
		body   string
		code   int
		msg    string
	}{
		{401, `{"message":"Token expired","code":40140,"statusCode":401,"href":"https://help.ably.io/error/40140"}`, exitcode.Auth, "rejected the access token (expired or revoked): Token expired; rotate it"},
		{403, `{"message":"no","code":40300,"statusCode":403,"href":"h"}`, exitcode.Permission, "may not list queues: it lacks Read Queue (read:queue)"},
		{404, `{"message":"Not found","code":40400,"statusCode":404,"href":"h"}`, exitcode.NotFound, `app "app" not found`},
		{422, `{"message":"bad ttl","code":40000,"statusCode":422,"href":"h"}`, exitcode.Usage, "refused to list queues (422): bad ttl"},
		{500, `<html>oops</html>`, exitcode.Network, "failed to list queues (500 Internal Server Error); try again later (the error body was not an Ably error)"},
		{200, `{"not":"an array"}`, exitcode.Network, "the body is not the JSON expected"},
		{200, `[{"id":`, exitcode.Network, "the body is not the JSON expected"},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/me" {
				_, _ = w.Write([]byte(`{"token":{"id":"t","name":"n","capabilities":[]},"user":{"id":1,"email":"e"},"account":{"id":"a","name":"A"}}`))
				return
			}
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		var waits []time.Duration
		c := testClientWith(t, srv, &waits, func(o *Options) { o.Retry = NoRetries() })
		_, err := c.ListQueues(context.Background(), "app")
		srv.Close()
		if exitcode.Of(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("status %d: error %v (exit %d), want exit %d and %q", tc.status, err, exitcode.Of(err), tc.code, tc.msg)
		}
		if err != nil && strings.Contains(err.Error(), "secret-token") {
			t.Errorf("status %d: the error shows the token", tc.status)
		}
	}
}

func TestHugeBodyAndTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/apps/slow/keys" {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(200)
		chunk := []byte(strings.Repeat(" ", 1<<16))
		for range (maxResponseBytes >> 16) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)
	if _, err := c.ListKeys(context.Background(), "big"); exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge body: %v", err)
	}
	c = testClientWith(t, srv, &waits, func(o *Options) { o.Timeout = 100 * time.Millisecond; o.Retry = NoRetries() })
	start := time.Now()
	_, err := c.ListKeys(context.Background(), "slow")
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "did not answer within 100ms") || time.Since(start) > 2*time.Second {
		t.Errorf("timeout: %v after %s", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	c = testClientWith(t, srv, &waits, func(o *Options) { o.Timeout = 10 * time.Second })
	time.AfterFunc(50*time.Millisecond, cancel)
	start = time.Now()
	_, err = c.ListKeys(ctx, "slow")
	if exitcode.Of(err) != exitcode.Interrupted || time.Since(start) > 2*time.Second {
		t.Errorf("cancel: %v (exit %d) after %s, want 130 promptly", err, exitcode.Of(err), time.Since(start))
	}
}

func TestRequestShape(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		_, _ = w.Write([]byte(`{"id":"ns1"}`))
	}))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)
	_, err := c.UpdateNamespace(context.Background(), "app 1", "chat:rooms", NamespaceFields{Persisted: ptr(true), BatchingInterval: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPatch || got.URL.EscapedPath() != "/v1/apps/app%201/namespaces/chat:rooms" {
		t.Errorf("request %s %s", got.Method, got.URL.EscapedPath())
	}
	if body != `{"persisted":true,"batchingInterval":0}` {
		t.Errorf("body %s: want only the fields set, zero values included when set", body)
	}
	if got.Header.Get("Authorization") != "Bearer secret-token" || !strings.HasPrefix(got.Header.Get("User-Agent"), "ably-suite/") ||
		got.Header.Get("Ably-Agent") == "" {
		t.Errorf("headers %v", got.Header)
	}
}

func ptr[T any](v T) *T { return &v }

func TestOddRuleDoesNotBreakAListing(t *testing.T) {
	var rules []Rule
	data := `[{"id":"r1","ruleType":"http","created":1602844091815,"target":{"url":"u"}},
		{"id":"r2","ruleType":"future/type","created":"yesterday","version":2,"target":"opaque"}]`
	if err := json.Unmarshal([]byte(data), &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[1].ID != "r2" || rules[1].RuleType != "future/type" || rules[1].Version != "" {
		t.Fatalf("rules %+v", rules)
	}
	out, _ := json.Marshal(rules[1])
	if !strings.Contains(string(out), `"created":"yesterday"`) {
		t.Fatalf("the odd rule was not kept as sent: %s", out)
	}
}
