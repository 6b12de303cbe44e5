package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func TestConnectSendsParamsAndTakesDetails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		opts := testOptions(svc, st)
		opts.ClientID, opts.Agent = "bob", "ably-cli/1.0"
		c, a := connect(t, svc, opts)
		q := a.url.Query()
		if a.url.Scheme != "wss" || q.Get("key") != "app.key:secret" || q.Get("clientId") != "bob" || q.Get("v") != "6" ||
			q.Get("heartbeats") != "true" || q.Get("echo") != "true" || q.Get("format") != "json" || q.Get("agent") != "ably-cli/1.0" {
			t.Fatalf("connection URL %s", Redacted(a.url))
		}
		i := c.Info()
		if i.ID != "conn-1" || i.ClientID != "bob" || i.State != StateConnected || i.Details.ConnectionKey != "key-1" {
			t.Fatalf("Info = %+v", i)
		}
		if st.String() != "connecting connected" {
			t.Fatalf("states: %s", st)
		}
	})
}

func TestConnectRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		errc := make(chan error, 1)
		go func() { _, err := Connect(context.Background(), testOptions(svc, st)); errc <- err }()
		a := svc.next()
		a.send(proto.ProtocolMessage{Action: proto.ActionError, Error: &proto.ErrorInfo{Code: 40101, StatusCode: 401, Message: "Invalid key"}})
		err := <-errc
		var ce *ConnectError
		if !errors.As(err, &ce) || ce.Info.Code != 40101 || ExitError(err).Code != 4 {
			t.Fatalf("Connect = %v", err)
		}
		if st.String() != "connecting failed" {
			t.Fatalf("states: %s", st)
		}
	})
}

// An attempt that gets no answer fails after the realtime request timeout (RTN14c); the
// next comes after disconnectedRetryTimeout with RTB1's backoff (RTN14d), and after
// connectionStateTtl the connection is SUSPENDED (RTN14e).
func TestConnectRetriesWithBackoffThenSuspends(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		opts := testOptions(svc, st)
		opts.Timeouts.ConnectionStateTTL = 60 * time.Second
		c, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Abort()
		start := time.Now()
		c.ConnectNow()
		var at []time.Duration
		for range 4 {
			svc.next() // never answered
			at = append(at, time.Since(start).Round(time.Second))
		}
		// Attempts at 0; then each 10 s timeout plus 15 s × backoff (1, 4/3, 5/3) × 0.8.
		want := []time.Duration{0, 22 * time.Second, 48 * time.Second, 78 * time.Second}
		for i := range want {
			if at[i] != want[i] {
				t.Fatalf("attempts at %v, want %v", at, want)
			}
		}
		synctest.Wait()
		if got := st.String(); got != "connecting disconnected connecting disconnected connecting disconnected connecting" {
			t.Fatalf("states: %s", got)
		}
		time.Sleep(11 * time.Second) // the fourth attempt times out, 88 s after the first
		synctest.Wait()
		if c.Info().State != StateSuspended {
			t.Fatalf("states: %s", st)
		}
		if _, err := c.Channel("x", ChannelOptions{}).Publish(context.Background(), proto.Message{Name: "n"}); err == nil {
			t.Fatal("a publish while SUSPENDED was accepted")
		}
	})
}

