package realtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The WebSocket transport carries text frames both ways, takes frames up to MaxFrame, and
// says why a dial failed without printing the URL's credential.
func TestWebSocketTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") == "" {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			reply := []byte(`{"echo":` + string(b) + `}`)
			if string(b) == `"big"` {
				reply = []byte(`"` + strings.Repeat("x", MaxFrame-100) + `"`)
			}
			if c.Write(ctx, websocket.MessageText, reply) != nil {
				return
			}
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	u, _ := ConnectParams{Key: "app.key:topsecret"}.URL(base)
	tr, err := WebSocketDialer(nil)(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Send(ctx, []byte(`{"action":0}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := tr.Receive(ctx); err != nil || string(b) != `{"echo":{"action":0}}` {
		t.Fatalf("Receive = %s, %v", b, err)
	}
	if err := tr.Send(ctx, []byte(`"big"`)); err != nil {
		t.Fatal(err)
	}
	if b, err := tr.Receive(ctx); err != nil || len(b) < MaxFrame-100 {
		t.Fatalf("a frame of %d bytes: %v", len(b), err)
	}
	if err := tr.Close("done"); err != nil {
		t.Fatal(err)
	}

	tokenURL, _ := ConnectParams{Token: "topsecret-token"}.URL(base)
	_, err = WebSocketDialer(nil)(ctx, tokenURL)
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("refused upgrade: %v", err)
	}
	dead, _ := url.Parse("http://127.0.0.1:1")
	deadURL, _ := ConnectParams{Key: "app.key:topsecret"}.URL(dead)
	_, err = WebSocketDialer(nil)(ctx, deadURL)
	if err == nil || strings.Contains(err.Error(), "topsecret") || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("unreachable: %v", err)
	}
}
