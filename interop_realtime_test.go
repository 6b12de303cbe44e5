package ably_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/internal/scripttest"
	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// limitedKey may only subscribe to "allowed": attaching elsewhere must fail.
const limitedKey = "interApp.limited:limitedSecretValue"

// jsStep is a run of interop/realtime.mjs, possibly in the background.
type jsStep struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   bytes.Buffer
	log   bytes.Buffer // stderr
	done  chan error
}

// startRealtimeJS starts a step of interop/realtime.mjs with Ably's JavaScript SDK against
// srv (skipped or failed as nodeWithSDK says).
func startRealtimeJS(t *testing.T, srv *realtimetest.Server, env []string, step, channel, arg string) *jsStep {
	t.Helper()
	node := nodeWithSDK(t)
	u, _ := url.Parse(srv.URL)
	s := &jsStep{name: step + " " + channel, done: make(chan error, 1)}
	s.cmd = exec.Command(node, filepath.Join("interop", "realtime.mjs"), step, channel, arg)
	s.cmd.Env = append([]string{"ABLY_INTEROP_DEBUG=" + os.Getenv("ABLY_INTEROP_DEBUG"), "PATH=" + os.Getenv("PATH"), "ABLY_INTEROP_HOST=" + u.Hostname(), "ABLY_INTEROP_PORT=" + u.Port()}, env...)
	s.cmd.Stdout = &s.out
	s.cmd.Stderr = &s.log
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("ably-js %s: %v", s.name, err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = s.stdin.Close()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// result waits for the step to end (closing its stdin first when stop is set) and decodes
// the JSON document it printed.
func (s *jsStep) result(t *testing.T, stop bool, out any) {
	t.Helper()
	if stop {
		_ = s.stdin.Close()
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("ably-js %s: %v\n%s%s", s.name, err, s.out.String(), s.log.String())
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Fatalf("ably-js %s did not finish; it printed:\n%s%s", s.name, s.out.String(), s.log.String())
	}
	if err := json.Unmarshal(s.out.Bytes(), out); err != nil {
		t.Fatalf("ably-js %s printed %q: %v", s.name, s.out.String(), err)
	}
}

// runRealtimeJS runs a step to its end.
func runRealtimeJS(t *testing.T, srv *realtimetest.Server, env []string, step, channel, arg string, out any) {
	t.Helper()
	startRealtimeJS(t, srv, env, step, channel, arg).result(t, false, out)
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// jsMessage is a message as realtime.mjs shows it.
type jsMessage struct {
	ID, Name, Kind, ClientID, ConnectionID, Serial string
	Data                                           any
}

type jsSubscribed struct {
	Messages      []jsMessage
	ConnectionIDs []string
	States        []string
}

// TestRealtimeInterop holds the fake Realtime API to Ably's own JavaScript SDK: what one
// ably-js publishes another receives, with every kind of data; REST and Realtime share the
// store; presence, capabilities, JWTs, a dropped transport and a server AUTH behave as the
// SDK expects.
func TestRealtimeInterop(t *testing.T) {
	var spec fakeserver.Checker
	if s := scripttest.LoadSpec(t); s != nil {
		spec = s.REST
	}
	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(2*time.Second), realtimetest.WithREST(resttest.WithSpec(spec)))
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: interopKey})
	srv.AddKey(resttest.Key{Key: limitedKey, Capability: map[string][]string{"allowed": {"subscribe"}}})
	keyEnv := []string{"ABLY_INTEROP_KEY=" + interopKey}

	t.Run("publish and subscribe", func(t *testing.T) {
		sub := startRealtimeJS(t, srv, keyEnv, "subscribe", "rt-interop", "3")
		if err := srv.WaitAttached(waitCtx(t), "rt-interop", 1); err != nil {
			t.Fatalf("the ably-js subscriber did not attach: %v\n%s", err, sub.out.String())
		}
		var pub struct {
			Published    int
			ConnectionID string
		}
		runRealtimeJS(t, srv, append(keyEnv, "ABLY_INTEROP_CLIENT_ID=js-publisher"), "publish", "rt-interop", "", &pub)
		var got jsSubscribed
		sub.result(t, false, &got)
		if len(got.Messages) != 3 {
			t.Fatalf("the subscriber got %+v", got.Messages)
		}
		want := []struct{ name, kind string }{{"object", "object"}, {"text", "string"}, {"bytes", "bytes"}}
		for i, m := range got.Messages {
			if m.Name != want[i].name || m.Kind != want[i].kind || m.ClientID != "js-publisher" || m.ConnectionID != pub.ConnectionID || m.Serial == "" {
				t.Errorf("message %d as ably-js received it: %+v", i, m)
			}
		}
		if d, ok := got.Messages[0].Data.(map[string]any); !ok || d["n"] != float64(1) {
			t.Errorf("object data %#v", got.Messages[0].Data)
		}
		if got.Messages[1].Data != "hello over realtime" || got.Messages[2].Data != "AAEC/w==" {
			t.Errorf("text and bytes data: %#v, %#v", got.Messages[1].Data, got.Messages[2].Data)
		}
		stored := srv.Messages("rt-interop")
		if len(stored) != 3 || !strings.HasPrefix(stored[0].ID, pub.ConnectionID+":") || stored[2].Encoding != "base64" {
			t.Errorf("stored over REST: %+v", stored)
		}
		history := suite(t, srv.Server, "channels", "history", "rt-interop", "--direction", "forwards", "--json")
		for _, w := range []string{`"name":"object","data":{"n":1,"list":[true,null]}`, `"data":"hello over realtime"`, `"name":"bytes","data":"AAEC/w==","encoding":"base64"`} {
			if !strings.Contains(history, w) {
				t.Errorf("the suite's history lacks %s:\n%s", w, history)
			}
		}
	})

	t.Run("REST publish to a Realtime subscriber", func(t *testing.T) {
		sub := startRealtimeJS(t, srv, keyEnv, "subscribe", "rt-rest", "1")
		if err := srv.WaitAttached(waitCtx(t), "rt-rest", 1); err != nil {
			t.Fatalf("the ably-js subscriber did not attach: %v\n%s", err, sub.out.String())
		}
		suite(t, srv.Server, "channels", "publish", "rt-rest", `{"name":"from-suite","data":{"ok":true}}`)
		var got jsSubscribed
		sub.result(t, false, &got)
		if len(got.Messages) != 1 || got.Messages[0].Name != "from-suite" || got.Messages[0].Kind != "object" {
			t.Errorf("the REST message as ably-js received it: %+v", got.Messages)
		}
	})

	t.Run("presence", func(t *testing.T) {
		member := startRealtimeJS(t, srv, append(keyEnv, "ABLY_INTEROP_CLIENT_ID=js-member"), "enter", "rt-presence", "online")
		if err := srv.WaitPresent(waitCtx(t), "rt-presence", "js-member"); err != nil {
			t.Fatalf("ably-js did not enter: %v\n%s", err, member.out.String())
		}
		var seen struct {
			Events, Members []struct {
				Action, ClientID, ConnectionID string
				Data                           any
			}
		}
		runRealtimeJS(t, srv, keyEnv, "presence", "rt-presence", "js-member", &seen)
		if len(seen.Members) != 1 || seen.Members[0].ClientID != "js-member" || seen.Members[0].Data != "online" || seen.Members[0].Action != "present" {
			t.Errorf("presence.get() in ably-js: %+v", seen.Members)
		}
		if len(seen.Events) == 0 || seen.Events[len(seen.Events)-1].ClientID != "js-member" {
			t.Errorf("presence.subscribe in ably-js: %+v", seen.Events)
		}
		// The REST API lists the member ably-js entered over Realtime.
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/channels/rt-presence/presence", nil)
		req.SetBasicAuth("interApp.interKey", "interopSecretValue")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var rest []struct{ ClientID, ConnectionID string }
		err = json.NewDecoder(resp.Body).Decode(&rest)
		resp.Body.Close()
		if err != nil || len(rest) != 1 || rest[0].ClientID != "js-member" || rest[0].ConnectionID != seen.Members[0].ConnectionID {
			t.Errorf("GET /channels/rt-presence/presence: %+v (%v)", rest, err)
		}
		var left struct{ Entered bool }
		member.result(t, true, &left)
		if !left.Entered {
			t.Errorf("the member's step: %+v", left)
		}
		if err := srv.WaitConnections(waitCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Presence("rt-presence")); n != 0 {
			t.Errorf("%d members after ably-js closed", n)
		}
	})

	t.Run("capability refused on attach", func(t *testing.T) {
		var att struct {
			Attached bool
			State    string
			Error    struct{ Code, StatusCode int }
		}
		runRealtimeJS(t, srv, []string{"ABLY_INTEROP_KEY=" + limitedKey}, "attach", "forbidden", "", &att)
		if att.Attached || att.State != "failed" || att.Error.Code != 40160 || att.Error.StatusCode != 401 {
			t.Errorf("ably-js attaching without the capability: %+v", att)
		}
		runRealtimeJS(t, srv, []string{"ABLY_INTEROP_KEY=" + limitedKey}, "attach", "allowed", "", &att)
		if !att.Attached {
			t.Errorf("ably-js attaching with the capability: %+v", att)
		}
	})

	key, _ := ablyauth.ParseKey(interopKey)
	mint := func(t *testing.T, ttl time.Duration) string {
		t.Helper()
		jwt, err := ablyauth.NewIssuer().Issue(key, ablyauth.JWTRequest{ClientID: "js-with-jwt", TTL: ttl, Capability: ablyauth.Capability{"jwt:*": {"publish", "subscribe"}}})
		if err != nil {
			t.Fatal(err)
		}
		return jwt.Token
	}

	t.Run("JWT", func(t *testing.T) {
		var pub struct {
			Published int
			ClientID  string
		}
		runRealtimeJS(t, srv, []string{"ABLY_INTEROP_TOKEN=" + mint(t, time.Hour)}, "publish", "jwt:rt", "", &pub)
		if got := srv.Messages("jwt:rt"); pub.Published != 3 || pub.ClientID != "js-with-jwt" || len(got) != 3 || got[0].ClientID != "js-with-jwt" {
			t.Errorf("ably-js with a JWT: %+v, stored %+v", pub, got)
		}
	})

	t.Run("resume after a drop", func(t *testing.T) {
		sub := startRealtimeJS(t, srv, keyEnv, "subscribe", "rt-resume", "3")
		ctx := waitCtx(t)
		if err := srv.WaitAttached(ctx, "rt-resume", 1); err != nil {
			t.Fatalf("the ably-js subscriber did not attach: %v\n%s", err, sub.out.String())
		}
		srv.Publish("rt-resume", resttest.Message{Name: "before"})
		// The first reconnection is refused with DISCONNECTED, so that the publish below
		// happens while ably-js is away; it retries and resumes.
		srv.RefuseConnections(1, 80003, true)
		if err := srv.Drop(""); err != nil {
			t.Fatal(err)
		}
		if err := srv.WaitConnections(ctx, 0); err != nil {
			t.Fatal(err)
		}
		srv.Publish("rt-resume", resttest.Message{Name: "during"})
		if err := srv.WaitAttached(ctx, "rt-resume", 1); err != nil {
			t.Fatalf("ably-js did not attach again: %v\n%s", err, sub.out.String())
		}
		srv.Publish("rt-resume", resttest.Message{Name: "after"})
		var got jsSubscribed
		sub.result(t, false, &got)
		var names []string
		for _, m := range got.Messages {
			names = append(names, m.Name)
		}
		if strings.Join(names, ",") != "before,during,after" {
			t.Errorf("ably-js received %v, want before, during and after, once each", names)
		}
		if len(got.ConnectionIDs) != 2 || got.ConnectionIDs[0] != got.ConnectionIDs[1] || got.ConnectionIDs[0] == "" {
			t.Errorf("connection IDs before and after: %v, want one resumed connection", got.ConnectionIDs)
		}
		if !strings.Contains(strings.Join(got.States, ","), "disconnected") {
			t.Errorf("ably-js states %v: the drop did not show", got.States)
		}
	})

	t.Run("server AUTH", func(t *testing.T) {
		step := startRealtimeJS(t, srv, []string{"ABLY_INTEROP_JWTS=" + mint(t, time.Hour) + "," + mint(t, 2*time.Hour)}, "auth", "jwt:auth", "")
		if err := srv.WaitConnections(waitCtx(t), 1); err != nil {
			t.Fatalf("ably-js did not connect: %v\n%s", err, step.out.String())
		}
		srv.RequestAuth()
		var got struct {
			ConnectionIDs []string
			Update        *struct{ Current string }
			AuthCalls     int
			State         string
		}
		step.result(t, false, &got)
		if got.Update == nil || got.Update.Current != "connected" || got.AuthCalls != 2 || got.State != "connected" ||
			len(got.ConnectionIDs) != 2 || got.ConnectionIDs[0] != got.ConnectionIDs[1] {
			t.Errorf("ably-js answering the server's AUTH: %+v", got)
		}
	})

	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("requests or answers broke platform-v1.yaml:\n%s", strings.Join(v, "\n"))
	}
}

