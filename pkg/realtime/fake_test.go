package realtime_test

import (
	"context"
	"encoding/json"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// These tests hold the client to the fake Realtime server over a real WebSocket: what one
// side of the protocol does, the other must understand. (The fake is held to Ably's own
// SDK by the interop tests.)

const fakeKey = "app1.key1:fakeSecretValue"

func fake(t *testing.T, keys ...resttest.Key) *realtimetest.Server {
	t.Helper()
	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(time.Second))
	t.Cleanup(srv.Close)
	srv.AddKey(resttest.Key{Key: fakeKey})
	for _, k := range keys {
		srv.AddKey(k)
	}
	return srv
}

func dial(t *testing.T, srv *realtimetest.Server, opts realtime.Options) *realtime.Conn {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	opts.Endpoint = u
	if opts.Key == "" && opts.Token.Value == "" {
		opts.Key = fakeKey
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := realtime.Connect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// inbox collects the messages of a channel.
type inbox struct {
	mu   sync.Mutex
	msgs []realtime.MessageEvent
	more chan struct{}
}

func newInbox() *inbox { return &inbox{more: make(chan struct{}, 1000)} }

func (b *inbox) add(m realtime.MessageEvent) {
	b.mu.Lock()
	b.msgs = append(b.msgs, m)
	b.mu.Unlock()
	b.more <- struct{}{}
}

// wait returns once n messages came, failing the test after 10 s.
func (b *inbox) wait(t *testing.T, n int) []realtime.MessageEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		got := append([]realtime.MessageEvent(nil), b.msgs...)
		b.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-b.more:
		case <-deadline:
			t.Fatalf("%d messages after 10 s, want %d", len(got), n)
		}
	}
}

func TestFakePublishSubscribe(t *testing.T) {
	srv := fake(t)
	ctx := context.Background()
	sub := dial(t, srv, realtime.Options{ClientID: "sub"})
	in := newInbox()
	if _, err := sub.Channel("chat", realtime.ChannelOptions{OnMessage: in.add}).Attach(ctx); err != nil {
		t.Fatal(err)
	}
	pub := dial(t, srv, realtime.Options{ClientID: "pub"})
	ch := pub.Channel("chat", realtime.ChannelOptions{})
	text, _ := json.Marshal("hello")
	obj, enc, _ := proto.Encode(must(proto.JSONData([]byte(`{"n":1}`))), nil, nil)
	serials, err := ch.Publish(ctx, proto.Message{Name: "a", Data: text}, proto.Message{Name: "b", Data: obj, Encoding: enc})
	if err != nil || len(serials) != 2 || serials[0] == "" {
		t.Fatalf("Publish = %v, %v", serials, err)
	}
	srv.Publish("chat", resttest.Message{Name: "rest", Data: json.RawMessage(`"over REST"`)})
	got := in.wait(t, 3)
	if got[0].Name != "a" || got[0].Data.Text() != "hello" || got[0].ClientID != "pub" || got[0].Serial != serials[0] {
		t.Fatalf("first message %+v", got[0])
	}
	if got[1].Data.Kind() != proto.KindJSON || string(got[1].Data.JSON()) != `{"n":1}` || got[2].Data.Text() != "over REST" {
		t.Fatalf("messages %+v %+v", got[1], got[2])
	}
	if stored := srv.Messages("chat"); len(stored) != 3 || stored[0].ClientID != "pub" {
		t.Fatalf("REST history %+v", stored)
	}
}

