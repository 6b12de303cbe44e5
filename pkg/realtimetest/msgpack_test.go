package realtimetest

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// mpClient is the tests' own MessagePack client: it sends maps and reads every frame as the
// map it decodes to, so that the tests see what travels as bin and what as str.
type mpClient struct {
	t      *testing.T
	ws     *websocket.Conn
	frames chan map[string]any
	done   chan struct{}
	connID string
}

// dialMsgpack opens a WebSocket with format=msgpack and the query's other parameters.
func dialMsgpack(t *testing.T, srv *Server, cred string, extra ...string) *mpClient {
	t.Helper()
	c := &mpClient{t: t, frames: make(chan map[string]any, 1000), done: make(chan struct{})}
	u := strings.Replace(srv.URL, "http://", "ws://", 1) + "/?" + query(cred, append([]string{"format=msgpack"}, extra...)...)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	c.ws = ws
	go func() {
		defer close(c.done)
		defer close(c.frames)
		for {
			typ, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			if typ != websocket.MessageBinary {
				t.Errorf("the fake sent a text frame on a msgpack connection: %s", b)
				return
			}
			var m map[string]any
			if err := msgpack.Unmarshal(b, &m); err != nil {
				t.Errorf("the fake sent a frame that is not a MessagePack map: %x (%v)", b, err)
				return
			}
			c.frames <- ints(m).(map[string]any)
		}
	}()
	t.Cleanup(func() { _ = ws.CloseNow(); <-c.done })
	return c
}

// connectMsgpack dials and expects CONNECTED.
func connectMsgpack(t *testing.T, srv *Server, cred string, extra ...string) *mpClient {
	t.Helper()
	c := dialMsgpack(t, srv, cred, extra...)
	m := c.expect(proto.ActionConnected)
	c.connID, _ = m["connectionId"].(string)
	return c
}

// ints makes every integer of a decoded frame an int64 (msgpack gives the type of the
// encoding: int8, uint16...), bin staying []byte, so that tests compare with int64 only.
func ints(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = ints(e)
		}
	case []any:
		for i, e := range x {
			x[i] = ints(e)
		}
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return v
}

// action is a frame's action; a frame without one is a HEARTBEAT.
func action(m map[string]any) proto.Action {
	n, _ := m["action"].(int64)
	return proto.Action(n)
}

// next is the next frame other than a HEARTBEAT; ok is false when the socket closed.
func (c *mpClient) next() (map[string]any, bool) {
	c.t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-c.frames:
			if !ok {
				return nil, false
			}
			if action(m) == proto.ActionHeartbeat {
				continue
			}
			return m, true
		case <-timer.C:
			c.t.Fatalf("no frame from the fake within %s", wait)
		}
	}
}

func (c *mpClient) expect(a proto.Action) map[string]any {
	c.t.Helper()
	m, ok := c.next()
	if !ok {
		c.t.Fatalf("the fake closed the socket; want %s", a)
	}
	if action(m) != a {
		c.t.Fatalf("got %v, want %s", m, a)
	}
	return m
}

func (c *mpClient) closed() {
	c.t.Helper()
	if m, ok := c.next(); ok {
		c.t.Fatalf("got %v, want the socket closed", m)
	}
}

func (c *mpClient) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *mpClient) send(m map[string]any) {
	c.t.Helper()
	b, err := msgpack.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *mpClient) attach(channel string, modes proto.Flags) map[string]any {
	c.t.Helper()
	m := map[string]any{"action": int(proto.ActionAttach), "channel": channel}
	if modes != 0 {
		m["flags"] = int(modes)
	}
	c.send(m)
	return c.expect(proto.ActionAttached)
}

// items is a frame's messages or presence as maps.
func items(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	list, _ := m[key].([]any)
	var out []map[string]any
	for _, it := range list {
		x, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("%s item %#v is not a map", key, it)
		}
		out = append(out, x)
	}
	return out
}

// RTN2a: format=msgpack is CONNECTED in binary frames with the JSON protocol's keys; a
// HEARTBEAT with an id is answered; an unknown format is still ERROR 40000.
func TestMsgpackConnect(t *testing.T) {
	srv := newServer(t)
	c := dialMsgpack(t, srv, testKey, "clientId=mp")
	m := c.expect(proto.ActionConnected)
	details, _ := m["connectionDetails"].(map[string]any)
	if m["connectionId"] == "" || details["clientId"] != "mp" || details["maxMessageSize"] != int64(MaxMessageSize) ||
		!strings.HasPrefix(details["connectionKey"].(string), m["connectionId"].(string)+"!") {
		t.Errorf("CONNECTED %v", m)
	}
	if conns := srv.Connections(); len(conns) != 1 || conns[0].Format != "msgpack" {
		t.Errorf("Connections %+v, want one msgpack connection", conns)
	}
	c.send(map[string]any{"action": 0, "id": "ping-1"})
	select {
	case hb := <-c.frames:
		if action(hb) != proto.ActionHeartbeat || hb["id"] != "ping-1" {
			t.Errorf("the answer to HEARTBEAT: %v", hb)
		}
	case <-time.After(wait):
		t.Fatal("no HEARTBEAT answer")
	}
	c.send(map[string]any{"action": int(proto.ActionClose)})
	c.expect(proto.ActionClosed)
	c.closed()

	bad := dial(t, srv, query(testKey, "format=xml"))
	if e := bad.expect(proto.ActionError); e.Error == nil || e.Error.Code != 40000 {
		t.Errorf("format=xml: %+v", e.Error)
	}
	bad.closed()
}

