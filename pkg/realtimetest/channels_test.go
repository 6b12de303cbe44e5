package realtimetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// RTL4, RTL4m, RTL14: modes granted within the capability; a channel it does not reach
// fails with 40160.
func TestAttachModes(t *testing.T) {
	srv := newServer(t)
	c := connect(t, srv, subKey)
	if m := c.attach("sub:a", 0, nil); m.Flags != proto.FlagSubscribe|proto.FlagPresenceSubscribe || m.ChannelSerial != "" {
		t.Errorf("ATTACHED flags %s serial %q, want SUBSCRIBE|PRESENCE_SUBSCRIBE, no serial", m.Flags, m.ChannelSerial)
	}
	if m := c.attach("both", proto.FlagPublish|proto.FlagAnnotationSubscribe, nil); m.Flags != proto.FlagPublish {
		t.Errorf("ATTACHED flags %s, want PUBLISH only (asked PUBLISH|ANNOTATION_SUBSCRIBE)", m.Flags)
	}
	c.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: "other"})
	m := c.expect(proto.ActionError)
	if m.Channel != "other" || m.Error == nil || m.Error.Code != 40160 || m.Error.StatusCode != 401 {
		t.Errorf("ERROR %+v on channel %q, want 40160/401 on other", m.Error, m.Channel)
	}
	full := connect(t, srv, testKey)
	if m := full.attach("x", 0, map[string]string{"rewind": "1", "occupancy": "metrics", "agent": "x/1"}); m.Flags != proto.ModeFlags&^(proto.FlagObjectPublish|proto.FlagObjectSubscribe)|proto.FlagObjectPublish|proto.FlagObjectSubscribe ||
		m.Params["rewind"] != "1" || m.Params["occupancy"] != "metrics" || m.Params["agent"] != "" {
		t.Errorf("ATTACHED %s params %v: want every mode and the accepted params only", m.Flags, m.Params)
	}
	full.expect(proto.ActionMessage) // the occupancy asked for
	full.send(proto.ProtocolMessage{Action: proto.ActionDetach, Channel: "x"})
	full.expect(proto.ActionDetached)
	if got := srv.Connections(); len(got) != 2 {
		t.Fatalf("Connections %+v", got)
	}
	for _, conn := range srv.Connections() {
		if conn.ID == c.connID && (len(conn.Channels) != 2 || conn.Channels[1].Channel != "sub:a") {
			t.Errorf("the subscriber's attachments: %+v", conn.Channels)
		}
		if conn.ID == full.connID && len(conn.Channels) != 0 {
			t.Errorf("attachments after DETACH: %+v", conn.Channels)
		}
	}
}

