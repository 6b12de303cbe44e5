package realtimetest

import (
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// RTN15c6: a resume of a live state keeps the connection ID, with no error; the client
// attaches again from its channelSerial and gets what it missed, RESUMED set, once.
func TestResume(t *testing.T) {
	srv := newServer(t)
	c := connect(t, srv, testKey, "clientId=alice")
	att := c.attach("r", proto.FlagSubscribe, nil)
	srv.Publish("r", resttest.Message{Name: "before"})
	before := c.expect(proto.ActionMessage)
	if err := srv.Drop(""); err != nil {
		t.Fatal(err)
	}
	c.closed()
	if err := srv.WaitConnections(ctxWait(t), 0); err != nil {
		t.Fatal(err)
	}
	if conns := srv.Connections(); len(conns) != 1 || conns[0].Live || len(conns[0].Channels) != 0 {
		t.Errorf("a dropped connection: %+v", conns)
	}
	srv.Publish("r", resttest.Message{Name: "missed-1"}, resttest.Message{Name: "missed-2"})

	r := dial(t, srv, query(testKey, "clientId=alice", "resume="+c.details.ConnectionKey))
	m := r.expect(proto.ActionConnected)
	if m.ConnectionID != c.connID || m.Error != nil || m.ConnectionDetails.ConnectionKey != c.details.ConnectionKey {
		t.Fatalf("resumed CONNECTED %+v error %+v", m, m.Error)
	}
	r.quiet(30 * time.Millisecond) // nothing until it attaches again
	r.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: "r", Flags: proto.FlagSubscribe, ChannelSerial: before.ChannelSerial})
	again := r.expect(proto.ActionAttached)
	if !again.Flags.Has(proto.FlagResumed) || again.ChannelSerial == att.ChannelSerial {
		t.Errorf("re-ATTACHED %s serial %q", again.Flags, again.ChannelSerial)
	}
	for _, want := range []string{"missed-1", "missed-2"} {
		if got := r.expect(proto.ActionMessage); got.Messages[0].Name != want {
			t.Errorf("replayed %q, want %q", got.Messages[0].Name, want)
		}
	}
	srv.Publish("r", resttest.Message{Name: "after"})
	if got := r.expect(proto.ActionMessage); got.Messages[0].Name != "after" {
		t.Errorf("after the resume: %q", got.Messages[0].Name)
	}
	r.quiet(30 * time.Millisecond)
	// An unknown channelSerial is not RESUMED and replays nothing.
	r.send(proto.ProtocolMessage{Action: proto.ActionAttach, Channel: "r", ChannelSerial: "nonsense"})
	if m := r.expect(proto.ActionAttached); m.Flags.Has(proto.FlagResumed) {
		t.Errorf("RESUMED for an unknown serial")
	}
	r.quiet(30 * time.Millisecond)
}

// Frames lost with a transport are sent again when the resumed connection attaches, even
// without a channelSerial (the channel was empty when it first attached).
func TestResumeResendsLostFrames(t *testing.T) {
	srv := newServer(t)
	c := connect(t, srv, testKey)
	if m := c.attach("lost", proto.FlagSubscribe, nil); m.ChannelSerial != "" {
		t.Fatalf("ATTACHED serial %q on an empty channel", m.ChannelSerial)
	}
	srv.DelayFrames(time.Second)
	srv.Publish("lost", resttest.Message{Name: "in-flight"})
	_ = srv.Drop(c.connID) // the frame is still held: it never reaches the client
	c.closed()
	srv.DelayFrames(0)
	r := connect(t, srv, testKey, "resume="+c.details.ConnectionKey)
	if r.connID != c.connID {
		t.Fatalf("not resumed: %q", r.connID)
	}
	if m := r.attach("lost", proto.FlagSubscribe, nil); !m.Flags.Has(proto.FlagResumed) {
		t.Errorf("re-ATTACHED %s, want RESUMED", m.Flags)
	}
	if m := r.expect(proto.ActionMessage); m.Messages[0].Name != "in-flight" {
		t.Errorf("got %q", m.Messages[0].Name)
	}
	r.quiet(30 * time.Millisecond)
}