func TestAttachPublishAck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		ch := c.Channel("chat", ChannelOptions{Modes: proto.FlagSubscribe | proto.FlagPublish, Params: map[string]string{"rewind": "5"}})
		done := make(chan Attached, 1)
		go func() {
			at, err := ch.Attach(context.Background())
			if err != nil {
				t.Error(err)
			}
			done <- at
		}()
		pm := a.expect(proto.ActionAttach)
		if pm.Flags != proto.FlagSubscribe|proto.FlagPublish || pm.Params["rewind"] != "5" || pm.ChannelSerial != "" {
			t.Fatalf("ATTACH %s params %v", pm.String(), pm.Params)
		}
		a.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: "chat", Flags: proto.FlagSubscribe | proto.FlagHasBacklog,
			ChannelSerial: "s0", Params: map[string]string{"rewind": "5"}})
		at := <-done
		if at.Modes != proto.FlagSubscribe || at.Params["rewind"] != "5" || at.Serial != "s0" {
			t.Fatalf("Attached = %+v", at)
		}

		serials := make(chan []string, 2)
		errs := make(chan error, 2)
		for _, name := range []string{"one", "two"} {
			ch.PublishAsync([]proto.Message{{Name: name, Data: json.RawMessage(`"x"`)}}, func(s []string, err error) {
				serials <- s
				errs <- err
			})
		}
		m0, m1 := a.expect(proto.ActionMessage), a.expect(proto.ActionMessage)
		if m0.MsgSerial != 0 || m1.MsgSerial != 1 || m0.Messages[0].Name != "one" {
			t.Fatalf("msgSerials %d %d", m0.MsgSerial, m1.MsgSerial)
		}
		a.send(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: 0, Count: 1, Res: []proto.PublishResult{{Serials: []string{"S0"}}}})
		a.send(proto.ProtocolMessage{Action: proto.ActionNack, MsgSerial: 1, Count: 1,
			Error: &proto.ErrorInfo{Code: 40160, StatusCode: 401, Message: "not permitted"}})
		if s, err := <-serials, <-errs; err != nil || len(s) != 1 || s[0] != "S0" {
			t.Fatalf("first publish: %v %v", s, err)
		}
		<-serials
		err := <-errs
		var che *ChannelError
		if !errors.As(err, &che) || che.Info.Code != 40160 || ExitError(err).Code != 5 {
			t.Fatalf("NACKed publish: %v", err)
		}
		if _, err := ch.Publish(context.Background(), proto.Message{Data: json.RawMessage(`"` + string(make([]byte, 70000)) + `"`)}); err == nil ||
			ExitError(err).AblyCode != 40009 {
			t.Fatalf("a message over maxMessageSize: %v", err)
		}
		_ = st
	})
}

func TestAttachRefusedAndTimedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		errc := make(chan error, 1)
		go func() { _, err := c.Channel("secret", ChannelOptions{}).Attach(context.Background()); errc <- err }()
		a.expect(proto.ActionAttach)
		a.send(proto.ProtocolMessage{Action: proto.ActionError, Channel: "secret",
			Error: &proto.ErrorInfo{Code: 40160, StatusCode: 401, Message: "Channel denied access based on given capability"}})
		if err := <-errc; ExitError(err).Code != 5 {
			t.Fatalf("refused attach: %v", err)
		}

		var changes []ChannelStateChange
		ch := c.Channel("slow", ChannelOptions{OnState: func(s ChannelStateChange) { changes = append(changes, s) }})
		go func() { _, err := ch.Attach(context.Background()); errc <- err }()
		a.expect(proto.ActionAttach)
		if err := <-errc; ExitError(err).AblyCode != 90007 { // RTL4f, after 10 s
			t.Fatalf("attach without an answer: %v", err)
		}
		a.expect(proto.ActionAttach) // RTL13b: tried again after the channel retry timeout
		a.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: "slow"})
		synctest.Wait()
		if len(changes) != 4 || changes[1].Current != ChannelSuspended || changes[3].Current != ChannelAttached {
			t.Fatalf("channel states %+v", changes)
		}
	})
}

func TestMessagesDecodedAndCompleted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		got := make(chan MessageEvent, 4)
		ch := c.Channel("chat", ChannelOptions{OnMessage: func(m MessageEvent) { got <- m }})
		go ch.Attach(context.Background())
		a.attach("chat", proto.FlagSubscribe, "")
		a.raw(`{"action":15,"channel":"chat","id":"other:7","connectionId":"other","timestamp":1700000000000,"channelSerial":"cs1",` +
			`"messages":[{"name":"a","data":"{\"n\":1}","encoding":"json"},{"id":"own","name":"b","data":"AAH/","encoding":"base64","timestamp":5}]}`)
		m1, m2 := <-got, <-got
		if m1.ID != "other:7:0" || m1.ConnectionID != "other" || m1.Timestamp != 1700000000000 || m1.Data.Kind() != proto.KindJSON ||
			string(m1.Data.JSON()) != `{"n":1}` {
			t.Fatalf("first message %+v", m1)
		}
		if m2.ID != "own" || m2.Timestamp != 5 || m2.Data.Kind() != proto.KindBytes || string(m2.Data.Bytes()) != "\x00\x01\xff" {
			t.Fatalf("second message %+v", m2)
		}
		if s := <-func() chan string { r := make(chan string, 1); c.post(func() { r <- ch.serial }); return r }(); s != "cs1" {
			t.Fatalf("channel serial %q", s) // RTL15b
		}
	})
}

