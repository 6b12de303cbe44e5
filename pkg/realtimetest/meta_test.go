package realtimetest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

type occupancyData struct {
	Metrics resttest.Metrics `json:"metrics"`
}

func occupancyOf(t *testing.T, m proto.ProtocolMessage) resttest.Metrics {
	t.Helper()
	if len(m.Messages) != 1 || m.Messages[0].Name != "[meta]occupancy" {
		b, _ := json.Marshal(m)
		t.Fatalf("got %s, want a [meta]occupancy message", b)
	}
	var d occupancyData
	if err := json.Unmarshal(m.Messages[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	return d.Metrics
}

// occupancy=metrics: [meta]occupancy on attach and on every change, counted from the live
// connections and the seeded metrics.
func TestOccupancy(t *testing.T) {
	srv := newServer(t)
	srv.SetOccupancy("o", resttest.Metrics{Connections: 10, ObjectSubscribers: 2})
	watcher := connect(t, srv, testKey)
	watcher.attach("o", proto.FlagSubscribe, map[string]string{"occupancy": "metrics"})
	if m := occupancyOf(t, watcher.expect(proto.ActionMessage)); m != (resttest.Metrics{Connections: 11, Subscribers: 1, ObjectSubscribers: 2}) {
		t.Errorf("on attach: %+v", m)
	}
	pub := connect(t, srv, testKey, "clientId=p")
	pub.attach("o", proto.FlagPublish|proto.FlagPresence, nil)
	if m := occupancyOf(t, watcher.expect(proto.ActionMessage)); m != (resttest.Metrics{Connections: 12, Publishers: 1, Subscribers: 1, PresenceConnections: 1, ObjectSubscribers: 2}) {
		t.Errorf("after a publisher attached: %+v", m)
	}
	pub.send(presenceFrame("o", 0, proto.PresenceMessage{Action: proto.PresenceEnter}))
	pub.expect(proto.ActionAck)
	if m := occupancyOf(t, watcher.expect(proto.ActionMessage)); m.PresenceMembers != 1 {
		t.Errorf("after an enter: %+v", m)
	}
	if st := srv.Status("o"); !st.Status.IsActive || st.Status.Occupancy.Metrics.Connections != 12 || st.Status.Occupancy.Metrics.Publishers != 1 {
		t.Errorf("REST status %+v", st)
	}
	_ = srv.Drop(pub.connID)
	if m := occupancyOf(t, watcher.expect(proto.ActionMessage)); m.Connections != 11 || m.Publishers != 0 {
		t.Errorf("after the publisher dropped: %+v", m)
	}
	watcher.quiet(30 * time.Millisecond)
}

// [meta]channel.lifecycle and [meta]connection.lifecycle are told of channels opening and
// closing and of connections, as stored messages.
func TestLifecycle(t *testing.T) {
	srv := newServer(t)
	srv.AddKey(resttest.Key{Key: "app.meta:metasecret", Capability: map[string][]string{"[meta]*": {"subscribe"}}})
	meta := connect(t, srv, "app.meta:metasecret")
	meta.attach("[meta]channel.lifecycle", 0, nil)
	meta.attach("[meta]connection.lifecycle", 0, nil)
	c := connect(t, srv, testKey, "clientId=life")
	conn := meta.expect(proto.ActionMessage)
	var cd struct{ ConnectionID, ClientID, Transport string }
	_ = json.Unmarshal(conn.Messages[0].Data, &cd)
	if conn.Channel != "[meta]connection.lifecycle" || conn.Messages[0].Name != "connection.opened" || cd.ConnectionID != c.connID || cd.ClientID != "life" || cd.Transport != "web_socket" {
		t.Errorf("connection.opened %+v %+v", conn.Messages, cd)
	}
	c.attach("lc", 0, nil)
	opened := meta.expect(proto.ActionMessage)
	var ld struct {
		Name   string
		Status resttest.ChannelStatus
	}
	_ = json.Unmarshal(opened.Messages[0].Data, &ld)
	if opened.Channel != "[meta]channel.lifecycle" || opened.Messages[0].Name != "channel.opened" || ld.Name != "lc" || ld.Status.Occupancy.Metrics.Connections != 1 {
		t.Errorf("channel.opened %+v %+v", opened.Messages, ld)
	}
	c.send(proto.ProtocolMessage{Action: proto.ActionDetach, Channel: "lc"})
	c.expect(proto.ActionDetached)
	if m := meta.expect(proto.ActionMessage); m.Messages[0].Name != "channel.closed" {
		t.Errorf("got %s, want channel.closed", m.Messages[0].Name)
	}
	c.send(proto.ProtocolMessage{Action: proto.ActionClose})
	if m := meta.expect(proto.ActionMessage); m.Messages[0].Name != "connection.closed" {
		t.Errorf("got %s, want connection.closed", m.Messages[0].Name)
	}
	if n := len(srv.Messages("[meta]channel.lifecycle")); n != 2 {
		t.Errorf("%d lifecycle messages stored, want 2", n)
	}
	// The [meta] rule: a plain "*" capability does not reach a meta channel.
	sub := connect(t, srv, subKey)
	if m := meta.expect(proto.ActionMessage); m.Messages[0].Name != "connection.opened" {
		t.Errorf("got %s, want connection.opened", m.Messages[0].Name)
	}
	sub.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: "[meta]log"})
	if m := sub.expect(proto.ActionError); m.Error.Code != 40160 {
		t.Errorf("attach to [meta]log: %+v", m.Error)
	}
	// [meta]log is a channel like any other, seeded with Publish.
	meta.attach("[meta]log", 0, nil)
	srv.Publish("[meta]log", resttest.Message{Name: "log", Data: json.RawMessage(`{"level":"warn"}`)})
	if m := meta.expect(proto.ActionMessage); m.Channel != "[meta]log" || m.Messages[0].Name != "log" {
		t.Errorf("[meta]log %+v", m)
	}
}

