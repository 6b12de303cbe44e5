package ably_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ably/ably-suite/internal/scripttest"
	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// wireCall is one request as the client put it on the wire, with the media type of the
// answer. The server's own log cannot give these: its MessagePack front hands the REST fake
// JSON, headers and all.
type wireCall struct {
	Method, Path, ContentType, Accept string
	Status                            int
	Answer                            string // the answer's Content-Type
}

func (c wireCall) String() string {
	return fmt.Sprintf("%s %s (Content-Type %q, Accept %q) -> %d %q", c.Method, c.Path, c.ContentType, c.Accept, c.Status, c.Answer)
}

// wireLog serves a handler on a port of its own, noting every call as it crossed the wire.
type wireLog struct {
	URL string
	hs  *httptest.Server

	mu    sync.Mutex
	calls []wireCall
}

func newWireLog(next http.Handler) *wireLog {
	l := &wireLog{}
	l.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := wireCall{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept")}
		next.ServeHTTP(&noteWriter{ResponseWriter: w, note: func(status int) {
			c.Status, c.Answer = status, w.Header().Get("Content-Type")
			l.mu.Lock()
			l.calls = append(l.calls, c)
			l.mu.Unlock()
		}}, r)
	}))
	l.URL = l.hs.URL
	return l
}

func (l *wireLog) Close() { l.hs.Close() }

// take returns the calls noted since the last take.
func (l *wireLog) take() []wireCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.calls
	l.calls = nil
	return out
}

// noteWriter calls note with the status before the answer leaves, so that a call is noted
// by the time the client has its answer.
type noteWriter struct {
	http.ResponseWriter
	note func(status int)
}

