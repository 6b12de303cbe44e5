package ably_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// suiteCommand is one of the suite's commands running in the background against srv with
// the interop key.
type suiteCommand struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan error
}

func startSuite(t *testing.T, srv *realtimetest.Server, args ...string) *suiteCommand {
	t.Helper()
	s := &suiteCommand{cmd: exec.Command("ably", args...), done: make(chan error, 1)}
	s.cmd.Env = []string{"PATH=" + suiteBinDir(t), "HOME=" + t.TempDir(), "ABLY_API_KEY=" + interopKey, "ABLY_ENDPOINT=" + srv.URL}
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	})
	return s
}

// wait waits for the command to end by itself (stop: after a Ctrl-C) and returns its stdout.
func (s *suiteCommand) wait(t *testing.T, stop bool) string {
	t.Helper()
	if stop {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatalf("ably %s: %v\n%s%s", strings.Join(s.cmd.Args[1:], " "), err, s.stdout.String(), s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Fatalf("ably %s did not finish:\n%s%s", strings.Join(s.cmd.Args[1:], " "), s.stdout.String(), s.stderr.String())
	}
	return s.stdout.String()
}

// records decodes NDJSON.
func records(t *testing.T, out string) []map[string]any {
	t.Helper()
	var list []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("not NDJSON: %q", sc.Text())
		}
		list = append(list, r)
	}
	return list
}

func fakeBothPlanes(t *testing.T) *realtimetest.Server {
	srv := realtimetest.New(realtimetest.WithREST(resttest.WithKeys(func(name string) (resttest.Key, bool) {
		return resttest.Key{Key: interopKey}, name == "interApp.interKey"
	})))
	t.Cleanup(srv.Close)
	return srv
}

// TestSuiteRealtimeInterop holds the suite's Realtime commands to Ably's JavaScript SDK,
// through the fake: what ably-js publishes `ably channels subscribe` receives, decoded as
// the SDK meant it; what `ably channels publish` sends (REST and Realtime) ably-js receives;
// presence entered by either is seen by the other.
func TestSuiteRealtimeInterop(t *testing.T) {
	srv := fakeBothPlanes(t)
	keyEnv := []string{"ABLY_INTEROP_KEY=" + interopKey}

	// ably-js publishes an object with extras, text and bytes; the suite subscribes.
	sub := startSuite(t, srv, "channels", "subscribe", "js-to-suite", "--count", "3", "--json")
	if err := srv.WaitAttached(waitCtx(t), "js-to-suite", 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the ATTACHED on its way to the subscriber
	var pub struct{ Published int }
	runRealtimeJS(t, srv, keyEnv, "publish", "js-to-suite", "", &pub)
	got := records(t, sub.wait(t, false))
	if len(got) != 3 {
		t.Fatalf("the suite received %d messages: %v", len(got), got)
	}
	if b, _ := json.Marshal(got[0]["data"]); got[0]["name"] != "object" || string(b) != `{"list":[true,null],"n":1}` ||
		got[0]["encoding"] != nil {
		t.Fatalf("object message %v", got[0])
	}
	if got[1]["data"] != "hello over realtime" || got[2]["data"] != "AAEC/w==" || got[2]["encoding"] != "base64" {
		t.Fatalf("text and bytes %v %v", got[1], got[2])
	}

	// ably-js publishes encrypted; the suite's subscribe --cipher decrypts.
	const cipherKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 256-bit
	secret := startSuite(t, srv, "channels", "subscribe", "js-secret", "--count", "2", "--json", "--cipher", cipherKey)
	if err := srv.WaitAttached(waitCtx(t), "js-secret", 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	runRealtimeJS(t, srv, keyEnv, "publish-encrypted", "js-secret", cipherKey, &pub)
	decrypted := records(t, secret.wait(t, false))
	if b, _ := json.Marshal(decrypted[1]["data"]); len(decrypted) != 2 || decrypted[0]["data"] != "for your eyes only" ||
		string(b) != `{"pin":1234}` || decrypted[0]["encoding"] != nil {
		t.Fatalf("decrypted %v", decrypted)
	}

	// The suite publishes over REST and over Realtime; ably-js receives both.
	js := startRealtimeJS(t, srv, keyEnv, "subscribe", "suite-to-js", "3")
	if err := srv.WaitAttached(waitCtx(t), "suite-to-js", 1); err != nil {
		t.Fatal(err)
	}
	suite(t, srv.Server, "channels", "publish", "suite-to-js", "over REST")
	suite(t, srv.Server, "channels", "publish", "--transport", "realtime", "suite-to-js", "over Realtime")
	suite(t, srv.Server, "channels", "publish", "--transport", "realtime", "suite-to-js", `{"name":"obj","data":{"k":[1,2]}}`)
	var seen jsSubscribed
	js.result(t, false, &seen)
	if len(seen.Messages) != 3 || seen.Messages[0].Data != "over REST" || seen.Messages[1].Data != "over Realtime" ||
		seen.Messages[2].Kind != "object" || seen.Messages[2].Name != "obj" {
		t.Fatalf("ably-js received %+v", seen.Messages)
	}

	// ably-js enters presence; the suite's presence subscribe sees it.
	enter := startRealtimeJS(t, srv, append(keyEnv, "ABLY_INTEROP_CLIENT_ID=js-member"), "enter", "js-room", `{"from":"js"}`)
	if err := srv.WaitPresent(waitCtx(t), "js-room", "js-member"); err != nil {
		t.Fatal(err)
	}
	members := records(t, startSuite(t, srv, "channels", "presence", "subscribe", "js-room", "--count", "1", "--json").wait(t, false))
	if len(members) != 1 || members[0]["clientId"] != "js-member" || members[0]["action"] != "present" {
		t.Fatalf("the suite saw %v", members)
	}
	var entered struct{ Entered bool }
	enter.result(t, true, &entered)

	// The suite enters; ably-js sees it in presence.subscribe and presence.get().
	held := startSuite(t, srv, "channels", "presence", "enter", "cli-room", "--client-id", "cli-member", "--data", `{"from":"cli"}`)
	var pres struct {
		Events  []struct{ Action, ClientID string }
		Members []struct {
			ClientID string
			Data     any
		}
	}
	runRealtimeJS(t, srv, keyEnv, "presence", "cli-room", "cli-member", &pres)
	if len(pres.Members) != 1 || pres.Members[0].ClientID != "cli-member" {
		t.Fatalf("ably-js saw %+v", pres)
	}
	if b, _ := json.Marshal(pres.Members[0].Data); string(b) != `{"from":"cli"}` {
		t.Fatalf("ably-js decoded the member's data as %s", b)
	}
	held.wait(t, true)
	if left := srv.Presence("cli-room"); len(left) != 0 {
		t.Fatalf("still present after Ctrl-C: %+v", left)
	}
}
