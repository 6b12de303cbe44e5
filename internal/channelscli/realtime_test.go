package channelscli

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/resttest"
)

func fakeRealtime(t *testing.T) *realtimetest.Server {
	t.Helper()
	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(time.Second))
	t.Cleanup(srv.Close)
	srv.AddKey(resttest.Key{Key: testKey})
	return srv
}

func realtimeSettings(srv *realtimetest.Server) dataplane.Settings {
	return dataplane.Settings{Resolve: resolve.Flags{APIKey: testKey, Endpoint: srv.URL}}
}

// background runs a long-running command, returning its error on the channel.
func background(run func() error) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- run() }()
	return errc
}

func waitFor(t *testing.T, what string, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f(ctx); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func result(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(15 * time.Second):
		t.Fatal("the command did not end")
		return nil
	}
}

// subscribe --count prints exactly N messages, JSON records one a line, then detaches
// and closes: the fake sees no connection left.
func TestRunSubscribeCount(t *testing.T) {
	srv := fakeRealtime(t)
	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	errc := background(func() error {
		return runSubscribe(ctx, d, subscribeOptions{Data: realtimeSettings(srv), Channels: []string{"a", "b"},
			Limits: live.Limits{Count: 3}})
	})
	waitFor(t, "attached", func(ctx context.Context) error { return srv.WaitAttached(ctx, "b", 1) })
	srv.Publish("a", resttest.Message{Name: "one", Data: json.RawMessage(`"1"`)})
	srv.Publish("b", resttest.Message{Name: "two", Data: json.RawMessage(`{"n":2}`)})
	srv.Publish("a", resttest.Message{Name: "three"})
	srv.Publish("a", resttest.Message{Name: "four"})
	if err := result(t, errc); err != nil {
		t.Fatal(err)
	}
	var names []string
	sc := bufio.NewScanner(strings.NewReader(streams.Stdout.String()))
	for sc.Scan() {
		var rec struct {
			Channel, Name, Action string
			Data                  json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not NDJSON: %q", sc.Text())
		}
		names = append(names, rec.Channel+"/"+rec.Name+"/"+rec.Action+"/"+string(rec.Data))
	}
	if got := strings.Join(names, " "); got != `a/one/message.create/"1" b/two/message.create/{"n":2} a/three/message.create/` {
		t.Fatalf("records: %s", got)
	}
	if !strings.Contains(streams.Stderr.String(), `Subscribed to channels "a", "b"; waiting for messages (Ctrl-C to stop)`) {
		t.Fatalf("stderr %q", streams.Stderr)
	}
	waitFor(t, "connections gone", func(ctx context.Context) error { return srv.WaitConnections(ctx, 0) })
}

// Ctrl-C (the context's end) stops subscribe with exit 0, detached and closed.
func TestRunSubscribeInterrupted(t *testing.T) {
	srv := fakeRealtime(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, d, _ := plugintest.Options{}.Deps(t)
	errc := background(func() error {
		return runSubscribe(ctx, d, subscribeOptions{Data: realtimeSettings(srv), Channels: []string{"c"}})
	})
	waitFor(t, "attached", func(ctx context.Context) error { return srv.WaitAttached(ctx, "c", 1) })
	time.Sleep(200 * time.Millisecond) // for ATTACHED to reach the command: Ctrl-C before is exit 130
	cancel()
	if err := result(t, errc); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "connections gone", func(ctx context.Context) error { return srv.WaitConnections(ctx, 0) })
}