// RTN15c7: an unknown key gives a new connection with 80018, an expired one 80008.
func TestResumeFailed(t *testing.T) {
	srv := newServer(t, WithConnectionStateTTL(50*time.Millisecond))
	c := connect(t, srv, testKey)
	m := dial(t, srv, query(testKey, "resume=nobody!nothing")).expect(proto.ActionConnected)
	if m.ConnectionID == c.connID || m.Error == nil || m.Error.Code != 80018 || m.Error.StatusCode != 400 {
		t.Errorf("unknown key: %+v error %+v", m.ConnectionID, m.Error)
	}
	_ = srv.Drop(c.connID)
	c.closed()
	time.Sleep(80 * time.Millisecond)
	m = dial(t, srv, query(testKey, "resume="+c.details.ConnectionKey)).expect(proto.ActionConnected)
	if m.ConnectionID == c.connID || m.Error == nil || m.Error.Code != 80008 {
		t.Errorf("expired key: %+v error %+v", m.ConnectionID, m.Error)
	}
}

// RTN22, RTC8a: the server's AUTH; the client's AUTH with a good token is CONNECTED with the
// same ID; another client ID is ERROR 40102; a bad token ERROR.
func TestAuth(t *testing.T) {
	srv := newServer(t)
	alice := func(ttl time.Duration) string {
		return signJWT(t, testKeyName, "secretvalue", ttl, map[string]any{"x-ably-clientId": "alice"})
	}
	c := connect(t, srv, alice(time.Hour))
	srv.RequestAuth()
	c.expect(proto.ActionAuth)
	c.send(proto.ProtocolMessage{Action: proto.ActionAuth, Auth: &proto.AuthDetails{AccessToken: alice(2 * time.Hour)}})
	if m := c.expect(proto.ActionConnected); m.ConnectionID != c.connID || m.ConnectionDetails.ClientID != "alice" {
		t.Errorf("CONNECTED after AUTH: %+v", m)
	}
	bob := signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"x-ably-clientId": "bob"})
	c.send(proto.ProtocolMessage{Action: proto.ActionAuth, Auth: &proto.AuthDetails{AccessToken: bob}})
	if m := c.expect(proto.ActionError); m.Error.Code != 40102 || m.Channel != "" {
		t.Errorf("AUTH as another client: %+v", m.Error)
	}
	c.closed()

	d := connect(t, srv, alice(time.Hour))
	d.send(proto.ProtocolMessage{Action: proto.ActionAuth, Auth: &proto.AuthDetails{AccessToken: alice(-time.Minute)}})
	if m := d.expect(proto.ActionError); m.Error.Code != 40142 {
		t.Errorf("AUTH with an expired token: %+v", m.Error)
	}
	d.closed()
	if err := srv.WaitConnections(ctxWait(t), 0); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Connections()); n != 0 {
		t.Errorf("%d connections kept after failed AUTHs", n)
	}
}

// RTN15h: a token expiring on a live connection is DISCONNECTED 40142; the client renews
// and resumes. The server's clock is set 50ms before the token's expiry.
func TestTokenExpiry(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	base, start := time.Unix(exp, 0).Add(-50*time.Millisecond), time.Now()
	srv := newServer(t, WithClock(func() time.Time { return base.Add(time.Since(start)) }))
	c := connect(t, srv, signJWT(t, testKeyName, "secretvalue", time.Hour, map[string]any{"exp": exp}))
	m := c.expect(proto.ActionDisconnected)
	if m.Error.Code != 40142 || m.Error.StatusCode != 401 {
		t.Errorf("DISCONNECTED %+v", m.Error)
	}
	c.closed()
	// Renewed, it resumes.
	r := connect(t, srv, signJWT(t, testKeyName, "secretvalue", 2*time.Hour, nil), "resume="+c.details.ConnectionKey)
	if r.connID != c.connID {
		t.Errorf("resumed as %q, want %q", r.connID, c.connID)
	}
}
