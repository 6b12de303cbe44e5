package control

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// tokenServer answers GET /me with caps and expiry, and any other GET with [].
type tokenServer struct {
	mu       sync.Mutex
	caps     []string
	expires  *time.Time
	status   int // forced status for non-/me calls, 0 for 200
	requests []string
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.requests = append(ts.requests, r.Method+" "+r.URL.Path)
	if r.URL.Path == "/v1/me" {
		me := map[string]any{
			"token":   map[string]any{"id": "tok-1", "name": "CI token", "capabilities": ts.caps, "expires_at": ts.expires, "last_used_at": nil},
			"user":    map[string]any{"id": 7, "email": "dev@example.com"},
			"account": map[string]any{"id": "acc-1", "name": "Acme"},
		}
		_ = json.NewEncoder(w).Encode(me)
		return
	}
	if ts.status != 0 {
		w.WriteHeader(ts.status)
		_, _ = w.Write([]byte(`{"message":"denied","code":40300,"statusCode":403,"href":"h"}`))
		return
	}
	if r.Method == http.MethodGet {
		_, _ = w.Write([]byte(`[]`))
		return
	}
	_, _ = w.Write([]byte(`{"id":"new"}`))
}

func (ts *tokenServer) take() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	r := ts.requests
	ts.requests = nil
	return r
}