// A silent transport is dropped after maxIdleInterval + the realtime request timeout
// (RTN23a); the client resumes at once (RTN15a), re-attaches from its channel serial
// (RTL4c1) and sends again, with the same serial, what was not acknowledged (RTN19a).
func TestIdleTimeoutResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		ch := c.Channel("chat", ChannelOptions{OnMessage: func(MessageEvent) {}})
		go ch.Attach(context.Background())
		a.attach("chat", proto.FlagSubscribe, "cs9")
		result := make(chan error, 1)
		ch.PublishAsync([]proto.Message{{Name: "n"}}, func(_ []string, err error) { result <- err })
		a.expect(proto.ActionMessage)
		start := time.Now()

		b := svc.next()
		synctest.Wait()
		if waited := time.Since(start); waited != 25*time.Second || !a.isClosed() {
			t.Fatalf("reconnected after %v (closed %v)", waited, a.isClosed())
		}
		if b.url.Query().Get("resume") != "key-1" {
			t.Fatalf("resume param %q", b.url.Query().Get("resume"))
		}
		b.connected("conn-1", "key-2", "")
		if pm := b.attach("chat", proto.FlagSubscribe|proto.FlagResumed, "cs9"); pm.ChannelSerial != "cs9" {
			t.Fatalf("re-ATTACH with serial %q", pm.ChannelSerial)
		}
		if pm := b.expect(proto.ActionMessage); pm.MsgSerial != 0 {
			t.Fatalf("resent with msgSerial %d", pm.MsgSerial)
		}
		b.send(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: 0, Count: 1})
		if err := <-result; err != nil {
			t.Fatal(err)
		}
		if got := st.String(); got != "connecting connected disconnected connecting connected(resumed)" {
			t.Fatalf("states: %s", got)
		}
		if c.Info().Details.ConnectionKey != "key-2" { // RTN15e
			t.Fatal("the connection key was not updated")
		}
	})
}

// A resume the service could not honour (a new connection ID and an error) numbers the
// pending messages from 0 again (RTN15c7, RTN19a2).
func TestFailedResumeRenumbers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		ch := c.Channel("chat", ChannelOptions{})
		for range 3 {
			ch.PublishAsync([]proto.Message{{Name: "n"}}, func([]string, error) {})
		}
		for range 3 {
			a.expect(proto.ActionMessage)
		}
		a.send(proto.ProtocolMessage{Action: proto.ActionAck, MsgSerial: 0, Count: 1})
		a.drop()
		b := svc.next()
		b.send(proto.ProtocolMessage{Action: proto.ActionConnected, ConnectionID: "conn-2",
			Error:             &proto.ErrorInfo{Code: 80008, StatusCode: 400, Message: "unable to recover"},
			ConnectionDetails: &proto.ConnectionDetails{ConnectionKey: "key-9"}})
		if m := b.expect(proto.ActionMessage); m.MsgSerial != 0 {
			t.Fatalf("first resent serial %d", m.MsgSerial)
		}
		if m := b.expect(proto.ActionMessage); m.MsgSerial != 1 {
			t.Fatalf("second resent serial %d", m.MsgSerial)
		}
		synctest.Wait()
		if got := st.String(); got != "connecting connected disconnected connecting connected" {
			t.Fatalf("states: %s", got)
		}
	})
}

// The service's AUTH is answered with a renewed token (RTN22, RTC8a); a token error
// ending the connection is answered with a renewal and a resume (RTN15h2).
func TestRenewal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		opts := testOptions(svc, st)
		opts.Key, opts.Token = "", Token{Value: "jwt-0", Expires: time.Now().Add(time.Hour)}
		n := 0
		opts.Renew = func(context.Context) (Token, error) {
			n++
			return Token{Value: "jwt-" + string(rune('0'+n)), Expires: time.Now().Add(40 * time.Second)}, nil
		}
		c, a := connect(t, svc, opts)
		if a.url.Query().Get("access_token") != "jwt-0" || a.url.Query().Has("key") {
			t.Fatalf("connected with %s", Redacted(a.url))
		}
		a.send(proto.ProtocolMessage{Action: proto.ActionAuth})
		if pm := a.expect(proto.ActionAuth); pm.Auth == nil || pm.Auth.AccessToken != "jwt-1" {
			t.Fatalf("AUTH %+v", pm.Auth)
		}
		a.connected("conn-1", "key-1", "")
		a.send(proto.ProtocolMessage{Action: proto.ActionDisconnected, Error: &proto.ErrorInfo{Code: 40142, StatusCode: 401, Message: "Token expired"}})
		b := svc.next()
		if q := b.url.Query(); q.Get("access_token") != "jwt-2" || q.Get("resume") != "key-1" {
			t.Fatalf("reconnected with %s", Redacted(b.url))
		}
		b.connected("conn-1", "key-1", "")
		// The token's own expiry: renewed 30 s before it, on the live connection.
		if pm := b.expect(proto.ActionAuth); pm.Auth.AccessToken != "jwt-3" {
			t.Fatalf("proactive AUTH %+v", pm.Auth)
		}
		synctest.Wait()
		if got := st.String(); got != "connecting connected update(resumed) disconnected connecting connected(resumed)" {
			t.Fatalf("states: %s", got)
		}
		if c.Err() != nil {
			t.Fatal(c.Err())
		}
	})
}