// RTL6, RTN7: a Realtime publish is ACKed with its serials, stored with connId:msgSerial:i
// IDs, in REST history, and fanned out to subscribers; a REST publish reaches them too.
func TestPublishFanOut(t *testing.T) {
	srv := newServer(t)
	pub := connect(t, srv, testKey, "clientId=alice")
	sub := connect(t, srv, testKey)
	quietPub := connect(t, srv, testKey, "echo=false")
	sub.attach("ch", proto.FlagSubscribe, nil)
	pub.attach("ch", 0, nil)
	quietPub.attach("ch", 0, nil)
	obj := proto.Message{Name: "obj", Data: json.RawMessage(`"{\"a\":1}"`), Encoding: "json"}
	serial := pub.publish("ch", text("greeting", "hello"), obj)
	ack := pub.expect(proto.ActionAck)
	if ack.MsgSerial != serial || ack.Count != 1 || len(ack.Res) != 1 || len(ack.Res[0].Serials) != 2 {
		t.Fatalf("ACK %+v", ack)
	}
	stored := srv.Messages("ch")
	if len(stored) != 2 || stored[0].ID != pub.connID+":0:0" || stored[1].ID != pub.connID+":0:1" ||
		stored[0].ConnectionID != pub.connID || stored[0].ClientID != "alice" || stored[0].Serial != ack.Res[0].Serials[0] {
		t.Fatalf("stored %+v", stored)
	}
	for _, c := range []*client{sub, pub, quietPub} {
		m := c.expect(proto.ActionMessage)
		if m.Channel != "ch" || m.ChannelSerial != stored[1].Serial || m.ID != pub.connID+":0" || m.ConnectionID != pub.connID ||
			len(m.Messages) != 2 || m.Messages[0].Name != "greeting" || string(m.Messages[0].Data) != `"hello"` ||
			m.Messages[1].Encoding != "json" || m.Messages[0].Serial != stored[0].Serial || m.Messages[0].ClientID != "alice" {
			b, _ := json.Marshal(m)
			t.Errorf("MESSAGE %s", b)
		}
	}
	quietPub.publish("ch", text("quiet", "x"))
	quietPub.expect(proto.ActionAck)
	sub.expect(proto.ActionMessage)
	pub.expect(proto.ActionMessage)
	quietPub.quiet(50 * 1e6)

	srv.Publish("ch", resttest.Message{Name: "rest", Data: json.RawMessage(`{"k":"v"}`)})
	for _, c := range []*client{sub, pub, quietPub} {
		if m := c.expect(proto.ActionMessage); m.Messages[0].Name != "rest" || string(m.Messages[0].Data) != `{"k":"v"}` {
			t.Errorf("REST message over Realtime: %+v", m.Messages)
		}
	}
	// A message resent with the same msgSerial after a resume is not stored twice (RTN19a).
	pub.serial = serial
	pub.publish("ch", text("greeting", "hello"), obj)
	if again := pub.expect(proto.ActionAck); again.Res[0].Serials[0] != stored[0].Serial {
		t.Errorf("a resent message got serial %v, want %s", again.Res, stored[0].Serial)
	}
	if n := len(srv.Messages("ch")); n != 4 {
		t.Errorf("%d messages stored, want 4", n)
	}
	sub.quiet(50 * 1e6)
}

// RTN7: NACK for a publish without the capability (40160), with another clientId (40012),
// too large (40009), and for injected refusals.
func TestPublishRefused(t *testing.T) {
	srv := newServer(t)
	sub := connect(t, srv, subKey, "clientId=bob")
	pub := connect(t, srv, testKey, "clientId=alice")
	for _, tc := range []struct {
		c            *client
		channel      string
		msg          proto.Message
		code, status int
	}{
		{sub, "sub:a", text("x", "y"), 40160, 401},
		{pub, "ch", proto.Message{Name: "x", ClientID: "mallory"}, 40012, 400},
		{pub, "ch", text("big", strings.Repeat("x", 65537)), 40009, 400},
	} {
		serial := tc.c.publish(tc.channel, tc.msg)
		m := tc.c.expect(proto.ActionNack)
		if m.MsgSerial != serial || m.Count != 1 || m.Error == nil || m.Error.Code != tc.code || m.Error.StatusCode != tc.status {
			t.Errorf("NACK %+v (serial %d), want %d/%d", m.Error, m.MsgSerial, tc.code, tc.status)
		}
	}
	srv.NackPublishes(2, 0)
	for want := range []int{50000, 50000} {
		pub.publish("ch", text("x", "y"))
		if m := pub.expect(proto.ActionNack); m.Error.Code != 50000 || m.Error.StatusCode != 500 {
			t.Errorf("injected NACK %d: %+v", want, m.Error)
		}
	}
	pub.publish("ch", text("x", "y"))
	pub.expect(proto.ActionAck)
	if n := len(srv.Messages("ch")); n != 1 {
		t.Errorf("%d messages stored, want the one accepted", n)
	}
}