// RSL4c, RSL4d: over msgpack, binary data is bin both ways; a JSON connection and the REST
// history see it as base64 with encoding "base64"; strings stay strings and JSON-encoded
// data keeps its encoding. Binary published over JSON reaches a msgpack subscriber as bin.
func TestMsgpackPublishSubscribe(t *testing.T) {
	srv := newServer(t)
	pub := connectMsgpack(t, srv, testKey, "clientId=mp-pub")
	sub := connectMsgpack(t, srv, testKey)
	js := connect(t, srv, testKey)
	sub.attach("mp", proto.FlagSubscribe)
	js.attach("mp", proto.FlagSubscribe, nil)
	pub.attach("mp", proto.FlagPublish)

	bin := []byte{0, 1, 2, 255}
	pub.send(map[string]any{"action": int(proto.ActionMessage), "channel": "mp", "msgSerial": 0, "messages": []any{
		map[string]any{"name": "text", "data": "hello"},
		map[string]any{"name": "bytes", "data": bin},
		map[string]any{"name": "object", "data": `{"a":1}`, "encoding": "json"},
		map[string]any{"name": "secret", "data": bin, "encoding": "utf-8/cipher+aes-128-cbc"},
	}})
	ack := pub.expect(proto.ActionAck)
	if ack["msgSerial"] != int64(0) || ack["count"] != int64(1) {
		t.Errorf("ACK %v", ack)
	}

	got := items(t, sub.expect(proto.ActionMessage), "messages")
	if len(got) != 4 {
		t.Fatalf("the msgpack subscriber got %v", got)
	}
	if got[0]["data"] != "hello" || got[0]["encoding"] != nil || got[0]["clientId"] != "mp-pub" || got[0]["connectionId"] != pub.connID {
		t.Errorf("text over msgpack: %v", got[0])
	}
	if b, ok := got[1]["data"].([]byte); !ok || !bytes.Equal(b, bin) || got[1]["encoding"] != nil {
		t.Errorf("binary over msgpack: %#v (encoding %v), want bin %x", got[1]["data"], got[1]["encoding"], bin)
	}
	if got[2]["data"] != `{"a":1}` || got[2]["encoding"] != "json" {
		t.Errorf("JSON data over msgpack: %v", got[2])
	}
	if b, ok := got[3]["data"].([]byte); !ok || !bytes.Equal(b, bin) || got[3]["encoding"] != "utf-8/cipher+aes-128-cbc" {
		t.Errorf("encrypted over msgpack: %#v %v", got[3]["data"], got[3]["encoding"])
	}

	jm := js.expect(proto.ActionMessage).Messages
	if len(jm) != 4 || string(jm[0].Data) != `"hello"` || jm[0].Encoding != "" ||
		string(jm[1].Data) != `"AAEC/w=="` || jm[1].Encoding != "base64" ||
		string(jm[2].Data) != `"{\"a\":1}"` || jm[2].Encoding != "json" ||
		jm[3].Encoding != "utf-8/cipher+aes-128-cbc/base64" {
		t.Errorf("the JSON subscriber got %+v", jm)
	}
	if d, _, err := jm[1].Decode(nil); err != nil || d.Kind() != proto.KindBytes || !bytes.Equal(d.Bytes(), bin) {
		t.Errorf("binary decoded on JSON: %v %v", d, err)
	}
	stored := srv.Messages("mp")
	if len(stored) != 4 || string(stored[1].Data) != `"AAEC/w=="` || stored[1].Encoding != "base64" || stored[0].Encoding != "" {
		t.Errorf("stored for REST history: %+v", stored)
	}

	// The other way: binary published over JSON, a REST-published object.
	js.publish("mp", proto.Message{Name: "from-json", Data: json.RawMessage(`"3q2+7w=="`), Encoding: "base64"})
	js.expect(proto.ActionAck)
	got = items(t, sub.expect(proto.ActionMessage), "messages")
	if b, ok := got[0]["data"].([]byte); !ok || !bytes.Equal(b, []byte{0xde, 0xad, 0xbe, 0xef}) || got[0]["encoding"] != nil {
		t.Errorf("binary from JSON to msgpack: %v", got[0])
	}
	js.expect(proto.ActionMessage)
	srv.Publish("mp", resttest.Message{Name: "from-rest", Data: json.RawMessage(`{"ok":true,"n":1.5}`)})
	got = items(t, sub.expect(proto.ActionMessage), "messages")
	if d, ok := got[0]["data"].(map[string]any); !ok || d["ok"] != true || d["n"] != 1.5 {
		t.Errorf("a REST object over msgpack: %#v", got[0]["data"])
	}
}