// binaryEnv makes realtime.mjs use the SDK's default binary protocol (MessagePack).
const binaryEnv = "ABLY_INTEROP_BINARY=1"

// checkPublishStep checks what a subscriber got from the publish step(s) of realtime.mjs
// (an object, a text and bytes each), published by connIDs in turn as clientID.
func checkPublishStep(t *testing.T, who string, got jsSubscribed, clientID string, connIDs ...string) {
	t.Helper()
	if len(got.Messages) != 3*len(connIDs) {
		t.Fatalf("%s got %+v", who, got.Messages)
	}
	want := []struct{ name, kind string }{{"object", "object"}, {"text", "string"}, {"bytes", "bytes"}}
	for i, m := range got.Messages {
		w := want[i%3]
		if m.Name != w.name || m.Kind != w.kind || m.ClientID != clientID || m.ConnectionID != connIDs[i/3] || m.Serial == "" {
			t.Errorf("%s: message %d as ably-js received it: %+v", who, i, m)
		}
		switch w.kind {
		case "object":
			if d, ok := m.Data.(map[string]any); !ok || d["n"] != float64(1) {
				t.Errorf("%s: object data %#v", who, m.Data)
			}
		case "string":
			if m.Data != "hello over realtime" {
				t.Errorf("%s: text data %#v", who, m.Data)
			}
		case "bytes":
			if m.Data != "AAEC/w==" {
				t.Errorf("%s: bytes data %#v, want base64 of 00 01 02 ff", who, m.Data)
			}
		}
	}
}

