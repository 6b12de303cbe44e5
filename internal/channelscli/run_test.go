package channelscli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/resttest"
)

const testKey = "appA.keyA:s3cr3tSecretValue"

func fakeREST(t *testing.T) *resttest.Server {
	t.Helper()
	srv := resttest.New(resttest.WithKeys(func(name string) (resttest.Key, bool) {
		return resttest.Key{Key: testKey}, name == "appA.keyA"
	}))
	t.Cleanup(srv.Close)
	return srv
}

func keySettings(srv *resttest.Server) dataplane.Settings {
	return dataplane.Settings{Resolve: resolve.Flags{APIKey: testKey, Endpoint: srv.URL}}
}

// With --delay 0 the messages of --count go in as few requests as fit, each with its
// idempotent ID, in order; with a delay each is its own request.
func TestRunPublishPacks(t *testing.T) {
	srv := fakeREST(t)
	for _, tc := range []struct {
		count, requests int
		delay           time.Duration
	}{{250, 3, 0}, {3, 3, time.Millisecond}} {
		transport := &plugintest.CountingTransport{}
		ctx, d, streams := plugintest.Options{Transport: transport}.Deps(t)
		channel := "pack-" + tc.delay.String()
		err := runPublish(ctx, d, publishOptions{Data: keySettings(srv), Channel: channel, Count: tc.count, Delay: tc.delay,
			Input: messageInput{Text: "n{{.Count}}"}})
		if err != nil {
			t.Fatal(err)
		}
		if transport.N != tc.requests {
			t.Errorf("count %d delay %v: %d requests, want %d", tc.count, tc.delay, transport.N, tc.requests)
		}
		msgs := srv.Messages(channel)
		if len(msgs) != tc.count {
			t.Fatalf("%d messages stored, want %d", len(msgs), tc.count)
		}
		base, _, _ := strings.Cut(msgs[0].ID, ":")
		for i, m := range msgs {
			if want := base + ":" + strconv.Itoa(i); m.ID != want || string(m.Data) != `"n`+strconv.Itoa(i+1)+`"` {
				t.Fatalf("message %d: id %s data %s, want %s \"n%d\"", i, m.ID, m.Data, want, i+1)
			}
		}
		if !strings.Contains(streams.Stdout.String(), strconv.Itoa(tc.count)+" messages published") {
			t.Errorf("output %q", streams.Stdout)
		}
	}
}

// A JWT's limits are checked before anything is sent: no request reaches the transport.
func TestRunRefusesUnsent(t *testing.T) {
	srv := fakeREST(t)
	key, _ := ablyauth.ParseKey(testKey)
	now := time.Now()
	tok, err := ablyauth.Issuer{Now: func() time.Time { return now }, Rand: strings.NewReader("abcd")}.
		Issue(key, ablyauth.JWTRequest{Capability: ablyauth.Capability{"chat:*": {"subscribe"}}, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := dataplane.Settings{Resolve: resolve.Flags{Token: tok.Token, Endpoint: srv.URL}}
	transport := &plugintest.CountingTransport{}
	ctx, d, _ := plugintest.Options{Transport: transport}.Deps(t)
	for name, run := range map[string]func() error{
		"publish": func() error {
			return runPublish(ctx, d, publishOptions{Data: s, Channel: "chat:1", Count: 1, Input: messageInput{Text: "x"}})
		},
		"history": func() error {
			return runHistory(ctx, d, historyOptions{Data: s, Channel: "chat:1", Query: dataplane.HistoryQuery{Limit: 1}})
		},
		"list":      func() error { return runList(ctx, d, listOptions{Data: s, Limit: 1}) },
		"occupancy": func() error { return runOccupancy(ctx, d, channelOptions{Data: s, Channel: "chat:1"}) },
		"batch": func() error {
			return runBatchPublish(ctx, d, batchOptions{Data: s, Channels: []string{"chat:1"}, Input: messageInput{Text: "x"}})
		},
		"delete": func() error {
			return runEdit(ctx, d, editOptions{serialOptions: serialOptions{Data: s, Channel: "chat:1", Serial: "s"}, Kind: deleteEdit})
		},
	} {
		if err := run(); exitcode.Of(err) != exitcode.Permission {
			t.Errorf("%s: %v, want a permission refusal", name, err)
		}
	}
	if transport.N != 0 {
		t.Errorf("%d requests sent", transport.N)
	}
}
