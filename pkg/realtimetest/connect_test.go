package realtimetest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// RTN4b: CONNECTED carries the connection's ID and details.
func TestConnected(t *testing.T) {
	srv := newServer(t, WithMaxIdleInterval(3*time.Second), WithConnectionStateTTL(time.Minute))
	c := connect(t, srv, testKey, "clientId=alice")
	d := c.details
	if c.connID == "" || !strings.HasPrefix(d.ConnectionKey, c.connID+"!") || len(d.ConnectionKey) <= len(c.connID)+1 {
		t.Errorf("connectionId %q, connectionKey %q: want CONNID!RANDOM", c.connID, d.ConnectionKey)
	}
	if d.ClientID != "alice" || d.MaxIdleInterval != 3000 || d.ConnectionStateTTL != 60000 || d.MaxMessageSize != 65536 ||
		d.MaxFrameSize != 524288 || d.ServerID != "fake" {
		t.Errorf("connection details %+v", d)
	}
	other := connect(t, srv, testKey)
	if other.connID == c.connID || other.details.ClientID != "" {
		t.Errorf("a second connection: id %q (first %q), clientId %q", other.connID, c.connID, other.details.ClientID)
	}
	if got := srv.Connections(); len(got) != 2 || !got[0].Live {
		t.Errorf("Connections: %+v", got)
	}
}

// RTN14a, RTN14g: a refused connection is an ERROR without a channel, then the socket
// closes.
func TestConnectErrors(t *testing.T) {
	srv := newServer(t)
	expired := signJWT(t, testKeyName, "secretvalue", -time.Minute, nil)
	badSig := signJWT(t, testKeyName, "wrongsecret", time.Hour, nil)
	alice := signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"x-ably-clientId": "alice"})
	for _, tc := range []struct {
		name, query  string
		code, status int
	}{
		{"bad key", query("app.key:wrong"), 40101, 401},
		{"unknown key", query("app.nokey:secret"), 40101, 401},
		{"no credential", "format=json&v=6", 40101, 401},
		{"unknown format", query(testKey, "format=xml"), 40000, 400},
		{"no format", query(testKey, "format="), 40000, 400},
		{"old version", query(testKey, "v=5"), 40017, 400},
		{"expired JWT", query(expired), 40142, 401},
		{"bad signature", query(badSig), 40101, 401},
		{"malformed JWT", query("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"), 40144, 401},
		{"unknown token", query("app.notatoken"), 40140, 401},
		{"clientId against the token's", query(alice, "clientId=bob"), 40102, 401},
		{"wildcard clientId with a key", query(testKey, "clientId=*"), 40012, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, srv, tc.query)
			m := c.expect(proto.ActionError)
			if m.Channel != "" || m.Error == nil || m.Error.Code != tc.code || m.Error.StatusCode != tc.status {
				t.Errorf("ERROR %+v, want code %d status %d", m.Error, tc.code, tc.status)
			}
			if strings.Contains(m.Error.Message, "secretvalue") {
				t.Errorf("the error shows the secret: %q", m.Error.Message)
			}
			c.closed()
		})
	}
	if n := len(srv.Connections()); n != 0 {
		t.Errorf("%d connections kept from refused attempts", n)
	}
}

// A token's client ID identifies the connection; a JWT with "*" takes the clientId param.
func TestTokenClientID(t *testing.T) {
	srv := newServer(t)
	alice := signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"x-ably-clientId": "alice"})
	if c := connect(t, srv, alice); c.details.ClientID != "alice" {
		t.Errorf("clientId %q, want the token's", c.details.ClientID)
	}
	if c := connect(t, srv, alice, "clientId=alice"); c.details.ClientID != "alice" {
		t.Errorf("clientId %q with an agreeing param", c.details.ClientID)
	}
	any := signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"x-ably-clientId": "*"})
	if c := connect(t, srv, any, "clientId=carol"); c.details.ClientID != "carol" {
		t.Errorf("clientId %q, want the param's under a wildcard token", c.details.ClientID)
	}
	if c := dial(t, srv, strings.Replace(query(alice), "access_token", "accessToken", 1)); c.expect(proto.ActionConnected).ConnectionDetails.ClientID != "alice" {
		t.Error("accessToken (the spec's name) not taken")
	}
}