// Annotations published over REST or Realtime reach ANNOTATION_SUBSCRIBE connections; a
// Realtime annotation needs annotation-publish and the mutable rule.
func TestAnnotations(t *testing.T) {
	srv := New(WithREST(resttest.WithMutable(func(_, channel string) bool { return channel == "mut:a" })))
	t.Cleanup(srv.Close)
	srv.AddKey(resttest.Key{Key: testKey})
	srv.AddKey(resttest.Key{Key: subKey, Capability: map[string][]string{"mut:*": {"subscribe", "publish"}}})
	sub := connect(t, srv, testKey)
	if m := sub.attach("mut:a", proto.FlagAnnotationSubscribe|proto.FlagSubscribe, nil); !m.Flags.Has(proto.FlagAnnotationSubscribe) {
		t.Fatalf("ATTACHED %s", m.Flags)
	}
	msg := srv.Publish("mut:a", resttest.Message{Name: "m"})[0]
	sub.expect(proto.ActionMessage)
	pub := connect(t, srv, testKey, "clientId=ann")
	pub.send(proto.ProtocolMessage{Action: proto.ActionAnnotation, Channel: "mut:a", MsgSerial: 0,
		Annotations: []proto.Annotation{{Type: "reaction:distinct.v1", Name: "👍", MessageSerial: msg.Serial}}})
	pub.expect(proto.ActionAck)
	m := sub.expect(proto.ActionAnnotation)
	if len(m.Annotations) != 1 || m.Annotations[0].Type != "reaction:distinct.v1" || m.Annotations[0].ClientID != "ann" ||
		m.Annotations[0].MessageSerial != msg.Serial || m.Annotations[0].Serial == "" {
		t.Errorf("ANNOTATION %+v", m.Annotations)
	}
	if got := srv.Annotations("mut:a", msg.Serial); len(got) != 1 {
		t.Errorf("stored annotations %+v", got)
	}
	limited := connect(t, srv, subKey)
	limited.send(proto.ProtocolMessage{Action: proto.ActionAnnotation, Channel: "mut:a", MsgSerial: 3,
		Annotations: []proto.Annotation{{Type: "reaction:distinct.v1", MessageSerial: msg.Serial}}})
	if m := limited.expect(proto.ActionNack); m.Error.Code != 40160 || m.MsgSerial != 3 {
		t.Errorf("without annotation-publish: %+v", m.Error)
	}
	other := srv.Publish("plain", resttest.Message{Name: "m"})[0]
	pub.send(proto.ProtocolMessage{Action: proto.ActionAnnotation, Channel: "plain", MsgSerial: 1,
		Annotations: []proto.Annotation{{Type: "reaction:distinct.v1", MessageSerial: other.Serial}}})
	if m := pub.expect(proto.ActionNack); m.Error.Code != 93002 {
		t.Errorf("without the mutable rule: %+v", m.Error)
	}
}

