package realtimetest

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

const (
	testKeyName = "app.key"
	testKey     = testKeyName + ":secretvalue"
	subKeyName  = "app.sub"
	subKey      = subKeyName + ":subsecret"
	wait        = 5 * time.Second
)

// newServer starts a fake with the test keys and short timers.
func newServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	srv := New(append([]Option{WithMaxIdleInterval(time.Minute)}, opts...)...)
	t.Cleanup(srv.Close)
	srv.AddKey(resttest.Key{Key: testKey})
	srv.AddKey(resttest.Key{Key: subKey, Capability: map[string][]string{"sub:*": {"subscribe"}, "both": {"publish", "subscribe", "presence"}}})
	return srv
}

// client is the tests' own small Realtime client: it reads every frame into a channel.
type client struct {
	t       *testing.T
	ws      *websocket.Conn
	frames  chan proto.ProtocolMessage
	pings   atomic.Int32
	done    chan struct{}
	serial  int64
	connID  string
	details *proto.ConnectionDetails
}

// query is a connection's parameters: key or token, and the rest.
func query(cred string, extra ...string) string {
	q := url.Values{"format": {"json"}, "v": {"6"}, "heartbeats": {"true"}}
	if strings.Contains(cred, ":") {
		q.Set("key", cred)
	} else {
		q.Set("access_token", cred)
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			q.Del(k)
			continue
		}
		q.Set(k, v)
	}
	return q.Encode()
}

// dial opens a WebSocket to the fake with a raw query.
func dial(t *testing.T, srv *Server, rawQuery string) *client {
	t.Helper()
	c := &client{t: t, frames: make(chan proto.ProtocolMessage, 1000), done: make(chan struct{})}
	u := strings.Replace(srv.URL, "http://", "ws://", 1) + "/?" + rawQuery
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		c.pings.Add(1)
		return true
	}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	c.ws = ws
	go func() {
		defer close(c.done)
		defer close(c.frames)
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var pm proto.ProtocolMessage
			if err := json.Unmarshal(b, &pm); err != nil {
				t.Errorf("the fake sent a frame that is not a ProtocolMessage: %s", b)
				return
			}
			c.frames <- pm
		}
	}()
	t.Cleanup(func() { _ = ws.CloseNow(); <-c.done })
	return c
}

// connect dials and expects CONNECTED.
func connect(t *testing.T, srv *Server, cred string, extra ...string) *client {
	t.Helper()
	c := dial(t, srv, query(cred, extra...))
	m := c.expect(proto.ActionConnected)
	c.connID, c.details = m.ConnectionID, m.ConnectionDetails
	return c
}

// next is the next frame other than a HEARTBEAT; ok is false when the socket closed.
func (c *client) next() (proto.ProtocolMessage, bool) {
	c.t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-c.frames:
			if !ok {
				return m, false
			}
			if m.Action == proto.ActionHeartbeat {
				continue
			}
			return m, true
		case <-timer.C:
			c.t.Fatalf("no frame from the fake within %s", wait)
		}
	}
}

// expect reads the next frame, which must have action.
func (c *client) expect(action proto.Action) proto.ProtocolMessage {
	c.t.Helper()
	m, ok := c.next()
	if !ok {
		c.t.Fatalf("the fake closed the socket; want %s", action)
	}
	if m.Action != action {
		b, _ := json.Marshal(m)
		c.t.Fatalf("got %s, want %s", b, action)
	}
	return m
}

// closed expects the socket to close with no frame but heartbeats first.
func (c *client) closed() {
	c.t.Helper()
	if m, ok := c.next(); ok {
		b, _ := json.Marshal(m)
		c.t.Fatalf("got %s, want the socket closed", b)
	}
}

// quiet expects no frame but heartbeats for d.
func (c *client) quiet(d time.Duration) {
	c.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-c.frames:
			if ok && m.Action != proto.ActionHeartbeat {
				b, _ := json.Marshal(m)
				c.t.Fatalf("got %s, want nothing", b)
			}
			if !ok {
				return
			}
		case <-timer.C:
			return
		}
	}
}

func (c *client) send(m proto.ProtocolMessage) {
	c.t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// attach attaches with modes (0: none asked) and params, and expects ATTACHED.
func (c *client) attach(channel string, modes proto.Flags, params map[string]string) proto.ProtocolMessage {
	c.t.Helper()
	c.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: channel, Flags: modes, Params: params})
	return c.expect(proto.ActionAttached)
}

// publish sends messages with the next msgSerial and returns it.
func (c *client) publish(channel string, msgs ...proto.Message) int64 {
	c.t.Helper()
	s := c.serial
	c.serial++
	c.send(proto.ProtocolMessage{Action: proto.ActionMessage, Channel: channel, MsgSerial: s, Messages: msgs})
	return s
}

func text(name, data string) proto.Message {
	b, _ := json.Marshal(data)
	return proto.Message{Name: name, Data: b}
}

// signJWT signs an Ably JWT with the test key (or key given), the claims given added.
func signJWT(t *testing.T, keyName, secret string, ttl time.Duration, claims map[string]any) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	for k, v := range claims {
		c[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = keyName
	s, err := tok.SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ctxWait(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