// --raw prints the data alone, one message a line; --rewind starts with what was there.
func TestRunSubscribeRawRewind(t *testing.T) {
	srv := fakeRealtime(t)
	srv.Publish("c", resttest.Message{Data: json.RawMessage(`{"k":"v"}`)})
	srv.Publish("c", resttest.Message{Data: json.RawMessage(`"plain text"`)})
	ctx, d, streams := plugintest.Options{}.Deps(t)
	err := runSubscribe(ctx, d, subscribeOptions{Data: realtimeSettings(srv), Channels: []string{"c"}, Raw: true, Rewind: "2",
		Limits: live.Limits{Count: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if streams.Stdout.String() != "{\"k\":\"v\"}\nplain text\n" {
		t.Fatalf("raw output %q", streams.Stdout)
	}
}

// Publishing --count over Realtime keeps the order and reports every serial.
func TestRunPublishRealtime(t *testing.T) {
	srv := fakeRealtime(t)
	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	err := runPublish(ctx, d, publishOptions{Data: realtimeSettings(srv), Channel: "rt", Count: 250, Realtime: true,
		Input: messageInput{Text: `{"n":{{.Count}}}`}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages("rt")
	if len(msgs) != 250 {
		t.Fatalf("%d stored", len(msgs))
	}
	for i, m := range msgs {
		var v struct{ N int }
		data, _ := dataplane.DecodeData(m.Data, m.Encoding, nil)
		if json.Unmarshal(data, &v) != nil || v.N != i+1 {
			t.Fatalf("message %d: %s %s", i, m.Data, m.Encoding)
		}
	}
	var r publishReport
	if err := json.Unmarshal(streams.Stdout.Bytes(), &r); err != nil || r.Published != 250 || r.Messages[249].Serial == nil ||
		*r.Messages[249].Serial != msgs[249].Serial {
		t.Fatalf("report %+v: %v", r, err)
	}
}

// presence enter stays until stopped, then leaves: the fake's REST presence shows it while
// it runs, and nobody after.
func TestRunPresenceEnter(t *testing.T) {
	srv := fakeRealtime(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, d, streams := plugintest.Options{}.Deps(t)
	s := realtimeSettings(srv)
	s.ClientID = "alice"
	errc := background(func() error {
		return runPresenceEnter(ctx, d, presenceLiveOptions{channelOptions: channelOptions{Data: s, Channel: "room"},
			MemberData: `{"status":"learning about Ably!"}`, HasData: true})
	})
	waitFor(t, "present", func(ctx context.Context) error { return srv.WaitPresent(ctx, "room", "alice") })
	time.Sleep(200 * time.Millisecond) // for the ACK to reach the command
	members := srv.Presence("room")
	if len(members) != 1 {
		t.Fatalf("members %+v", members)
	}
	if data, _ := dataplane.DecodeData(members[0].Data, members[0].Encoding, nil); string(data) != `{"status":"learning about Ably!"}` {
		t.Fatalf("member data %s (%s)", members[0].Data, members[0].Encoding)
	}
	cancel()
	if err := result(t, errc); err != nil {
		t.Fatal(err)
	}
	if left := srv.Presence("room"); len(left) != 0 {
		t.Fatalf("still present after the end: %+v", left)
	}
	if !strings.Contains(streams.Stderr.String(), `Entered the presence of channel "room" as client ID "alice"`) {
		t.Fatalf("stderr %q", streams.Stderr)
	}
}

// --cipher decrypts what was published encrypted (RSL5); without it the encoding says so.
func TestRunSubscribeCipher(t *testing.T) {
	srv := fakeRealtime(t)
	key, err := proto.ParseCipherKey("MDEyMzQ1Njc4OWFiY2RlZg==")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"secret one", "secret two"} {
		data, enc, err := proto.Encode(proto.StringData(text), &key, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv.Publish("vault", resttest.Message{Name: "s", Data: data, Encoding: enc})
	}
	ctx, d, streams := plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runSubscribe(ctx, d, subscribeOptions{Data: realtimeSettings(srv), Channels: []string{"vault"}, Rewind: "2",
		Cipher: &key, Limits: live.Limits{Count: 2}}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); strings.Count(out, `"data":"secret `) != 2 || strings.Contains(out, "cipher") {
		t.Fatalf("decrypted: %s", out)
	}
	ctx, d, streams = plugintest.Options{Format: output.JSON}.Deps(t)
	if err := runSubscribe(ctx, d, subscribeOptions{Data: realtimeSettings(srv), Channels: []string{"vault"}, Rewind: "1",
		Limits: live.Limits{Count: 1}}); err != nil {
		t.Fatal(err)
	}
	if out := streams.Stdout.String(); !strings.Contains(out, `"encoding":"utf-8/cipher+aes-128-cbc/base64"`) {
		t.Fatalf("without the key: %s", out)
	}
}