// RTP8: presence over msgpack: enter with binary data, seen as bin by a msgpack watcher,
// as base64 by a JSON one and in the REST member set, and in a late msgpack SYNC.
func TestMsgpackPresence(t *testing.T) {
	srv := newServer(t)
	js := connect(t, srv, testKey)
	js.attach("mp-p", proto.FlagPresenceSubscribe, nil)
	member := connectMsgpack(t, srv, testKey, "clientId=mp-member")
	member.attach("mp-p", proto.FlagPresence)
	bin := []byte{9, 8, 7}
	member.send(map[string]any{"action": int(proto.ActionPresence), "channel": "mp-p", "msgSerial": 0,
		"presence": []any{map[string]any{"action": int(proto.PresenceEnter), "data": bin}}})
	member.expect(proto.ActionAck)
	if err := srv.WaitPresent(ctxWait(t), "mp-p", "mp-member"); err != nil {
		t.Fatal(err)
	}
	if p := js.expect(proto.ActionPresence).Presence; len(p) != 1 || p[0].ClientID != "mp-member" || string(p[0].Data) != `"CQgH"` || p[0].Encoding != "base64" {
		t.Errorf("the JSON watcher saw %+v", p)
	}
	if m := srv.Presence("mp-p"); len(m) != 1 || m[0].Encoding != "base64" {
		t.Errorf("REST members %+v", m)
	}
	late := connectMsgpack(t, srv, testKey)
	att := late.attach("mp-p", proto.FlagPresenceSubscribe)
	if flags, _ := att["flags"].(int64); !proto.Flags(flags).Has(proto.FlagHasPresence) {
		t.Errorf("ATTACHED %v, want HAS_PRESENCE", att)
	}
	ps := items(t, late.expect(proto.ActionSync), "presence")
	if len(ps) != 1 || ps[0]["clientId"] != "mp-member" || ps[0]["action"] != int64(proto.PresencePresent) || ps[0]["encoding"] != nil {
		t.Fatalf("SYNC %v", ps)
	}
	if b, ok := ps[0]["data"].([]byte); !ok || !bytes.Equal(b, bin) {
		t.Errorf("member data over msgpack: %#v", ps[0]["data"])
	}
}

// A frame that is not a MessagePack ProtocolMessage is ERROR 40000, and the connection
// closes; the server lives on.
func TestMsgpackGarbledFrame(t *testing.T) {
	srv := newServer(t)
	deep := bytes.Repeat([]byte{0x91}, 100000) // arrays in arrays
	deep = append(deep, 0xc0)
	intKey, _ := msgpack.Marshal(map[int]string{1: "x"})
	notMap, _ := msgpack.Marshal([]any{"action", 10})
	good, _ := msgpack.Marshal(map[string]any{"action": 10, "channel": "x"})
	for name, frame := range map[string][]byte{
		"reserved byte":    {0xc1},
		"empty":            {},
		"truncated map":    {0x82, 0xa6, 'a', 'c', 't', 'i', 'o', 'n'},
		"huge map":         {0xdf, 0xff, 0xff, 0xff, 0xff},
		"huge string":      {0x81, 0xdb, 0xff, 0xff, 0xff, 0xf0},
		"deep nesting":     deep,
		"integer map key":  intKey,
		"array, not a map": notMap,
		"trailing bytes":   append(good, 0x01),
		"action not a number": func() []byte {
			b, _ := msgpack.Marshal(map[string]any{"action": "attach"})
			return b
		}(),
		"NaN timestamp": func() []byte {
			b, _ := msgpack.Marshal(map[string]any{"action": 15, "timestamp": math.NaN()})
			return b
		}(),
		"unknown extension": {0x81, 0xa6, 'a', 'c', 't', 'i', 'o', 'n', 0xd4, 0x07, 0x00},
		"text frame":        nil,
	} {
		t.Run(name, func(t *testing.T) {
			c := connectMsgpack(t, srv, testKey)
			if frame == nil {
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				if err := c.ws.Write(ctx, websocket.MessageText, []byte(`{"action":10`)); err != nil {
					t.Fatal(err)
				}
			} else {
				c.sendRaw(frame)
			}
			e := c.expect(proto.ActionError)
			info, _ := e["error"].(map[string]any)
			if info["code"] != int64(40000) || info["statusCode"] != int64(400) || !strings.Contains(info["message"].(string), "MessagePack") {
				t.Errorf("ERROR %v", e)
			}
			c.closed()
		})
	}
	connectMsgpack(t, srv, testKey).attach("still-serving", 0)
}