func TestFakeCapabilityAndPresence(t *testing.T) {
	srv := fake(t, resttest.Key{Key: "app1.narrow:narrowSecret", Capability: map[string][]string{"room": {"subscribe", "presence"}}})
	ctx := context.Background()
	narrow := dial(t, srv, realtime.Options{Key: "app1.narrow:narrowSecret", ClientID: "ann"})
	_, err := narrow.Channel("other", realtime.ChannelOptions{}).Attach(ctx)
	if ee := realtime.ExitError(err); ee.Code != 5 || ee.AblyCode != 40160 {
		t.Fatalf("attach outside the capability: %v", err)
	}
	room := narrow.Channel("room", realtime.ChannelOptions{})
	if err := room.Enter(ctx, json.RawMessage(`"here"`), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := room.Publish(ctx, proto.Message{Name: "x"}); realtime.ExitError(err).AblyCode != 40160 {
		t.Fatalf("publish without the capability: %v", err)
	}
	watcher := dial(t, srv, realtime.Options{ClientID: "bob"})
	members, err := watcher.Channel("room", realtime.ChannelOptions{}).Members(ctx)
	if err != nil || len(members) != 1 || members[0].ClientID != "ann" || members[0].Action != proto.PresencePresent {
		t.Fatalf("Members = %+v, %v", members, err)
	}
	if rest := srv.Presence("room"); len(rest) != 1 {
		t.Fatalf("REST presence %+v", rest)
	}
}

// A dropped transport is resumed: the same connection, and what was published meanwhile
// arrives once (RTN15, RTL4c1).
func TestFakeDropResumes(t *testing.T) {
	srv := fake(t)
	ctx := context.Background()
	var states []realtime.StateChange
	var mu sync.Mutex
	sub := dial(t, srv, realtime.Options{OnState: func(c realtime.StateChange) { mu.Lock(); states = append(states, c); mu.Unlock() }})
	in := newInbox()
	if _, err := sub.Channel("chat", realtime.ChannelOptions{OnMessage: in.add}).Attach(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Publish("chat", resttest.Message{Name: "before"})
	in.wait(t, 1)
	id := sub.Info().ID
	if err := srv.Drop(id); err != nil {
		t.Fatal(err)
	}
	srv.Publish("chat", resttest.Message{Name: "during"})
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.WaitAttached(wctx, "chat", 1); err != nil {
		t.Fatal(err)
	}
	srv.Publish("chat", resttest.Message{Name: "after"})
	got := in.wait(t, 3)
	time.Sleep(50 * time.Millisecond) // a duplicate would come now
	got = in.wait(t, 3)
	if len(got) != 3 || got[1].Name != "during" || got[2].Name != "after" {
		t.Fatalf("messages %v", names(got))
	}
	if sub.Info().ID != id {
		t.Fatalf("connection %s after the resume, was %s", sub.Info().ID, id)
	}
	mu.Lock()
	defer mu.Unlock()
	if last := states[len(states)-1]; last.Current != realtime.StateConnected || !last.Resumed {
		t.Fatalf("last state %+v", last)
	}
}

// The service's AUTH is answered with a renewed JWT; the connection carries on.
func TestFakeRenewal(t *testing.T) {
	srv := fake(t)
	key, _ := ablyauth.ParseKey(fakeKey)
	is := ablyauth.NewIssuer()
	mint := func(context.Context) (realtime.Token, error) {
		j, err := is.Issue(key, ablyauth.JWTRequest{ClientID: "jo", TTL: time.Hour})
		return realtime.Token{Value: j.Token, Expires: j.ExpiresAt}, err
	}
	first, _ := mint(context.Background())
	updates := make(chan realtime.StateChange, 10)
	c := dial(t, srv, realtime.Options{Token: first, Renew: mint, OnState: func(s realtime.StateChange) {
		if s.Previous == s.Current {
			updates <- s
		}
	}})
	srv.RequestAuth()
	select {
	case <-updates:
	case <-time.After(10 * time.Second):
		t.Fatal("no CONNECTED after the AUTH")
	}
	if c.Info().ClientID != "jo" || c.Err() != nil {
		t.Fatalf("after renewal: %+v %v", c.Info(), c.Err())
	}
}

func names(list []realtime.MessageEvent) []string {
	var n []string
	for _, m := range list {
		n = append(n, m.Name)
	}
	return n
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
