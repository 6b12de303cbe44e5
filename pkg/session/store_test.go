package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// recordingStore is a token store that remembers what was saved.
type recordingStore struct {
	info  *control.TokenInfo
	saves []*control.TokenInfo
}

func (r *recordingStore) LoadTokenInfo() (*control.TokenInfo, error) { return r.info, nil }
func (r *recordingStore) SaveTokenInfo(i *control.TokenInfo) error {
	r.info = i
	r.saves = append(r.saves, i)
	return nil
}

// TestSessionKeepsTokenCacheTrue: the session, not the client's error construction, forgets
// the details of a rejected token and reads them again after a refused capability.
func TestSessionKeepsTokenCacheTrue(t *testing.T) {
	status := http.StatusUnauthorized
	var meCalls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/me" {
			meCalls++
			_, _ = w.Write([]byte(`{"token":{"id":"t","name":"n","capabilities":["read:app"]},"user":{"id":1,"email":"e"},"account":{"id":"acc","name":"A"}}`))
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"message":"no","code":40100,"statusCode":401}`))
	}))
	defer srv.Close()
	base, err := control.BaseURL(srv.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	store := &recordingStore{info: &control.TokenInfo{AccountID: "acc", Capabilities: []control.Capability{control.ReadApp, control.ReadKey}, FetchedAt: now}}
	s := &Session{}
	s.Client, err = control.New(control.Options{BaseURL: base, Token: "tok", TokenStore: store, Retry: control.NoRetries(), OnError: s.keepTokenCacheTrue})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := s.Client.ListKeys(context.Background(), "app"); exitcode.Of(err) != exitcode.Auth {
		t.Fatalf("401: %v", err)
	}
	if len(store.saves) != 1 || store.saves[0] != nil || meCalls != 0 {
		t.Fatalf("after 401: saves %v, /me calls %d; want the details forgotten and nothing read", store.saves, meCalls)
	}

	store.info, store.saves = &control.TokenInfo{AccountID: "acc", Capabilities: []control.Capability{control.ReadKey}, FetchedAt: now}, nil
	status = http.StatusForbidden
	if _, err := s.Client.ListKeys(context.Background(), "app"); exitcode.Of(err) != exitcode.Permission {
		t.Fatalf("403: %v", err)
	}
	if meCalls != 1 || len(store.saves) != 1 || store.saves[0] == nil || store.saves[0].Has(control.ReadKey) {
		t.Fatalf("after 403: /me calls %d, saves %v; want the details read again once", meCalls, store.saves)
	}
}