func newCapClient(t *testing.T, ts *tokenServer, store TokenStore, now func() time.Time) *Client {
	t.Helper()
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	base, _ := BaseURL(srv.URL + "/v1")
	c, err := New(Options{BaseURL: base, Token: "tok", TokenStore: store, Now: now, Retry: NoRetries()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCapabilityRefusedBeforeRequest(t *testing.T) {
	ts := &tokenServer{caps: []string{"read:app"}}
	c := newCapClient(t, ts, nil, time.Now)
	if _, err := c.ListApps(context.Background(), "acc-1"); err != nil {
		t.Fatal(err)
	}
	if got := ts.take(); len(got) != 2 || got[0] != "GET /v1/me" {
		t.Fatalf("first call: requests %v, want /me then the listing", got)
	}
	_, err := c.CreateApp(context.Background(), "acc-1", AppFields{Name: ptr("new")})
	if exitcode.Of(err) != exitcode.Permission {
		t.Fatalf("err %v, want exit 5", err)
	}
	for _, want := range []string{`"CI token" may not create an app`, "Write App (write:app)", "Access tokens page"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if got := ts.take(); len(got) != 0 {
		t.Fatalf("refused call still sent %v", got)
	}
}

func TestExpiredTokenRefused(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	ts := &tokenServer{caps: []string{"read:app"}, expires: &past}
	c := newCapClient(t, ts, nil, time.Now)
	_, err := c.ListApps(context.Background(), "acc-1")
	if exitcode.Of(err) != exitcode.Auth || !strings.Contains(err.Error(), "expired at") || !strings.Contains(err.Error(), "rotate") {
		t.Fatalf("err %v, want exit 4 saying how to rotate", err)
	}
	if got := ts.take(); len(got) != 1 {
		t.Fatalf("requests %v, want only /me", got)
	}
	if !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("err %v does not say the token was rejected", err)
	}
}

func TestCachedDetailsAndRefresh(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := &memoryStore{info: &TokenInfo{Capabilities: []Capability{ReadKey}, AccountID: "acc-1", FetchedAt: now.Add(-time.Minute)}}
	ts := &tokenServer{caps: []string{"read:key", "write:key"}}
	c := newCapClient(t, ts, store, clock)

	if _, err := c.ListKeys(context.Background(), "app"); err != nil {
		t.Fatal(err)
	}
	if got := ts.take(); len(got) != 1 {
		t.Fatalf("warm cache: requests %v, want exactly the listing", got)
	}
	// Stale: older than the maximum age, so GET /me first, and the store is updated.
	now = now.Add(2 * time.Hour)
	if _, err := c.CreateKey(context.Background(), "app", KeyFields{Name: ptr("k"), Capability: map[string][]string{"*": {"*"}}}); err != nil {
		t.Fatal(err)
	}
	if got := ts.take(); len(got) != 2 || got[0] != "GET /v1/me" {
		t.Fatalf("stale cache: requests %v", got)
	}
	if !store.info.Has(WriteKey) || !store.info.FetchedAt.Equal(now) {
		t.Fatalf("store not refreshed: %+v", store.info)
	}
	// A 403 despite the cache: the error says the cache is stale, and building it changes
	// nothing: no request beyond the call, the store as it was.
	ts.status = http.StatusForbidden
	cached := *store.info
	_, err := c.ListKeys(context.Background(), "app")
	if exitcode.Of(err) != exitcode.Permission || !errors.Is(err, ErrCapabilityRefused) {
		t.Fatalf("403: %v", err)
	}
	if got := ts.take(); len(got) != 1 {
		t.Fatalf("after 403: requests %v, want the call alone", got)
	}
	// A 401: the error says the token was rejected; forgetting the details is the caller's.
	ts.status = http.StatusUnauthorized
	_, err = c.ListKeys(context.Background(), "app")
	if exitcode.Of(err) != exitcode.Auth || !errors.Is(err, ErrTokenRejected) || errors.Is(err, ErrCapabilityRefused) {
		t.Fatalf("401: %v", err)
	}
	if store.info == nil || !store.info.FetchedAt.Equal(cached.FetchedAt) {
		t.Fatalf("building the 401 error changed the store: %+v", store.info)
	}
	if err := c.ForgetTokenInfo(); err != nil || store.info != nil {
		t.Fatalf("ForgetTokenInfo: %v, store %+v", err, store.info)
	}
}

// TestOnErrorSeesEveryFailedCall: the hook gets the error the call returns, once.
func TestOnErrorSeesEveryFailedCall(t *testing.T) {
	ts := &tokenServer{caps: []string{"read:key"}, status: http.StatusUnauthorized}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	base, _ := BaseURL(srv.URL + "/v1")
	var seen []error
	c, _ := New(Options{BaseURL: base, Token: "tok", SkipCapabilityCheck: true, Retry: NoRetries(),
		OnError: func(_ context.Context, err error) { seen = append(seen, err) }})
	_, err := c.ListKeys(context.Background(), "app")
	if len(seen) != 1 || seen[0] != err || !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("hook saw %v, call returned %v", seen, err)
	}
	if _, err := c.ListKeys(context.Background(), ".."); exitcode.Of(err) != exitcode.Usage || len(seen) != 2 {
		t.Fatalf("dot segment: %v, hook saw %d", err, len(seen))
	}
	if got := ts.take(); len(got) != 1 {
		t.Fatalf("requests %v: the dot segment must not be sent", got)
	}
	// A refusal before any request, from cached details that say the token expired.
	past := time.Now().Add(-time.Hour)
	store := &memoryStore{info: &TokenInfo{Capabilities: []Capability{ReadApp}, ExpiresAt: &past, FetchedAt: time.Now()}}
	c, _ = New(Options{BaseURL: base, Token: "tok", TokenStore: store,
		OnError: func(_ context.Context, err error) { seen = append(seen, err) }})
	err = c.Check(context.Background(), ReadApp, "list apps")
	if exitcode.Of(err) != exitcode.Auth || len(seen) != 3 || !errors.Is(seen[2], ErrTokenRejected) || store.info == nil {
		t.Fatalf("expired: %v, hook saw %v, store %+v", err, seen, store.info)
	}
}

func TestSkipCapabilityCheck(t *testing.T) {
	ts := &tokenServer{}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	base, _ := BaseURL(srv.URL + "/v1")
	c, _ := New(Options{BaseURL: base, Token: "tok", SkipCapabilityCheck: true})
	if _, err := c.ListApps(context.Background(), "acc-1"); err != nil {
		t.Fatal(err)
	}
	if got := ts.take(); len(got) != 1 || got[0] != "GET /v1/accounts/acc-1/apps" {
		t.Fatalf("requests %v, want only the listing", got)
	}
}

func TestCapabilityTableMatchesOperations(t *testing.T) {
	known := map[Capability]bool{}
	for _, ci := range Capabilities() {
		known[ci.Capability] = true
		if ci.Label == "" || len(ci.Commands) == 0 {
			t.Errorf("incomplete row %+v", ci)
		}
	}
	if len(known) != 11 {
		t.Errorf("%d capabilities, want the seed's 11", len(known))
	}
	for _, op := range Operations() {
		if op.Capability != "" && !known[op.Capability] {
			t.Errorf("operation %q needs unknown capability %q", op.Name, op.Capability)
		}
	}
	if WriteApp.Display() != "Write App (write:app)" {
		t.Errorf("Display = %q", WriteApp.Display())
	}
}