// RTL4 with rewind: the last N messages, or those of a period, follow ATTACHED.
func TestRewind(t *testing.T) {
	srv := newServer(t)
	for _, n := range []string{"a", "b", "c"} {
		srv.Publish("r", resttest.Message{Name: n})
	}
	c := connect(t, srv, testKey)
	m := c.attach("r", 0, map[string]string{"rewind": "2"})
	if m.ChannelSerial != srv.Messages("r")[2].Serial || m.Flags.Has(proto.FlagResumed) {
		t.Errorf("ATTACHED %+v", m)
	}
	for _, want := range []string{"b", "c"} {
		if got := c.expect(proto.ActionMessage); got.Messages[0].Name != want {
			t.Errorf("rewound %q, want %q", got.Messages[0].Name, want)
		}
	}
	c2 := connect(t, srv, testKey)
	c2.attach("r", 0, map[string]string{"rewind": "2m"})
	for _, want := range []string{"a", "b", "c"} {
		if got := c2.expect(proto.ActionMessage); got.Messages[0].Name != want {
			t.Errorf("rewound %q, want %q", got.Messages[0].Name, want)
		}
	}
	c2.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: "r2", Params: map[string]string{"rewind": "lots"}})
	if e := c2.expect(proto.ActionError); e.Channel != "r2" || e.Error.Code != 40003 {
		t.Errorf("a bad rewind: %+v", e.Error)
	}
	c.quiet(50 * 1e6)
}

// TestSlowConsumer: a connection that takes its frames slower than they come has the excess
// dropped, its queue bounded, and the channel told continuity is lost (80020, RTL12); new
// messages flow again after.
func TestSlowConsumer(t *testing.T) {
	srv := newServer(t, WithConnectionQueue(5, 1<<20))
	c := connect(t, srv, testKey)
	c.attach("flood", 0, nil)
	srv.DelayFrames(20 * time.Millisecond)
	for i := range 40 {
		srv.Publish("flood", resttest.Message{Name: fmt.Sprint(i), Data: json.RawMessage(`"x"`)})
	}
	messages, lost := 0, false
	for !lost {
		m, ok := c.next()
		if !ok {
			t.Fatal("the connection closed")
		}
		switch m.Action {
		case proto.ActionMessage:
			messages += len(m.Messages)
		case proto.ActionAttached:
			if m.Error == nil || m.Error.Code != CodeContinuityLost || m.Flags.Has(proto.FlagResumed) {
				t.Fatalf("ATTACHED %+v, want error 80020 without RESUMED", m)
			}
			lost = true
		}
	}
	if messages >= 40 || messages == 0 {
		t.Errorf("%d messages before the continuity loss, want some dropped of 40", messages)
	}
	srv.DelayFrames(0)
	for drained := false; !drained; { // what is still queued comes first
		select {
		case <-c.frames:
		case <-time.After(200 * time.Millisecond):
			drained = true
		}
	}
	srv.Publish("flood", resttest.Message{Name: "after", Data: json.RawMessage(`"y"`)})
	for {
		m, ok := c.next()
		if !ok {
			t.Fatal("the connection closed before the message published after the loss")
		}
		if m.Action == proto.ActionMessage && m.Messages[0].Name == "after" {
			return
		}
	}
}

// TestPresenceFloodBounded: presence is not dropped, so a connection that falls twice its
// queue behind on presence frames loses its transport instead of holding them all, and
// resumes.
func TestPresenceFloodBounded(t *testing.T) {
	srv := newServer(t, WithConnectionQueue(5, 1<<20))
	c := connect(t, srv, testKey)
	c.attach("crowd", 0, nil)
	srv.DelayFrames(50 * time.Millisecond)
	for i := range 30 {
		srv.EnterPresence("crowd", resttest.PresenceMember{ClientID: fmt.Sprint("m", i)})
	}
	for {
		if _, ok := c.next(); !ok {
			break // the transport went
		}
	}
	srv.DelayFrames(0)
	if err := srv.WaitConnections(ctxWait(t), 0); err != nil {
		t.Fatalf("the flooded connection is still live: %v", err)
	}
	if err := srv.WaitStates(ctxWait(t), 1); err != nil {
		t.Errorf("its state, kept for a resume: %v", err)
	}
}
