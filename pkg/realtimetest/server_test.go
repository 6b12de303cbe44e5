package realtimetest

import (
	"encoding/base64"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
	"github.com/ably/ably-suite/pkg/resttest/restspec"
)

// The REST fake answers on the same port, its faults and request log intact, and the
// WebSocket route is no spec violation.
func TestRESTOnTheSamePort(t *testing.T) {
	srv := newServer(t, WithREST(resttest.WithSpec(restspec.MustLoad(t))))
	if srv.Server.URL != srv.URL || srv.Origin() != srv.URL {
		t.Errorf("URLs %q, %q, %q: want one", srv.Server.URL, srv.URL, srv.Origin())
	}
	connect(t, srv, testKey).attach("ch", 0, nil)
	get := func(path string) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(testKey)))
		return http.DefaultClient.Do(req)
	}
	resp, err := get("/channels/ch")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"connections":1`) || resp.Header.Get("x-ably-serverid") == "" {
		t.Errorf("GET /channels/ch: %d %s", resp.StatusCode, b)
	}
	srv.AddFault(resttest.Fault{Path: "/channels/ch/messages", Drop: true, Times: 1})
	http.DefaultClient.CloseIdleConnections() // a fresh connection, which the client does not retry
	if resp, err := get("/channels/ch/messages"); err == nil {
		resp.Body.Close()
		t.Errorf("a drop fault answered %d", resp.StatusCode)
	}
	if reqs := srv.Requests(); len(reqs) != 2 || reqs[0].Path != "/channels/ch" {
		t.Errorf("the REST log: %+v", reqs)
	}
	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// Close ends every goroutine: connections live and dropped, timers pending.
func TestCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	srv := New(WithMaxIdleInterval(10 * time.Millisecond))
	srv.AddKey(resttest.Key{Key: testKey})
	a := connect(t, srv, testKey, "clientId=a")
	a.attach("x", 0, nil)
	a.send(presenceFrame("x", 0, proto.PresenceMessage{Action: proto.PresenceEnter}))
	a.expect(proto.ActionAck)
	a.expect(proto.ActionPresence)
	b := connect(t, srv, testKey)
	_ = srv.Drop(b.connID)
	b.closed()
	srv.Close()
	a.closed()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) { // the test clients' readers end too
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
