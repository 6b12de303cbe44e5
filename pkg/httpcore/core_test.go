package httpcore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// newTestClient is a client of srvURL made with opt, whose --verbose lines are collected in
// logs.
func newTestClient(t *testing.T, srvURL string, logs *[]string, opt Options) *Client {
	t.Helper()
	var err error
	if opt.BaseURL, err = Base("test host", srvURL, "api.example", ""); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	opt.API = "the Test API"
	opt.Logf = func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		*logs = append(*logs, fmt.Sprintf(f, a...))
	}
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(t *testing.T, c *Client, query url.Values, segments ...string) (*Response, error) {
	t.Helper()
	u, err := c.URL(query, segments...)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(context.Background(), Request{Method: http.MethodGet, URL: u, What: "read things", Idempotent: true,
		Header: http.Header{"Authorization": {"Bearer secret-token"}}})
}

func TestPathSegmentsNeverClimb(t *testing.T) {
	base, _ := Base("test host", "https://api.example/v1", "api.example", "")
	for _, bad := range []string{".", "..", "%2e", "%2E%2e", ".%2E", "%252e%252e", "%25252e.", "\uFF0E\uFF0E", "\u2025", "\u2024", ""} {
		_, err := PathURL(base, nil, "apps", "appA", "namespaces", bad)
		var e *exitcode.Error
		if !errors.As(err, &e) || e.Code != exitcode.Usage || (bad != "" && !strings.Contains(e.Message, fmt.Sprintf("%q", bad))) {
			t.Errorf("segment %q: %v, want a usage error naming it", bad, err)
		}
	}
	for seg, want := range map[string]string{"...": "/...", ".a": "/.a", "a..b": "/a..b", "a/..": "/a%2F..", "x y?": "/x%20y%3F", "%2e%2": "/%252e%252"} {
		u, err := PathURL(base, url.Values{"limit": {"1"}}, seg)
		if err != nil || u.EscapedPath() != "/v1"+want || u.RawQuery != "limit=1" {
			t.Errorf("segment %q: %v %v, want path /v1%s", seg, u, err, want)
		}
	}
}

func TestVerboseLinesShowTheQueryButNoSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`[]`)) }))
	defer srv.Close()
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{})
	q := url.Values{"unit": {"hour"}, "key": {"app.k:keysecret"}, "accessToken": {"tok-secret"}, "x": {"app.k:othersecret"}, "start": {"1"}}
	if _, err := get(t, c, q, "stats"); err != nil {
		t.Fatal(err)
	}
	line := strings.Join(logs, "\n")
	for _, secret := range []string{"keysecret", "tok-secret", "othersecret", "secret-token"} {
		if strings.Contains(line, secret) {
			t.Errorf("verbose line shows %q: %s", secret, line)
		}
	}
	want := "GET " + srv.URL + "/stats?accessToken=REDACTED&key=REDACTED&start=1&unit=hour&x=REDACTED -> 200 OK in "
	if len(logs) != 1 || !strings.HasPrefix(logs[0], want) {
		t.Errorf("verbose lines %q, want one starting %q", logs, want)
	}
}

func TestAgentAndHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer srv.Close()
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{Header: http.Header{"X-Ably-Version": {"2"}}})
	if _, err := get(t, c, nil, "x"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Get("Ably-Agent"), "ably-suite/") || got.Get("User-Agent") != got.Get("Ably-Agent") ||
		got.Get("X-Ably-Version") != "2" || got.Get("Authorization") != "Bearer secret-token" || got.Get("Accept") != "application/json" {
		t.Errorf("headers %v", got)
	}
}

// TestRedirectsKeepCredentialsHome: a redirect to another server is not followed, so it
// receives nothing; one within the origin is followed with the credentials.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	var otherHits atomic.Int32
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		otherAuth.Store(r.Header.Get("Authorization"))
	}))
	defer other.Close()
	var homeAuth []string
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		homeAuth = append(homeAuth, r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/stolen?key=app.k:s3cret", http.StatusTemporaryRedirect)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer home.Close()
	var logs []string
	c := newTestClient(t, home.URL, &logs, Options{})
	_, err := get(t, c, nil, "away")
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "redirect to "+other.URL+"/stolen?key=REDACTED, another host") ||
		strings.Contains(err.Error(), "s3cret") {
		t.Errorf("redirect away: %v", err)
	}
	if otherHits.Load() != 0 {
		t.Errorf("the other host got %d requests (Authorization %q)", otherHits.Load(), otherAuth.Load())
	}
	homeAuth = nil
	if resp, err := get(t, c, nil, "moved"); err != nil || resp.Status != 200 || len(homeAuth) != 2 || homeAuth[1] != "Bearer secret-token" {
		t.Errorf("redirect within the origin: %v %v, Authorization seen %q", resp, err, homeAuth)
	}
}