// Without a way to renew, a token error ends the connection FAILED with exit code 4
// (RTN15h1).
func TestTokenExpiryWithoutRenewalFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		opts := testOptions(svc, st)
		opts.Key, opts.Token = "", Token{Value: "jwt"}
		c, a := connect(t, svc, opts)
		a.send(proto.ProtocolMessage{Action: proto.ActionDisconnected, Error: &proto.ErrorInfo{Code: 40142, StatusCode: 401, Message: "Token expired"}})
		<-c.Done()
		if ee := ExitError(c.Err()); ee.Code != 4 || ee.AblyCode != 40142 {
			t.Fatalf("ended with %v (exit %d)", c.Err(), ee.Code)
		}
	})
}

func TestCloseAndPing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		go func() {
			pm := a.expect(proto.ActionHeartbeat)
			time.Sleep(30 * time.Millisecond)
			a.send(proto.ProtocolMessage{Action: proto.ActionHeartbeat, ID: pm.ID})
		}()
		rtt, err := c.Ping(context.Background())
		if err != nil || rtt != 30*time.Millisecond {
			t.Fatalf("Ping = %v, %v", rtt, err)
		}
		ch := c.Channel("chat", ChannelOptions{})
		go ch.Attach(context.Background())
		a.attach("chat", proto.FlagSubscribe, "")
		closed := make(chan error, 1)
		go func() { closed <- c.Close(context.Background()) }()
		a.expect(proto.ActionClose)
		a.send(proto.ProtocolMessage{Action: proto.ActionClosed})
		<-closed
		if c.Err() != ErrClosed || st.String() != "connecting connected closing closed" {
			t.Fatalf("closed with %v; states %s", c.Err(), st)
		}
		if _, err := ch.Publish(context.Background(), proto.Message{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("publish after Close: %v", err)
		}

		// A service that never answers CLOSE: CLOSED after the realtime request timeout.
		c2, a2 := connect(t, svc, testOptions(svc, &states{}))
		start := time.Now()
		go c2.Close(context.Background())
		a2.expect(proto.ActionClose)
		<-c2.Done()
		if time.Since(start) != 10*time.Second {
			t.Fatalf("closed after %v", time.Since(start))
		}
	})
}

func TestServerDetachReattaches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		c, a := connect(t, svc, testOptions(svc, st))
		ch := c.Channel("chat", ChannelOptions{})
		go ch.Attach(context.Background())
		a.attach("chat", proto.FlagSubscribe, "cs1")
		a.send(proto.ProtocolMessage{Action: proto.ActionDetached, Channel: "chat", Error: &proto.ErrorInfo{Code: 90198}})
		if pm := a.attach("chat", proto.FlagSubscribe, "cs2"); pm.ChannelSerial != "cs1" { // RTL13a
			t.Fatalf("re-ATTACH %s", pm.String())
		}
		if err := func() error {
			errc := make(chan error, 1)
			go func() { errc <- ch.Detach(context.Background()) }()
			a.expect(proto.ActionDetach)
			a.send(proto.ProtocolMessage{Action: proto.ActionDetached, Channel: "chat"})
			return <-errc
		}(); err != nil {
			t.Fatal(err)
		}
	})
}

// With FirstAttempts, a first connection that cannot be made fails instead of retrying.
func TestFirstAttemptsGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc, st := newService(t), &states{}
		opts := testOptions(svc, st)
		opts.FirstAttempts = 2
		svc.refuse <- errors.New("connection refused")
		svc.refuse <- errors.New("connection refused again")
		start := time.Now()
		_, err := Connect(context.Background(), opts)
		if err == nil || ExitError(err).Code != 6 || time.Since(start) != 12*time.Second { // one retry after 15 s × 0.8
			t.Fatalf("Connect = %v after %v", err, time.Since(start))
		}
		if got := st.String(); got != "connecting disconnected connecting failed" {
			t.Fatalf("states: %s", got)
		}
	})
}
