package control

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	base, _ := BaseURL("http://" + addr + "/v1")
	var waits []time.Duration
	c, _ := New(Options{BaseURL: base, Token: "tok", SkipCapabilityCheck: true, Retry: RetryPolicy{
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	}})
	start := time.Now()
	_, err = c.ListApps(context.Background(), "acc")
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "cannot reach the Control API at http://"+addr+"/v1") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err %v", err)
	}
	if len(waits) != 3 || time.Since(start) > 5*time.Second {
		t.Fatalf("retries %d (want 3) in %s", len(waits), time.Since(start))
	}
	waits = nil
	if _, err := c.CreateApp(context.Background(), "acc", AppFields{Name: ptr("x")}); exitcode.Of(err) != exitcode.Network || len(waits) != 0 {
		t.Fatalf("POST: %v after %d retries, want no retry", err, len(waits))
	}
}

// resetMidBody answers with headers and part of the body, then resets the connection.
func resetMidBody(hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"id\":\"a")
		_ = buf.Flush()
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // close with RST, not FIN
		}
		conn.Close()
	}
}

func TestResetMidBody(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(resetMidBody(&hits))
	defer srv.Close()
	var waits []time.Duration
	c := testClient(t, srv, &waits)
	_, err := c.ListApps(context.Background(), "acc")
	if exitcode.Of(err) != exitcode.Network || !strings.Contains(err.Error(), "connection broke while reading the 200 answer") {
		t.Fatalf("err %v", err)
	}
	if hits.Load() != 4 {
		t.Fatalf("GET attempts %d, want 4", hits.Load())
	}
	hits.Store(0)
	if _, err := c.UpdateApp(context.Background(), "app", AppFields{Name: ptr("x")}); exitcode.Of(err) != exitcode.Network || hits.Load() != 1 {
		t.Fatalf("PATCH: %v after %d attempts, want exactly 1", err, hits.Load())
	}
}