// RTN23: HEARTBEAT after maxIdleInterval with heartbeats=true, pings otherwise, none while
// stopped; RTN13: a client's HEARTBEAT with an id comes back with it.
func TestHeartbeats(t *testing.T) {
	srv := newServer(t, WithMaxIdleInterval(30*time.Millisecond))
	c := connect(t, srv, testKey)
	deadline := time.After(wait)
	for beats := 0; beats < 2; {
		select {
		case m := <-c.frames:
			if m.Action != proto.ActionHeartbeat || m.ID != "" {
				t.Fatalf("got %+v, want HEARTBEATs", m)
			}
			beats++
		case <-deadline:
			t.Fatal("no HEARTBEAT")
		}
	}
	c.send(proto.ProtocolMessage{Action: proto.ActionHeartbeat, ID: "ping-1"})
	for {
		m := <-c.frames
		if m.ID == "ping-1" && m.Action == proto.ActionHeartbeat {
			break
		}
	}

	pinged := connect(t, srv, testKey, "heartbeats=false")
	deadline = time.After(wait)
	for pinged.pings.Load() < 2 {
		select {
		case m := <-pinged.frames:
			t.Fatalf("got %+v, want pings, not frames", m)
		case <-deadline:
			t.Fatal("no pings")
		case <-time.After(10 * time.Millisecond):
		}
	}

	srv.SetHeartbeats(false)
	time.Sleep(40 * time.Millisecond) // let a beat in flight land
	drain(c)
	before := pinged.pings.Load()
	select {
	case m := <-c.frames:
		t.Fatalf("got %+v with heartbeats stopped", m)
	case <-time.After(100 * time.Millisecond):
	}
	if pinged.pings.Load() > before+1 {
		t.Errorf("pings went on with heartbeats stopped: %d then %d", before, pinged.pings.Load())
	}
	srv.SetHeartbeats(true)
	select {
	case m := <-c.frames:
		if m.Action != proto.ActionHeartbeat {
			t.Fatalf("got %+v", m)
		}
	case <-time.After(wait):
		t.Fatal("heartbeats did not restart")
	}
}

func drain(c *client) {
	for {
		select {
		case <-c.frames:
		default:
			return
		}
	}
}

// RTN12: CLOSE is answered with CLOSED and the socket closes; the state goes.
func TestClose(t *testing.T) {
	srv := newServer(t)
	c := connect(t, srv, testKey)
	c.send(proto.ProtocolMessage{Action: proto.ActionClose})
	c.expect(proto.ActionClosed)
	c.closed()
	if err := srv.WaitConnections(ctxWait(t), 0); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Connections()); n != 0 {
		t.Errorf("%d connections after CLOSE", n)
	}
}

// A token revoked with revokeTokens (RSA17) is refused with 40141.
func TestRevokedToken(t *testing.T) {
	srv := newServer(t)
	srv.AddKey(resttest.Key{Key: "app.rev:revsecret", RevocableTokens: true})
	jwt := signJWT(t, "app.rev", "revsecret", time.Hour, map[string]any{"x-ably-clientId": "gone", "iat": time.Now().Add(-2 * time.Second).Unix()})
	connect(t, srv, jwt) // good until revoked
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/keys/app.rev/revokeTokens", strings.NewReader(`{"targets":["clientId:gone"]}`))
	req.SetBasicAuth("app.rev", "revsecret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("revokeTokens: %d", resp.StatusCode)
	}
	m := dial(t, srv, query(jwt)).expect(proto.ActionError)
	if m.Error.Code != 40141 || m.Error.StatusCode != 401 {
		t.Errorf("a revoked token: %+v", m.Error)
	}
}

// WithRandom and WithClock make connection IDs, keys and timestamps reproducible.
func TestReproducible(t *testing.T) {
	at := time.UnixMilli(1700000000000)
	ids := func() (string, string, int64) {
		srv := New(WithRandom(bytes.NewReader(bytes.Repeat([]byte{7}, 4096))), WithClock(func() time.Time { return at }))
		defer srv.Close()
		srv.AddKey(resttest.Key{Key: testKey})
		c := connect(t, srv, testKey)
		c.publish("r", text("n", "d"))
		c.expect(proto.ActionAck)
		m := srv.Messages("r")[0]
		return c.connID, c.details.ConnectionKey, m.Timestamp
	}
	id1, key1, ts := ids()
	id2, key2, _ := ids()
	if id1 != id2 || key1 != key2 || ts != 1700000000000 {
		t.Errorf("two runs: %s %s, %s %s; timestamp %d", id1, key1, id2, key2, ts)
	}
}

// An idle connection holds no writer: its drain ends once no frame has come for a while,
// and a frame later starts another, which delivers it.
func TestIdleConnectionsHoldNoWriter(t *testing.T) {
	srv := newServer(t)
	srv.mu.Lock()
	srv.drainLinger = 20 * time.Millisecond
	srv.mu.Unlock()
	var clients []*client
	for range 10 {
		c := connect(t, srv, testKey)
		c.attach("quiet", 0, nil)
		clients = append(clients, c)
	}
	writing := func() int {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		n := 0
		for _, ss := range srv.sessions {
			if ss.t != nil {
				ss.t.mu.Lock()
				if ss.t.writing {
					n++
				}
				ss.t.mu.Unlock()
			}
		}
		return n
	}
	deadline := time.Now().Add(wait)
	for writing() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := writing(); n != 0 {
		t.Fatalf("%d of 10 idle connections still hold a drain", n)
	}
	srv.Publish("quiet", resttest.Message{Name: "wake"})
	for _, c := range clients {
		if m := c.expect(proto.ActionMessage); m.Messages[0].Name != "wake" {
			t.Errorf("after the drains ended: %+v", m)
		}
	}
}