func TestRedirectPolicy(t *testing.T) {
	req := func(raw string) *http.Request { u, _ := url.Parse(raw); return &http.Request{URL: u} }
	cases := []struct {
		from, to string
		ok       bool
	}{
		{"https://a.example/v1/x", "https://a.example/v1/y", true},
		{"https://a.example/v1/x", "http://a.example/v1/y", false},    // downgrade, same host
		{"https://a.example/v1/x", "https://b.example/v1/y", false},   // another host
		{"https://a.example/v1/x", "https://a.example:8443/y", false}, // another port
		{"http://127.0.0.1:8/x", "https://127.0.0.1:8/y", false},      // another origin
	}
	for _, tc := range cases {
		err := checkRedirect(req(tc.to), []*http.Request{req(tc.from)})
		if (err == nil) != tc.ok {
			t.Errorf("%s -> %s: %v, want followed %v", tc.from, tc.to, err, tc.ok)
		}
	}
	via := []*http.Request{}
	for range maxRedirects {
		via = append(via, req("https://a.example/x"))
	}
	if checkRedirect(req("https://a.example/y"), via) == nil {
		t.Errorf("followed more than %d redirects", maxRedirects)
	}
}

// fakeResolver answers from a table and counts lookups.
type fakeResolver struct {
	answers map[string][]string
	lookups atomic.Int32
}

func (f *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.lookups.Add(1)
	var out []net.IPAddr
	for _, a := range f.answers[host] {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

// TestPlainHTTPOnlyToCheckedLoopback: localhost is trusted for what it resolves to, not for
// its name, and the dial goes to the address checked.
func TestPlainHTTPOnlyToCheckedLoopback(t *testing.T) {
	var dialed []string
	record := func(_ context.Context, _, addr string) (net.Conn, error) {
		dialed = append(dialed, addr)
		return nil, errors.New("recorded")
	}
	r := &fakeResolver{answers: map[string][]string{"localhost": {"127.0.0.1", "10.1.2.3"}, "nowhere": nil}}
	dial := loopbackDial(r, record)
	_, err := dial(context.Background(), "tcp", "localhost:80")
	var nl *notLoopbackError
	if !errors.As(err, &nl) || len(dialed) != 0 || !strings.Contains(err.Error(), "10.1.2.3") {
		t.Errorf("hostile localhost: %v, dialed %v; want refused before any dial", err, dialed)
	}
	if _, err := dial(context.Background(), "tcp", "nowhere:80"); !errors.As(err, &nl) || len(dialed) != 0 {
		t.Errorf("no address: %v, dialed %v", err, dialed)
	}
	if _, err := dial(context.Background(), "tcp", "10.0.0.1:80"); !errors.As(err, &nl) || len(dialed) != 0 {
		t.Errorf("non-loopback literal: %v, dialed %v", err, dialed)
	}
	r.answers["localhost"] = []string{"::1", "127.0.0.2"}
	r.lookups.Store(0)
	_, _ = dial(context.Background(), "tcp", "localhost:80")
	if strings.Join(dialed, " ") != "[::1]:80 127.0.0.2:80" || r.lookups.Load() != 1 {
		t.Errorf("dialed %v after %d lookups, want the checked addresses after one", dialed, r.lookups.Load())
	}

	// End to end: a client of http://localhost:PORT whose resolver says 10.1.2.3 never
	// connects, and says so with a usage error; one whose resolver says 127.0.0.1 works.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	var logs []string
	hostile := &fakeResolver{answers: map[string][]string{"localhost": {"10.1.2.3"}}}
	c := newTestClient(t, "http://localhost:"+port, &logs, Options{Resolver: hostile})
	if _, err := get(t, c, nil, "x"); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "not a loopback address") || hits.Load() != 0 {
		t.Errorf("hostile resolver: %v (exit %d), %d requests", err, exitcode.Of(err), hits.Load())
	}
	honest := &fakeResolver{answers: map[string][]string{"localhost": {"127.0.0.1"}}}
	c = newTestClient(t, "http://localhost:"+port, &logs, Options{Resolver: honest})
	if resp, err := get(t, c, nil, "x"); err != nil || resp.Status != 200 || hits.Load() != 1 {
		t.Errorf("honest resolver: %v %v, %d requests", resp, err, hits.Load())
	}
}

// fakeTime is a clock that the test's Sleep moves on.
type fakeTime struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeTime) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeTime) Sleep(_ context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return nil
}

