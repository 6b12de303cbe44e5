package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func start(t *testing.T) *Emulator {
	t.Helper()
	emu, err := Start(Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = emu.Shutdown(ctx)
	})
	return emu
}

// do sends one request and returns the status and the body.
func do(t *testing.T, method, u, auth string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func basic(key string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(key)) }

// rawClient is a WebSocket to the emulator's Realtime API with the root key, JSON protocol.
type rawClient struct {
	t   *testing.T
	ctx context.Context
	ws  *websocket.Conn
}

func dialRealtime(t *testing.T, emu *Emulator) *rawClient {
	t.Helper()
	return dialRealtimeAs(t, emu, emu.Seeded.APIKey, "")
}

// dialRealtimeAs connects with key, identified as clientID unless it is "".
func dialRealtimeAs(t *testing.T, emu *Emulator, key, clientID string) *rawClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	u := strings.Replace(emu.URL, "http://", "ws://", 1) + "/?format=json&v=6&key=" + url.QueryEscape(key)
	if clientID != "" {
		u += "&clientId=" + url.QueryEscape(clientID)
	}
	ws, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &rawClient{t: t, ctx: ctx, ws: ws}
}

// read is the next frame, decoded.
func (c *rawClient) read() map[string]any {
	c.t.Helper()
	_, b, err := c.ws.Read(c.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// until reads frames until one with action, and returns it.
func (c *rawClient) until(action float64) map[string]any {
	c.t.Helper()
	for {
		if m := c.read(); m["action"] == action {
			return m
		}
	}
}

func TestSeededCredentialsWorkOnBothPlanes(t *testing.T) {
	emu := start(t)
	bearer := "Bearer " + emu.Seeded.AccessToken
	if code, body := do(t, "GET", emu.ControlURL()+"/me", bearer, nil); code != 200 || !strings.Contains(string(body), `"Emulator"`) {
		t.Fatalf("GET /me: %d %s", code, body)
	}
	if code, body := do(t, "GET", emu.URL+"/api/v1/me", bearer, nil); code != 200 || !strings.Contains(string(body), `"Emulator"`) {
		t.Errorf("GET /api/v1/me, where Ably's official CLI looks for a local Control API: %d %s", code, body)
	}
	if code, _ := do(t, "GET", emu.ControlURL()+"/me", "Bearer test-access-token", nil); code != 401 {
		t.Errorf("the well-known test token: %d, want 401", code)
	}
	if code, body := do(t, "POST", emu.URL+"/channels/greetings/messages", basic(emu.Seeded.APIKey), map[string]string{"name": "hi", "data": "there"}); code != 201 {
		t.Fatalf("publish with the root key: %d %s", code, body)
	}
	code, body := do(t, "GET", emu.URL+"/channels/greetings/messages", basic(emu.Seeded.APIKey), nil)
	if code != 200 || !strings.Contains(string(body), `"there"`) {
		t.Fatalf("history: %d %s", code, body)
	}
	if !strings.HasPrefix(emu.Seeded.APIKey, emu.Seeded.AppID+".") || len(emu.Seeded.AccessToken) < 40 {
		t.Errorf("seeded %+v", emu.Seeded)
	}
}

func TestKeysCreatedAndRevokedThroughTheControlAPI(t *testing.T) {
	emu := start(t)
	bearer := "Bearer " + emu.Seeded.AccessToken
	code, body := do(t, "POST", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/keys", bearer,
		map[string]any{"name": "reader", "capability": map[string][]string{"news": {"subscribe", "history"}}})
	if code != 201 {
		t.Fatalf("create key: %d %s", code, body)
	}
	var key struct{ ID, Key string }
	if err := json.Unmarshal(body, &key); err != nil {
		t.Fatal(err)
	}
	if code, _ := do(t, "GET", emu.URL+"/channels/news/messages", basic(key.Key), nil); code != 200 {
		t.Errorf("history with the new key: %d", code)
	}
	if code, _ := do(t, "POST", emu.URL+"/channels/news/messages", basic(key.Key), map[string]string{"data": "x"}); code != 401 {
		t.Errorf("publish beyond the new key's capability: %d, want 401", code)
	}
	if code, body := do(t, "POST", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/keys/"+key.ID+"/revoke", bearer, nil); code != 200 {
		t.Fatalf("revoke: %d %s", code, body)
	}
	if code, _ := do(t, "GET", emu.URL+"/channels/news/messages", basic(key.Key), nil); code != 401 {
		t.Errorf("history with the revoked key: %d, want 401", code)
	}
}

func TestRealtimeThroughThePortAndShutdown(t *testing.T) {
	emu := start(t)
	c := dialRealtime(t, emu)
	ctx, read := c.ctx, c.read
	if m := read(); m["action"] != float64(4) { // CONNECTED
		t.Fatalf("first frame %v, want CONNECTED", m)
	}
	done := make(chan error, 1)
	go func() { done <- emu.Shutdown(ctx) }()
	m := read()
	if m["action"] != float64(6) { // DISCONNECTED
		t.Fatalf("on shutdown %v, want DISCONNECTED", m)
	}
	if e, _ := m["error"].(map[string]any); e["code"] != float64(80003) {
		t.Errorf("DISCONNECTED error %v, want 80003", m["error"])
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := http.Get(emu.URL + "/time"); err == nil {
		t.Error("the port still answers after Shutdown")
	}
}

func TestAddressInUse(t *testing.T) {
	emu := start(t)
	_, err := Start(Options{Addr: strings.TrimPrefix(emu.URL, "http://")})
	if !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("second emulator on the same port: %v, want ErrAddrInUse", err)
	}
}

// History lasts two minutes on a channel without a rule, a day on one whose namespace has a
// rule with persisted, as on Ably.
func TestRetentionFollowsChannelRules(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	emu, err := Start(Options{Addr: "127.0.0.1:0", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Shutdown(context.Background())
	bearer, key := "Bearer "+emu.Seeded.AccessToken, basic(emu.Seeded.APIKey)
	if code, body := do(t, "POST", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/namespaces", bearer, map[string]any{"id": "logs", "persisted": true}); code != 201 {
		t.Fatalf("create the rule: %d %s", code, body)
	}
	for _, ch := range []string{"chat:1", "logs:1"} {
		if code, body := do(t, "POST", emu.URL+"/channels/"+ch+"/messages", key, map[string]string{"data": "kept?"}); code != 201 {
			t.Fatalf("publish on %s: %d %s", ch, code, body)
		}
	}
	advance(3 * time.Minute)
	if _, body := do(t, "GET", emu.URL+"/channels/chat:1/messages", key, nil); strings.Contains(string(body), "kept?") {
		t.Errorf("chat:1 after 3 minutes still has its message: %s", body)
	}
	if _, body := do(t, "GET", emu.URL+"/channels/logs:1/messages", key, nil); !strings.Contains(string(body), "kept?") {
		t.Errorf("logs:1 (persisted) after 3 minutes lost its message: %s", body)
	}
}

// Apps are kept apart, as on Ably: a channel of one app is not the channel of the same
// name of another, over REST and Realtime alike.
func TestAppsKeepTheirChannelsApart(t *testing.T) {
	emu := start(t)
	bearer, ours := "Bearer "+emu.Seeded.AccessToken, basic(emu.Seeded.APIKey)
	code, body := do(t, "POST", emu.ControlURL()+"/accounts/"+emu.Seeded.AccountID+"/apps", bearer, map[string]any{"name": "other"})
	if code != 201 {
		t.Fatalf("create an app: %d %s", code, body)
	}
	var app struct{ ID string }
	_ = json.Unmarshal(body, &app)
	code, body = do(t, "GET", emu.ControlURL()+"/apps/"+app.ID+"/keys", bearer, nil)
	var keys []struct{ Key string }
	if err := json.Unmarshal(body, &keys); code != 200 || err != nil || len(keys) == 0 {
		t.Fatalf("the new app's keys: %d %s", code, body)
	}
	theirs := basic(keys[0].Key)

	c := dialRealtimeAs(t, emu, keys[0].Key, "them")
	c.until(4) // CONNECTED
	for _, f := range []string{`{"action":10,"channel":"shared"}`, `{"action":14,"channel":"shared","msgSerial":0,"presence":[{"action":2,"data":"here"}]}`} {
		if err := c.ws.Write(c.ctx, websocket.MessageText, []byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	c.until(11) // ATTACHED
	c.until(1)  // ACK of the presence
	for _, p := range []struct{ auth, data string }{{ours, "ours"}, {theirs, "theirs"}} {
		if code, body := do(t, "POST", emu.URL+"/channels/shared/messages", p.auth, map[string]string{"data": p.data}); code != 201 {
			t.Fatalf("publish %s: %d %s", p.data, code, body)
		}
	}
	msgs, _ := c.until(15)["messages"].([]any)
	if first, _ := msgs[0].(map[string]any); len(msgs) != 1 || first["data"] != "theirs" {
		t.Errorf("the other app's subscriber got %v, want only its app's message", msgs)
	}
	for _, h := range []struct{ auth, want, not string }{{ours, `"ours"`, `"theirs"`}, {theirs, `"theirs"`, `"ours"`}} {
		_, body := do(t, "GET", emu.URL+"/channels/shared/messages", h.auth, nil)
		if !strings.Contains(string(body), h.want) || strings.Contains(string(body), h.not) {
			t.Errorf("history with the key of %s: %s", h.want, body)
		}
	}
	for _, st := range []struct {
		auth            string
		connections     float64
		presenceMembers float64
	}{{ours, 0, 0}, {theirs, 1, 1}} {
		_, body := do(t, "GET", emu.URL+"/channels/shared", st.auth, nil)
		var d struct {
			Status struct {
				Occupancy struct{ Metrics map[string]float64 }
			}
		}
		_ = json.Unmarshal(body, &d)
		if m := d.Status.Occupancy.Metrics; m["connections"] != st.connections || m["presenceMembers"] != st.presenceMembers {
			t.Errorf("status %s, want %v connections and %v members", body, st.connections, st.presenceMembers)
		}
	}
	if _, body := do(t, "GET", emu.URL+"/channels/shared/presence", ours, nil); strings.Contains(string(body), "them") {
		t.Errorf("the other app's member is present on ours: %s", body)
	}
}

// Stats count what happened: messages published and delivered, connections and channels.
func TestStatsCountWhatHappened(t *testing.T) {
	emu := start(t)
	c := dialRealtime(t, emu)
	ctx, ws := c.ctx, c.ws
	read := func(action float64) { t.Helper(); c.until(action) }
	read(4) // CONNECTED
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"action":10,"channel":"counted"}`)); err != nil {
		t.Fatal(err)
	}
	read(11) // ATTACHED
	for range 3 {
		if code, _ := do(t, "POST", emu.URL+"/channels/counted/messages", basic(emu.Seeded.APIKey), map[string]string{"data": "x"}); code != 201 {
			t.Fatal("publish")
		}
	}
	for range 3 {
		read(15) // MESSAGE
	}
	time.Sleep(1200 * time.Millisecond) // a sample of the connections
	_, body := do(t, "GET", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/stats?unit=minute&limit=1", "Bearer "+emu.Seeded.AccessToken, nil)
	var recs []struct{ Entries map[string]int64 }
	if err := json.Unmarshal(body, &recs); err != nil || len(recs) != 1 {
		t.Fatalf("stats %s: %v", body, err)
	}
	e := recs[0].Entries
	if e["messages.inbound.all.messages.count"] != 3 || e["messages.outbound.all.messages.count"] != 3 ||
		e["connections.all.peak"] != 1 || e["connections.all.opened"] != 1 || e["channels.peak"] != 1 {
		t.Errorf("entries %v", e)
	}
	_, body = do(t, "GET", emu.ControlURL()+"/accounts/"+emu.Seeded.AccountID+"/stats?unit=hour&limit=1", "Bearer "+emu.Seeded.AccessToken, nil)
	if !strings.Contains(string(body), `"messages.inbound.all.messages.count":3`) {
		t.Errorf("account stats %s", body)
	}
}

// Faults: a client that vanishes mid-frame, a frame that is not a ProtocolMessage, and a
// request cut short leave the emulator serving.
func TestClientFaults(t *testing.T) {
	emu := start(t)
	addr := strings.TrimPrefix(emu.URL, "http://")
	// A WebSocket upgrade, then half a frame, then gone.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /?format=json&v=6&key=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
		url.QueryEscape(emu.Seeded.APIKey), addr)
	buf := make([]byte, 4096)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _ := conn.Read(buf); !strings.Contains(string(buf[:n]), "101 Switching Protocols") {
		t.Fatalf("upgrade answered %q", buf[:n])
	}
	_, _ = conn.Write([]byte{0x81, 0xfe, 0x10, 0x00, 0x01, 0x02}) // a masked text frame of 4096 bytes, cut short
	conn.Close()
	// A request whose body never arrives in full.
	conn, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /channels/x/messages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":", addr)
	conn.Close()
	// A frame that is not a ProtocolMessage: an Ably error, not a crash.
	c := dialRealtime(t, emu)
	c.until(4) // CONNECTED
	_ = c.ws.Write(c.ctx, websocket.MessageText, []byte(`{"action":"not a number"`))
	if m := c.read(); m["action"] != float64(9) { // ERROR
		t.Errorf("after a garbled frame: %v, want ERROR", m)
	} else if e, _ := m["error"].(map[string]any); e["code"] != float64(40000) {
		t.Errorf("after a garbled frame: error %v, want 40000", m["error"])
	}
	if code, _ := do(t, "GET", emu.URL+"/time", "", nil); code != 200 {
		t.Errorf("GET /time after the faults: %d", code)
	}
}