// Faults: refused connections, delayed frames, waits.
func TestFaults(t *testing.T) {
	srv := newServer(t)
	srv.RefuseConnections(2, 0, false)
	if m := dial(t, srv, query(testKey)).expect(proto.ActionError); m.Error.Code != 80000 {
		t.Errorf("refused: %+v", m.Error)
	}
	srv.RefuseConnections(1, 40142, true)
	if m := dial(t, srv, query(testKey)).expect(proto.ActionDisconnected); m.Error.Code != 40142 || m.Error.StatusCode != 401 {
		t.Errorf("refused with DISCONNECTED: %+v", m.Error)
	}
	c := connect(t, srv, testKey)
	srv.DelayFrames(60 * time.Millisecond)
	start := time.Now()
	c.send(proto.ProtocolMessage{Action: proto.ActionHeartbeat, ID: "x"})
	for m := range c.frames {
		if m.ID == "x" {
			break
		}
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("a frame came after %s, want the 60ms delay", d)
	}
	srv.DelayFrames(0)
	if err := srv.Drop("nosuch"); err == nil {
		t.Error("Drop of an unknown connection did not fail")
	}
	if err := srv.Disconnect(c.connID, 0); err != nil {
		t.Fatal(err)
	}
	if m := c.expect(proto.ActionDisconnected); m.Error.Code != 80003 {
		t.Errorf("DISCONNECTED %+v", m.Error)
	}
	c.closed()
	ctx, cancel := contextWithTimeout(20 * time.Millisecond)
	defer cancel()
	if err := srv.WaitAttached(ctx, "nobody", 1); err == nil {
		t.Error("WaitAttached did not time out")
	}
}

// A message changed over REST reaches the channel's subscribers: an update or a delete as
// its new version, an append as only what was appended, each with the message's serial.
func TestMessageChangesFanOut(t *testing.T) {
	srv := New(WithREST(resttest.WithMutable(func(_, channel string) bool { return channel == "mut:c" })))
	t.Cleanup(srv.Close)
	srv.AddKey(resttest.Key{Key: testKey})
	sub := connect(t, srv, testKey)
	sub.attach("mut:c", 0, nil)
	msg := srv.Publish("mut:c", resttest.Message{Name: "m", Data: json.RawMessage(`"Hello"`)})[0]
	sub.expect(proto.ActionMessage)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey))
	for _, c := range []struct {
		body   string
		action proto.MessageAction
		data   string
	}{
		{`{"action":5,"data":", world"}`, proto.MessageAppend, `", world"`},
		{`{"action":1,"data":"Bye","version":{"description":"edited"}}`, proto.MessageUpdate, `"Bye"`},
		{`{"action":2,"version":{"description":"gone"}}`, proto.MessageDelete, `"Bye"`},
	} {
		req, _ := http.NewRequest("PATCH", srv.URL+"/channels/mut:c/messages/"+url.PathEscape(msg.Serial), strings.NewReader(c.body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH %s: %v %v", c.body, res.StatusCode, err)
		}
		res.Body.Close()
		m := sub.expect(proto.ActionMessage)
		if len(m.Messages) != 1 || m.Messages[0].Action != c.action || m.Messages[0].Serial != msg.Serial ||
			string(m.Messages[0].Data) != c.data || m.Messages[0].Version == nil || m.Messages[0].Version.Serial == "" {
			t.Errorf("after %s: %+v", c.body, m.Messages)
		}
	}
	if got := srv.Messages("mut:c"); len(got) != 1 || got[0].Action != resttest.ActionDelete {
		t.Errorf("stored %+v", got)
	}
}
