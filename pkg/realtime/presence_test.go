package realtime

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func member(action proto.PresenceAction, conn, client string, serial int, ts int64) proto.PresenceMessage {
	return proto.PresenceMessage{Action: action, ConnectionID: conn, ClientID: client, Timestamp: ts,
		ID: conn + ":" + string(rune('0'+serial)) + ":0", Data: json.RawMessage(`"` + client + `"`)}
}

func memberNames(list []proto.PresenceMessage) string {
	var names []string
	for _, m := range list {
		names = append(names, m.ClientID)
	}
	return strings.Join(names, ",")
}

// A SYNC over two pages fills the set (RTP18); PRESENCE events change it with the newness
// rule (RTP2b); an ATTACHED without HAS_PRESENCE empties it with synthesized LEAVEs (RTP19a).
func TestPresenceSyncAndEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		var events []string
		ch := c.Channel("room", ChannelOptions{OnPresence: func(e PresenceEvent) {
			s := e.Action.String() + ":" + e.ClientID
			if e.Synthesized {
				s += "*"
			}
			events = append(events, s)
		}})
		got := make(chan []proto.PresenceMessage, 1)
		go func() {
			list, err := ch.Members(context.Background())
			if err != nil {
				t.Error(err)
			}
			got <- list
		}()
		a.attach("room", proto.FlagPresenceSubscribe|proto.FlagHasPresence, "")
		a.send(proto.ProtocolMessage{Action: proto.ActionSync, Channel: "room", ChannelSerial: "sync1:c1",
			Presence: []proto.PresenceMessage{member(proto.PresencePresent, "x", "ann", 1, 10)}})
		synctest.Wait()
		select {
		case <-got:
			t.Fatal("Members answered before the SYNC ended")
		default:
		}
		a.send(proto.ProtocolMessage{Action: proto.ActionSync, Channel: "room", ChannelSerial: "sync1:",
			Presence: []proto.PresenceMessage{member(proto.PresencePresent, "y", "bob", 1, 10)}})
		if list := <-got; memberNames(list) != "ann,bob" || list[0].Action != proto.PresencePresent {
			t.Fatalf("members %+v", list)
		}
		// An older message of ann is ignored; bob leaves; cy enters.
		a.send(proto.ProtocolMessage{Action: proto.ActionPresence, Channel: "room", Presence: []proto.PresenceMessage{
			member(proto.PresenceLeave, "x", "ann", 0, 20), member(proto.PresenceLeave, "y", "bob", 2, 20),
			member(proto.PresenceEnter, "z", "cy", 1, 20)}})
		synctest.Wait()
		list, _ := ch.Members(context.Background())
		if memberNames(list) != "ann,cy" {
			t.Fatalf("members after events %+v", list)
		}
		// Re-attached without HAS_PRESENCE: nobody is there any more.
		a.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: "room", Flags: proto.FlagPresenceSubscribe})
		synctest.Wait()
		list, _ = ch.Members(context.Background())
		if len(list) != 0 {
			t.Fatalf("members after an empty attach %+v", list)
		}
		if got := strings.Join(events, " "); got != "present:ann present:bob leave:bob enter:cy leave:ann* leave:cy*" &&
			got != "present:ann present:bob leave:bob enter:cy leave:cy* leave:ann*" {
			t.Fatalf("events: %s", got)
		}
	})
}

// Enter needs a client ID of the connection's own (RTP8j); it attaches first (RTP8d),
// sends no clientId (RTP8c), and is made again after a re-attach that lost continuity
// (RTP17i).
func TestEnterAndReenter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		errc := make(chan error, 1)
		go func() { errc <- c.Channel("anon", ChannelOptions{}).Enter(context.Background(), nil, "") }()
		a.attach("anon", proto.FlagPresence, "")
		if err := <-errc; ExitError(err).AblyCode != 91000 {
			t.Fatalf("anonymous enter: %v", err)
		}

		opts := testOptions(svc, st)
		opts.ClientID = "bob"
		c2, b := connect(t, svc, opts)
		ch := c2.Channel("room", ChannelOptions{})
		go func() { errc <- ch.Enter(context.Background(), json.RawMessage(`"{\"s\":1}"`), "json") }()
		b.attach("room", proto.FlagPresence, "")
		pm := b.expect(proto.ActionPresence)
		if p := pm.Presence[0]; p.Action != proto.PresenceEnter || p.ClientID != "" || p.Encoding != "json" || pm.MsgSerial != 0 {
			t.Fatalf("PRESENCE %+v", pm)
		}
		b.send(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: 0, Count: 1})
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		b.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: "room", Flags: proto.FlagPresence})
		if pm := b.expect(proto.ActionPresence); pm.Presence[0].Action != proto.PresenceEnter || pm.MsgSerial != 1 {
			t.Fatalf("re-enter %+v", pm)
		}
		go func() { errc <- ch.Leave(context.Background(), nil, "") }()
		if pm := b.expect(proto.ActionPresence); pm.Presence[0].Action != proto.PresenceLeave {
			t.Fatalf("leave %+v", pm)
		}
		b.send(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: 1, Count: 2})
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		_ = c
	})
}