func (w *noteWriter) WriteHeader(status int) {
	if w.note != nil {
		w.note(status)
		w.note = nil
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *noteWriter) Write(p []byte) (int, error) {
	if w.note != nil {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// TestRESTInteropMsgpack holds the emulator's REST front to Ably's JavaScript SDK with its
// default binary protocol: every step of rest.mjs goes over MessagePack both ways, binary
// data stays binary (stored as base64, read back as the same bytes), and what the SDK
// publishes, the suite reads.
func TestRESTInteropMsgpack(t *testing.T) {
	var spec fakeserver.Checker
	if s := scripttest.LoadSpec(t); s != nil {
		spec = s.REST
	}
	srv := realtimetest.New(realtimetest.WithREST(resttest.WithSpec(spec)))
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: interopKey})
	wire := newWireLog(srv.Handler())
	defer wire.Close()
	binEnv := []string{"ABLY_INTEROP_KEY=" + interopKey, binaryEnv}
	js := func(t *testing.T, env []string, step, channel string, out any) []wireCall {
		t.Helper()
		wire.take()
		ablyJSAt(t, wire.URL, env, step, channel, out)
		return wire.take()
	}
	// msgpack checks that every call of a step went, and was answered, as MessagePack.
	msgpack := func(t *testing.T, step string, calls []wireCall, want int) {
		t.Helper()
		if len(calls) != want {
			t.Errorf("%s: %d calls on the wire, want %d: %v", step, len(calls), want, calls)
		}
		for _, c := range calls {
			sent := c.Method == http.MethodGet || c.ContentType == "application/x-msgpack"
			if !sent || !strings.HasPrefix(c.Accept, "application/x-msgpack") || c.Status >= 300 || c.Answer != "application/x-msgpack" {
				t.Errorf("%s: not MessagePack both ways: %s", step, c)
			}
		}
	}

	// ably-js publishes an object with extras, a text and bytes: the bytes go as bin and
	// are stored as base64.
	var pub struct{ Published int }
	msgpack(t, "publish", js(t, binEnv, "publish", "mp-rest", &pub), 3)
	stored := srv.Messages("mp-rest")
	if pub.Published != 3 || len(stored) != 3 {
		t.Fatalf("ably-js published %d, the fake stored %d: %+v", pub.Published, len(stored), stored)
	}
	want := []struct{ name, data, encoding string }{{"from-js", `"{\"n\":1}"`, "json"}, {"text", `"hello from ably-js"`, ""}, {"bytes", `"AAEC/w=="`, "base64"}}
	for i, m := range stored {
		if m.Name != want[i].name || string(m.Data) != want[i].data || m.Encoding != want[i].encoding || !strings.Contains(m.ID, ":") {
			t.Errorf("stored message %d: %+v, want name %s, data %s, encoding %q and an idempotent ID", i, m, want[i].name, want[i].data, want[i].encoding)
		}
	}
	if string(stored[0].Extras) != `{"headers":{"k":"v"}}` {
		t.Errorf("extras stored %s", stored[0].Extras)
	}
	history := suite(t, srv.Server, "channels", "history", "mp-rest", "--direction", "forwards", "--json")
	for _, w := range []string{`"name":"from-js","data":{"n":1}`, `"data":"hello from ably-js"`, `"name":"bytes","data":"AAEC/w==","encoding":"base64"`} {
		if !strings.Contains(history, w) {
			t.Errorf("the suite's history lacks %s:\n%s", w, history)
		}
	}

	// The suite publishes too; ably-js reads all six back in pages of two. A Buffer shows
	// in its JSON as {"type":"Buffer",...}: the bytes came back as bytes.
	suite(t, srv.Server, "channels", "publish", "mp-rest", `{"name":"from-suite","data":{"ok":true}}`)
	suite(t, srv.Server, "channels", "publish", "--transport", "rest", "--count", "2", "--delay", "0", "mp-rest", "n{{.Count}}")
	var hist struct {
		Messages []struct {
			Name, ClientID, Serial string
			Data, Extras           json.RawMessage
		}
	}
	calls := js(t, binEnv, "history", "mp-rest", &hist)
	msgpack(t, "history", calls, 3)
	for i, c := range calls {
		if c.Method != http.MethodGet || c.Path != "/channels/mp-rest/messages" {
			t.Errorf("history call %d: %s", i, c)
		}
	}
	wantHist := []struct{ name, data string }{{"from-js", `{"n":1}`}, {"text", `"hello from ably-js"`}, {"bytes", `{"type":"Buffer","data":[0,1,2,255]}`},
		{"from-suite", `{"ok":true}`}, {"", `"n1"`}, {"", `"n2"`}}
	if len(hist.Messages) != len(wantHist) {
		t.Fatalf("ably-js read %d messages, want %d: %+v", len(hist.Messages), len(wantHist), hist.Messages)
	}
	for i, m := range hist.Messages {
		if m.Name != wantHist[i].name || string(m.Data) != wantHist[i].data || m.Serial == "" {
			t.Errorf("message %d as ably-js read it: name %q, data %s, serial %q; want %q, %s", i, m.Name, m.Data, m.Serial, wantHist[i].name, wantHist[i].data)
		}
	}
	if string(hist.Messages[0].Extras) != `{"headers":{"k":"v"}}` || !strings.HasPrefix(hist.Messages[3].ClientID, "ably-cli-") {
		t.Errorf("extras %s and the suite's client ID %q as ably-js read them", hist.Messages[0].Extras, hist.Messages[3].ClientID)
	}

	// ably-js encrypts: the ciphertext goes as bin, is stored as base64 after the cipher
	// step, and the suite opens it with the key.
	const cipherKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes: AES-256
	msgpack(t, "publish-encrypted", js(t, append(binEnv, "ABLY_INTEROP_CIPHER="+cipherKey), "publish-encrypted", "mp-secret", &pub), 2)
	sealed := srv.Messages("mp-secret")
	if pub.Published != 2 || len(sealed) != 2 || sealed[0].Encoding != "utf-8/cipher+aes-256-cbc/base64" || sealed[1].Encoding != "json/utf-8/cipher+aes-256-cbc/base64" {
		t.Errorf("stored encrypted: %+v", sealed)
	}
	plain := suite(t, srv.Server, "channels", "history", "mp-secret", "--direction", "forwards", "--cipher", cipherKey, "--json")
	if !strings.Contains(plain, `"data":"for your eyes only"`) || !strings.Contains(plain, `"data":{"pin":1234}`) {
		t.Errorf("the suite did not decrypt ably-js's messages:\n%s", plain)
	}

	// Presence: text data, and binary data that ably-js must get as bytes.
	srv.EnterPresence("mp-rest", resttest.PresenceMember{ClientID: "alice", ConnectionID: "conn-a", Data: json.RawMessage(`"here"`)})
	srv.EnterPresence("mp-rest", resttest.PresenceMember{ClientID: "bob", ConnectionID: "conn-b", Data: json.RawMessage(`"AAEC/w=="`), Encoding: "base64"})
	var pres struct {
		Members []struct {
			ClientID, ConnectionID, Action string
			Data                           json.RawMessage
		}
	}
	msgpack(t, "presence", js(t, binEnv, "presence", "mp-rest", &pres), 1)
	members := map[string]string{}
	for _, m := range pres.Members {
		if m.Action != "present" {
			t.Errorf("member %+v", m)
		}
		members[m.ClientID] = string(m.Data)
	}
	if len(pres.Members) != 2 || members["alice"] != `"here"` || members["bob"] != `{"type":"Buffer","data":[0,1,2,255]}` {
		t.Errorf("presence as ably-js reads it: %+v", pres.Members)
	}

	// Status: ably-js sends this GET with Content-Type application/x-msgpack and no body.
	var status jsStatus
	msgpack(t, "status", js(t, binEnv, "status", "mp-rest", &status), 1)
	if status.Details.ChannelID != "mp-rest" || !status.Details.Status.IsActive || status.Details.Status.Occupancy.Metrics["presenceMembers"] != 2 {
		t.Errorf("status as ably-js reads it: %+v", status.Details)
	}

	var batch struct {
		Batch struct{ SuccessCount, FailureCount int }
	}
	msgpack(t, "batch", js(t, binEnv, "batch", "mp-b", &batch), 1)
	if batch.Batch.SuccessCount != 2 || batch.Batch.FailureCount != 0 {
		t.Errorf("batch publish as ably-js sees it: %+v", batch.Batch)
	}
	for _, ch := range []string{"mp-b", "mp-b-2"} {
		if m := srv.Messages(ch); len(m) != 1 || m[0].Name != "batched" || string(m[0].Data) != `"b"` {
			t.Errorf("batched to %s: %+v", ch, m)
		}
	}

	// A token request signed by the SDK, and a JWT issued by the suite used to publish.
	var tok struct {
		Token struct {
			KeyName, Capability string
			HasToken            bool
		}
	}
	// ably-js asks for tokens in JSON whatever its protocol: the front must let that by.
	calls = js(t, binEnv, "token", "mp-rest", &tok)
	if len(calls) != 1 {
		t.Errorf("token: %d calls on the wire, want 1: %v", len(calls), calls)
	}
	for _, c := range calls {
		if c.ContentType != "application/json" || c.Accept != "application/json" || c.Status != http.StatusOK || c.Answer != "application/json" {
			t.Errorf("token: not JSON both ways: %s", c)
		}
	}
	if !tok.Token.HasToken || tok.Token.KeyName != "interApp.interKey" || tok.Token.Capability != `{"mp-rest":["publish"]}` {
		t.Errorf("token as ably-js requested it: %+v", tok.Token)
	}
	jwt := interopJWT(t)
	msgpack(t, "publish with a JWT", js(t, []string{"ABLY_INTEROP_TOKEN=" + jwt.Token, binaryEnv}, "publish", "jwt:mp", &pub), 3)
	if got := srv.Messages("jwt:mp"); len(got) != 3 || got[0].ClientID != "js-with-jwt" || got[2].Encoding != "base64" {
		t.Errorf("ably-js with the suite's JWT: %d messages stored, first %+v", len(got), got)
	}

	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("requests or answers broke platform-v1.yaml:\n%s", strings.Join(v, "\n"))
	}
}
