package resttest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/fakeserver/openapi"
	"github.com/ably/ably-suite/pkg/resttest/restspec"
)

// specServer starts a server that checks everything against platform-v1.yaml; without the
// spec the test is skipped (failed under CI).
func specServer(t *testing.T, now time.Time) *Server {
	t.Helper()
	srv := New(WithClock(func() time.Time { return now }))
	t.Cleanup(srv.Close)
	srv.UseChecker(restspec.MustLoad(t))
	return srv
}

// TestContract: what the suite's client sends, and what the fake answers to it, right or
// wrong, conforms to platform-v1.yaml (as the package doc reads it).
func TestContract(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	srv := specServer(t, now)
	srv.AddKey(Key{Key: testKey, RevocableTokens: true, Capability: map[string][]string{"chat:*": {"*"}}})

	// GET /time needs no credentials (RSC16).
	if r := call(t, srv, "GET", "/time", "", nil); r.status != 200 || string(r.raw) != fmt.Sprintf("[%d]\n", now.UnixMilli()) && string(r.raw) != fmt.Sprintf("[%d]", now.UnixMilli()) {
		t.Fatalf("GET /time: %d %s", r.status, r.raw)
	}

	ok := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:a": {"publish"}}, ClientID: "alice", TTL: time.Minute})
	if a := post(t, srv, "/keys/app1.key1/requestToken", ok); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	if a := post(t, srv, "/keys/app1.key1/requestToken", ok); a.status != 401 { // a replay
		t.Fatalf("%d %v", a.status, a.body)
	}
	beyond := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"other": {"publish"}}, TTL: time.Minute})
	if a := post(t, srv, "/keys/app1.key1/requestToken", beyond); a.status != 401 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	asObject := signed(t, now, testKey, ablyauth.TokenParams{Capability: ablyauth.Capability{"chat:b": {"subscribe"}}, TTL: time.Minute})
	body := map[string]any{"keyName": asObject.KeyName, "ttl": asObject.TTL, "capability": map[string][]string{"chat:b": {"subscribe"}},
		"clientId": asObject.ClientID, "timestamp": asObject.Timestamp, "nonce": asObject.Nonce, "mac": asObject.MAC}
	if a := post(t, srv, "/keys/app1.key1/requestToken", body); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	// revokeTokens is not in the spec, and so not checked.
	if a := post(t, srv, "/keys/app1.key1/revokeTokens", map[string]any{"targets": []string{"clientId:alice"}}, "app1.key1", "s3cr3t"); a.status != 200 {
		t.Fatalf("%d %v", a.status, a.body)
	}
	for _, v := range srv.SpecViolations() {
		t.Errorf("spec violation: %s", v)
	}
}

// TestContractCatchesBadRequests shows the check is no rubber stamp.
func TestContractCatchesBadRequests(t *testing.T) {
	now := time.Now()
	srv := specServer(t, now)
	srv.AddKey(Key{Key: testKey})

	noNonce := map[string]any{"keyName": "app1.key1", "capability": `{"*":["*"]}`, "timestamp": now.UnixMilli(), "mac": "x"}
	stringStamp := map[string]any{"keyName": "app1.key1", "capability": `{"*":["*"]}`, "timestamp": "1700000000000", "nonce": "0123456789abcdef", "mac": "x"}
	unsigned := map[string]any{"keyName": "app1.key1", "capability": `{"*":["*"]}`, "timestamp": now.UnixMilli(), "nonce": "0123456789abcdef"}
	post(t, srv, "/keys/app1.key1/requestToken", noNonce)
	post(t, srv, "/keys/app1.key1/requestToken", stringStamp)
	post(t, srv, "/keys/app1.key1/requestToken", unsigned)
	post(t, srv, "/keys/app1.key1/widgets", map[string]any{})

	got := srv.SpecViolations()
	wantParts := [][]string{
		{"POST /keys/app1.key1/requestToken: request:", "nonce"},
		{"POST /keys/app1.key1/requestToken: request:", "timestamp"},
		{"POST /keys/app1.key1/requestToken: request:", "security", "Authorization"},
		{"POST /keys/app1.key1/widgets: request: no such operation"},
	}
	openapi.WantViolations(t, got, wantParts...)
}
