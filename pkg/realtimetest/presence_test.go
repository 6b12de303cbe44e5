package realtimetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

func presenceFrame(channel string, serial int64, ps ...proto.PresenceMessage) proto.ProtocolMessage {
	return proto.ProtocolMessage{Action: proto.ActionPresence, Channel: channel, MsgSerial: serial, Presence: ps}
}

// RTP8, RTP9, RTP10: enter, update and leave are ACKed, broadcast to PRESENCE_SUBSCRIBE
// connections, and are the REST store's member set.
func TestPresence(t *testing.T) {
	srv := newServer(t)
	watcher := connect(t, srv, testKey)
	watcher.attach("p", proto.FlagPresenceSubscribe, nil)
	alice := connect(t, srv, testKey, "clientId=alice")
	alice.attach("p", 0, nil)

	alice.send(presenceFrame("p", 0, proto.PresenceMessage{Action: proto.PresenceEnter, Data: json.RawMessage(`"hi"`)}))
	if m := alice.expect(proto.ActionAck); m.MsgSerial != 0 || m.Count != 1 {
		t.Errorf("ACK %+v", m)
	}
	if err := srv.WaitPresent(ctxWait(t), "p", "alice"); err != nil {
		t.Fatal(err)
	}
	m := watcher.expect(proto.ActionPresence)
	if len(m.Presence) != 1 || m.Presence[0].Action != proto.PresenceEnter || m.Presence[0].ClientID != "alice" ||
		m.Presence[0].ConnectionID != alice.connID || string(m.Presence[0].Data) != `"hi"` || m.Presence[0].ID == "" {
		t.Errorf("PRESENCE %+v", m.Presence)
	}
	alice.expect(proto.ActionPresence) // alice subscribes too (all modes)
	members := srv.Presence("p")
	if len(members) != 1 || members[0].ClientID != "alice" || members[0].ConnectionID != alice.connID {
		t.Errorf("REST presence %+v", members)
	}
	if st := srv.Status("p"); st.Status.Occupancy.Metrics.PresenceMembers != 1 || st.Status.Occupancy.Metrics.Connections != 2 {
		t.Errorf("occupancy %+v", st.Status.Occupancy.Metrics)
	}

	alice.send(presenceFrame("p", 1, proto.PresenceMessage{Action: proto.PresenceUpdate, Data: json.RawMessage(`"busy"`)}))
	alice.expect(proto.ActionAck)
	if m := watcher.expect(proto.ActionPresence); m.Presence[0].Action != proto.PresenceUpdate || string(m.Presence[0].Data) != `"busy"` {
		t.Errorf("update %+v", m.Presence)
	}
	alice.expect(proto.ActionPresence)

	// A late subscriber gets HAS_PRESENCE and a SYNC of the members (RTP1, RTP18).
	late := connect(t, srv, testKey)
	att := late.attach("p", proto.FlagSubscribe|proto.FlagPresenceSubscribe, nil)
	if !att.Flags.Has(proto.FlagHasPresence) {
		t.Errorf("ATTACHED flags %s, want HAS_PRESENCE", att.Flags)
	}
	sync := late.expect(proto.ActionSync)
	if len(sync.Presence) != 1 || sync.Presence[0].Action != proto.PresencePresent || sync.Presence[0].ClientID != "alice" ||
		len(sync.ChannelSerial) < 2 || sync.ChannelSerial[len(sync.ChannelSerial)-1] != ':' {
		t.Errorf("SYNC %+v serial %q", sync.Presence, sync.ChannelSerial)
	}
	// Without PRESENCE_SUBSCRIBE there is no SYNC, nor HAS_PRESENCE.
	if att := connect(t, srv, testKey).attach("p", proto.FlagPublish, nil); att.Flags.Has(proto.FlagHasPresence) {
		t.Errorf("HAS_PRESENCE without PRESENCE_SUBSCRIBE")
	}

	alice.send(presenceFrame("p", 2, proto.PresenceMessage{Action: proto.PresenceLeave}))
	alice.expect(proto.ActionAck)
	if m := watcher.expect(proto.ActionPresence); m.Presence[0].Action != proto.PresenceLeave || m.Presence[0].ClientID != "alice" {
		t.Errorf("leave %+v", m.Presence)
	}
	if n := len(srv.Presence("p")); n != 0 {
		t.Errorf("%d members after leave", n)
	}
	// A member entered over REST is broadcast too.
	srv.EnterPresence("p", resttest.PresenceMember{ClientID: "rest-member"})
	if m := watcher.expect(proto.ActionPresence); m.Presence[0].ClientID != "rest-member" || m.Presence[0].Action != proto.PresenceEnter {
		t.Errorf("REST member %+v", m.Presence)
	}
}