// TestRetryAfterWithinTheBound: Retry-After: 30 with a 30s bound is not waited for at all,
// and the message gives the real figures; Retry-After: 2 is waited for while it fits.
func TestRetryAfterWithinTheBound(t *testing.T) {
	var hits atomic.Int32
	retryAfter := "30"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", retryAfter)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	clock := &fakeTime{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{Now: clock.Now, Retry: RetryPolicy{Sleep: clock.Sleep}})
	start := clock.Now()
	resp, err := get(t, c, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	waited := clock.Now().Sub(start)
	msg := c.StatusError(resp, "read things", nil).Error()
	if hits.Load() != 1 || waited != 0 || !strings.Contains(msg, "asked to retry after 30s, more than is left (30s) of the 30s a call may take") {
		t.Errorf("Retry-After 30: %d attempts, waited %s, message %q", hits.Load(), waited, msg)
	}

	retryAfter, start = "12", clock.Now()
	hits.Store(0)
	resp, _ = get(t, c, nil, "x")
	waited = clock.Now().Sub(start)
	msg = c.StatusError(resp, "read things", nil).Error()
	if hits.Load() != 3 || waited != 24*time.Second || !strings.Contains(msg, "asked to retry after 12s, more than is left (6s)") {
		t.Errorf("Retry-After 12: %d attempts, waited %s (want 3 and 24s), message %q", hits.Load(), waited, msg)
	}

	retryAfter, start = "2", clock.Now()
	hits.Store(0)
	resp, _ = get(t, c, nil, "x")
	if waited = clock.Now().Sub(start); hits.Load() != 4 || waited != 6*time.Second {
		t.Errorf("Retry-After 2: %d attempts, waited %s (want 4 and 6s)", hits.Load(), waited)
	}
	if msg := c.StatusError(resp, "read things", nil).Error(); !strings.Contains(msg, "gave up after 4 attempts") {
		t.Errorf("message %q", msg)
	}
}

// TestDeadServerWithinTheBound: a server that never answers costs the bound, not four
// times it, and the message says that bound.
func TestDeadServerWithinTheBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := get(t, c, nil, "x")
	took := time.Since(start)
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "did not answer within 300ms") || took > 900*time.Millisecond {
		t.Errorf("dead server: %v after %s, want exit 6 within about 300ms", err, took)
	}
	// Cancelling is an interruption, not a timeout.
	c = newTestClient(t, srv.URL, &logs, Options{Timeout: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	u, _ := c.URL(nil, "x")
	start = time.Now()
	if _, err := c.Do(ctx, Request{Method: http.MethodGet, URL: u, Idempotent: true}); exitcode.Of(err) != exitcode.Interrupted || time.Since(start) > 2*time.Second {
		t.Errorf("cancel: %v after %s, want exit 130 promptly", err, time.Since(start))
	}
}

func TestOnlyIdempotentRequestsRetry(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var waits []time.Duration
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{Retry: RetryPolicy{
		Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
		Jitter: func(d time.Duration) time.Duration { return d }}})
	u, _ := c.URL(nil, "x")
	if _, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: u}); err != nil || hits.Load() != 1 || len(waits) != 0 {
		t.Errorf("POST: %v, %d attempts, waits %v; want one attempt", err, hits.Load(), waits)
	}
	hits.Store(0)
	if _, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: u, Idempotent: true}); err != nil || hits.Load() != 4 {
		t.Errorf("idempotent POST: %v, %d attempts", err, hits.Load())
	}
	if want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}; fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("backoff %v, want %v", waits, want)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "POST "+srv.URL+"/x -> 429 Too Many Requests in ") ||
		!strings.Contains(logs[len(logs)-1], "(after 3 retries)") {
		t.Errorf("verbose lines %q", logs)
	}
}

func TestResponseSizeCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, io.LimitReader(zeros{}, 2048))
	}))
	defer srv.Close()
	var logs []string
	c := newTestClient(t, srv.URL, &logs, Options{MaxResponseBytes: 1024})
	if _, err := get(t, c, nil, "x"); exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "larger than 1 KiB") {
		t.Errorf("%v", err)
	}
	if len(logs) != 1 {
		t.Errorf("an answer too large was retried: %q", logs)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestAblyErrorBodies(t *testing.T) {
	cases := []struct {
		header     http.Header
		body       string
		status     int
		code, http int
		msg, href  string
	}{
		{nil, `{"error":{"message":"Invalid credentials.","code":40101,"statusCode":401}}`, 401, 40101, 401, "Invalid credentials.", "https://help.ably.io/error/40101"},
		{nil, `{"message":"bare","code":40400,"statusCode":404,"href":"h"}`, 404, 40400, 404, "bare", "h"},
		{nil, `{"message":"swapped","code":401,"statusCode":40100}`, 401, 40100, 401, "swapped", "https://help.ably.io/error/40100"},
		{http.Header{"X-Ably-Errorcode": {"40300"}, "X-Ably-Errormessage": {"from headers"}}, "", 403, 40300, 403, "from headers", "https://help.ably.io/error/40300"},
	}
	for _, tc := range cases {
		e, ok := ParseAblyError(tc.header, []byte(tc.body), tc.status)
		if !ok || e.Code != tc.code || e.StatusCode != tc.http || e.Message != tc.msg || e.Href != tc.href {
			t.Errorf("%s: %+v %v", tc.body, e, ok)
		}
	}
	if _, ok := ParseAblyError(nil, []byte("<html>"), 500); ok {
		t.Error("HTML read as an Ably error")
	}
	c := &Client{opt: Options{API: "the Test API"}}
	e := c.StatusError(&Response{Status: 503, Body: []byte(`{"message":"busy.","code":50300,"statusCode":503}`)}, "read things", nil)
	if e.Code != exitcode.Network || e.AblyCode != 50300 || e.Href != "https://help.ably.io/error/50300" || e.Message != "the Test API failed to read things (503 Service Unavailable): busy; try again later" {
		t.Errorf("%+v", e)
	}
	for status, code := range map[int]int{400: exitcode.Usage, 401: exitcode.Auth, 403: exitcode.Permission, 404: exitcode.NotFound, 409: exitcode.Failure, 422: exitcode.Usage, 429: exitcode.Network, 500: exitcode.Network} {
		if ExitCode(status) != code {
			t.Errorf("ExitCode(%d) = %d, want %d", status, ExitCode(status), code)
		}
	}
}

// A call whose connection is lost after the request went out may have taken effect; one that
// never reached the server cannot have: NeverSent tells them apart.
func TestNeverSentTellsALostAnswerFromAnUnsentRequest(t *testing.T) {
	hijacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the request was read in full; the answer never comes
		}
	}))
	defer hijacker.Close()
	var logs []string
	c := newTestClient(t, hijacker.URL, &logs, Options{Retry: RetryPolicy{MaxRetries: 1,
		Sleep: func(context.Context, time.Duration) error { return nil }}})
	u, _ := c.URL(nil, "messages")
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: u, Body: []byte(`{}`), Idempotent: true})
	if exitcode.Of(err) != exitcode.Network || NeverSent(err) {
		t.Errorf("lost answer: %v (exit %d, never sent %v), want exit 6 and maybe sent", err, exitcode.Of(err), NeverSent(err))
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens: every attempt fails before sending
	c = newTestClient(t, closed.URL, &logs, Options{Retry: RetryPolicy{MaxRetries: 1,
		Sleep: func(context.Context, time.Duration) error { return nil }}})
	u, _ = c.URL(nil, "messages")
	_, err = c.Do(context.Background(), Request{Method: http.MethodPost, URL: u, Body: []byte(`{}`), Idempotent: true})
	if exitcode.Of(err) != exitcode.Network || !NeverSent(err) {
		t.Errorf("refused connection: %v (exit %d, never sent %v), want exit 6 and never sent", err, exitcode.Of(err), NeverSent(err))
	}
}

func TestExitCodeForPrefersTheAblyCode(t *testing.T) {
	for _, tc := range []struct{ status, code, want int }{
		{401, 40142, exitcode.Auth}, {401, 40160, exitcode.Permission}, {403, 40160, exitcode.Permission},
		{401, 40101, exitcode.Auth}, {403, 0, exitcode.Permission}, {400, 40140, exitcode.Auth},
		{404, 40400, exitcode.NotFound}, {500, 50000, exitcode.Network}, {400, 40003, exitcode.Usage},
	} {
		if got := ExitCodeFor(tc.status, tc.code); got != tc.want {
			t.Errorf("ExitCodeFor(%d, %d) = %d, want %d", tc.status, tc.code, got, tc.want)
		}
	}
}