// formats are the formats of the live connections, by connection ID.
func formats(srv *realtimetest.Server) map[string]string {
	out := map[string]string{}
	for _, c := range srv.Connections() {
		out[c.ID] = c.Format
	}
	return out
}

// TestRealtimeInteropMsgpack holds the fake's MessagePack protocol to Ably's JavaScript SDK
// with its default binary protocol: publish and subscribe keep every kind of data (binary
// as binary), presence works, and an SDK over MessagePack and one over JSON understand each
// other through the fake.
func TestRealtimeInteropMsgpack(t *testing.T) {
	var spec fakeserver.Checker
	if s := scripttest.LoadSpec(t); s != nil {
		spec = s.REST
	}
	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(2*time.Second), realtimetest.WithREST(resttest.WithSpec(spec)))
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: interopKey})
	keyEnv := []string{"ABLY_INTEROP_KEY=" + interopKey}
	binEnv := []string{keyEnv[0], binaryEnv}

	t.Run("publish and subscribe over msgpack", func(t *testing.T) {
		sub := startRealtimeJS(t, srv, binEnv, "subscribe", "mp-interop", "3")
		if err := srv.WaitAttached(waitCtx(t), "mp-interop", 1); err != nil {
			t.Fatalf("the ably-js subscriber did not attach: %v\n%s", err, sub.out.String())
		}
		if f := formats(srv); len(f) != 1 || slices.Collect(maps.Values(f))[0] != "msgpack" {
			t.Errorf("the formats of the connections: %v, want ably-js's default msgpack", f)
		}
		var pub struct{ ConnectionID string }
		runRealtimeJS(t, srv, append(binEnv, "ABLY_INTEROP_CLIENT_ID=js-mp"), "publish", "mp-interop", "", &pub)
		var got jsSubscribed
		sub.result(t, false, &got)
		checkPublishStep(t, "the msgpack subscriber", got, "js-mp", pub.ConnectionID)
		stored := srv.Messages("mp-interop")
		if len(stored) != 3 || stored[0].Encoding != "json" || stored[1].Encoding != "" || stored[2].Encoding != "base64" || string(stored[2].Data) != `"AAEC/w=="` {
			t.Errorf("stored over REST: %+v", stored)
		}
		history := suite(t, srv.Server, "channels", "history", "mp-interop", "--direction", "forwards", "--json")
		for _, w := range []string{`"data":"hello over realtime"`, `"name":"bytes","data":"AAEC/w==","encoding":"base64"`} {
			if !strings.Contains(history, w) {
				t.Errorf("the suite's history lacks %s:\n%s", w, history)
			}
		}
	})

	t.Run("msgpack and JSON together", func(t *testing.T) {
		subBin := startRealtimeJS(t, srv, binEnv, "subscribe", "mp-mixed", "6")
		subJSON := startRealtimeJS(t, srv, keyEnv, "subscribe", "mp-mixed", "6")
		if err := srv.WaitAttached(waitCtx(t), "mp-mixed", 2); err != nil {
			t.Fatalf("the ably-js subscribers did not attach: %v\n%s%s", err, subBin.out.String(), subJSON.out.String())
		}
		if f := slices.Sorted(maps.Values(formats(srv))); !slices.Equal(f, []string{"json", "msgpack"}) {
			t.Errorf("the formats of the connections: %v, want json and msgpack", f)
		}
		var fromBin, fromJSON struct{ ConnectionID string }
		runRealtimeJS(t, srv, append(binEnv, "ABLY_INTEROP_CLIENT_ID=js-mixed"), "publish", "mp-mixed", "", &fromBin)
		runRealtimeJS(t, srv, append(keyEnv, "ABLY_INTEROP_CLIENT_ID=js-mixed"), "publish", "mp-mixed", "", &fromJSON)
		var gotBin, gotJSON jsSubscribed
		subBin.result(t, false, &gotBin)
		subJSON.result(t, false, &gotJSON)
		checkPublishStep(t, "the msgpack subscriber", gotBin, "js-mixed", fromBin.ConnectionID, fromJSON.ConnectionID)
		checkPublishStep(t, "the JSON subscriber", gotJSON, "js-mixed", fromBin.ConnectionID, fromJSON.ConnectionID)
	})

	t.Run("encrypted over msgpack", func(t *testing.T) {
		// The ciphertext travels as bin; stored, it is base64 after the cipher step, and
		// the key opens it.
		const cipherKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes: AES-256
		var pub struct{ Published int }
		runRealtimeJS(t, srv, binEnv, "publish-encrypted", "mp-secret", cipherKey, &pub)
		stored := srv.Messages("mp-secret")
		if pub.Published != 2 || len(stored) != 2 || stored[0].Encoding != "utf-8/cipher+aes-256-cbc/base64" || stored[1].Encoding != "json/utf-8/cipher+aes-256-cbc/base64" {
			t.Fatalf("stored %+v", stored)
		}
		params, err := proto.ParseCipherKey(cipherKey)
		if err != nil {
			t.Fatal(err)
		}
		text, rest, err := proto.Decode(stored[0].Data, stored[0].Encoding, &params)
		if err != nil || rest != "" || text.Text() != "for your eyes only" {
			t.Errorf("decrypted %q (encoding left %q): %v", text.Text(), rest, err)
		}
		obj, _, err := proto.Decode(stored[1].Data, stored[1].Encoding, &params)
		if err != nil || string(obj.JSON()) != `{"pin":1234}` {
			t.Errorf("decrypted %s: %v", obj.JSON(), err)
		}
	})

	t.Run("presence over msgpack", func(t *testing.T) {
		member := startRealtimeJS(t, srv, append(binEnv, "ABLY_INTEROP_CLIENT_ID=js-mp-member"), "enter", "mp-presence", "online")
		if err := srv.WaitPresent(waitCtx(t), "mp-presence", "js-mp-member"); err != nil {
			t.Fatalf("ably-js did not enter: %v\n%s", err, member.out.String())
		}
		for _, env := range [][]string{binEnv, keyEnv} {
			var seen struct {
				Events, Members []struct {
					Action, ClientID, ConnectionID string
					Data                           any
				}
			}
			runRealtimeJS(t, srv, env, "presence", "mp-presence", "js-mp-member", &seen)
			if len(seen.Members) != 1 || seen.Members[0].ClientID != "js-mp-member" || seen.Members[0].Data != "online" || seen.Members[0].Action != "present" {
				t.Errorf("presence.get() in ably-js (%v): %+v", env, seen.Members)
			}
			if len(seen.Events) == 0 || seen.Events[len(seen.Events)-1].ClientID != "js-mp-member" {
				t.Errorf("presence.subscribe in ably-js (%v): %+v", env, seen.Events)
			}
		}
		if m := srv.Presence("mp-presence"); len(m) != 1 || string(m[0].Data) != `"online"` {
			t.Errorf("REST members %+v", m)
		}
		var left struct{ Entered bool }
		member.result(t, true, &left)
		if !left.Entered {
			t.Errorf("the member's step: %+v", left)
		}
		if err := srv.WaitConnections(waitCtx(t), 0); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Presence("mp-presence")); n != 0 {
			t.Errorf("%d members after ably-js closed", n)
		}
	})

	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("requests or answers broke platform-v1.yaml:\n%s", strings.Join(v, "\n"))
	}
}