// SYNC pages: "<syncId>:<cursor>", the last "<syncId>:" (RTP18).
func TestPresenceSyncPages(t *testing.T) {
	srv := newServer(t)
	for i := range 150 {
		srv.EnterPresence("big", resttest.PresenceMember{ClientID: fmt.Sprintf("m%03d", i)})
	}
	c := connect(t, srv, testKey)
	c.attach("big", 0, nil)
	first, last := c.expect(proto.ActionSync), c.expect(proto.ActionSync)
	if len(first.Presence) != 100 || len(last.Presence) != 50 {
		t.Fatalf("pages of %d and %d", len(first.Presence), len(last.Presence))
	}
	id := last.ChannelSerial
	if first.ChannelSerial != id+"100" || id[len(id)-1] != ':' {
		t.Errorf("SYNC serials %q then %q", first.ChannelSerial, last.ChannelSerial)
	}
}

// RTP8c, RTP8h, RTP8j: the capability, a client ID, and no one else's.
func TestPresenceRefused(t *testing.T) {
	srv := newServer(t)
	anon := connect(t, srv, testKey)
	alice := connect(t, srv, testKey, "clientId=alice")
	sub := connect(t, srv, subKey, "clientId=bob")
	wildcard := connect(t, srv, signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"x-ably-clientId": "*"}))
	for _, tc := range []struct {
		c    *client
		p    proto.PresenceMessage
		ch   string
		code int
	}{
		{anon, proto.PresenceMessage{Action: proto.PresenceEnter}, "p", 91000},
		{wildcard, proto.PresenceMessage{Action: proto.PresenceEnter}, "p", 91000},
		{alice, proto.PresenceMessage{Action: proto.PresenceEnter, ClientID: "mallory"}, "p", 40012},
		{sub, proto.PresenceMessage{Action: proto.PresenceEnter}, "sub:x", 40160},
	} {
		tc.c.send(presenceFrame(tc.ch, 7, tc.p))
		if m := tc.c.expect(proto.ActionNack); m.MsgSerial != 7 || m.Error.Code != tc.code {
			t.Errorf("NACK %+v, want %d", m.Error, tc.code)
		}
	}
	// A wildcard client may enter a named client (RTP14).
	wildcard.send(presenceFrame("p", 8, proto.PresenceMessage{Action: proto.PresenceEnter, ClientID: "named"}))
	wildcard.expect(proto.ActionAck)
	if got := srv.Presence("p"); len(got) != 1 || got[0].ClientID != "named" {
		t.Errorf("members %+v", got)
	}
}

// A CLOSEd connection's members leave at once; a dropped one's after the delay unless it
// resumes; DETACH leaves the channel's.
func TestPresenceLeaves(t *testing.T) {
	srv := newServer(t, WithPresenceLeaveDelay(80*time.Millisecond))
	enter := func(c *client, ch string) {
		t.Helper()
		c.send(presenceFrame(ch, c.serial, proto.PresenceMessage{Action: proto.PresenceEnter}))
		c.serial++
		c.expect(proto.ActionAck)
	}
	a := connect(t, srv, testKey, "clientId=a")
	enter(a, "x")
	a.send(proto.ProtocolMessage{Action: proto.ActionClose})
	a.expect(proto.ActionClosed)
	if n := len(srv.Presence("x")); n != 0 {
		t.Errorf("%d members after CLOSE", n)
	}

	b := connect(t, srv, testKey, "clientId=b")
	b.attach("y", 0, nil)
	enter(b, "y")
	b.expect(proto.ActionPresence) // its own enter
	b.send(proto.ProtocolMessage{Action: proto.ActionDetach, Channel: "y"})
	b.expect(proto.ActionDetached)
	if n := len(srv.Presence("y")); n != 0 {
		t.Errorf("%d members after DETACH", n)
	}

	enter(b, "z")
	if err := srv.Drop(b.connID); err != nil {
		t.Fatal(err)
	}
	b.closed()
	if n := len(srv.Presence("z")); n != 1 {
		t.Errorf("%d members at once after a drop, want 1 until the delay", n)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Presence("z")); n != 0 {
		t.Errorf("%d members after the delay", n)
	}

	c := connect(t, srv, testKey, "clientId=c")
	enter(c, "w")
	_ = srv.Drop(c.connID)
	c.closed()
	resumed := connect(t, srv, testKey, "clientId=c", "resume="+c.details.ConnectionKey)
	if resumed.connID != c.connID {
		t.Fatalf("resume gave %q, want %q", resumed.connID, c.connID)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Presence("w")); n != 1 {
		t.Errorf("%d members after a resume within the delay, want 1", n)
	}
}
