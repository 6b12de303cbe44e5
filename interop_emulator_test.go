package ably_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/emulator"
)

// emulatorTour is what interop/emulator.mjs prints.
type emulatorTour struct {
	Steps []string
	A, B  struct{ ConnectionID, ClientID string }
	Token struct {
		ClientID, KeyName, Capability string
		HasToken                      bool
	}
	KeyCapabilityToken struct {
		ClientID, Capability string
		HasToken             bool
		Error                *struct {
			Message          string
			Code, StatusCode int
		}
	}
	Received, History         []jsMessage
	OwnPresence, RestPresence []jsMember
	States                    map[string][]string
	Closed                    struct{ A, B string }
	Error                     *struct {
		Message          string
		Code, StatusCode int
	}
}

type jsMember struct {
	Action, ClientID, ConnectionID string
	Data                           any
}

// TestEmulatorInterop holds the emulator to Ably's JavaScript SDK configured as the README
// says, from nothing but the environment the emulator prints and the SDK's defaults
// (MessagePack, WebSocket pings): Realtime with a key and with a token, REST publish of
// text and bytes, presence, history, and stats counting it all.
func TestEmulatorInterop(t *testing.T) {
	node := nodeWithSDK(t)
	emu, err := emulator.Start(emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := emu.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	}()

	const channel = "emulator-tour"
	cmd := exec.Command(node, filepath.Join("interop", "emulator.mjs"), channel)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for _, v := range emu.Env() {
		cmd.Env = append(cmd.Env, v.Name+"="+v.Value)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The wait for the connections ends early if the script does.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- cmd.Wait()
		cancel()
	}()

	// While both Realtime clients are connected (the script holds them until its stdin
	// closes), their connections' formats and client IDs as the emulator sees them.
	type seenConn struct{ Format, ClientID string }
	live := map[string]seenConn{}
	if err := emu.Realtime.WaitConnections(ctx, 2); err == nil {
		for _, c := range emu.Realtime.Connections() {
			live[c.ID] = seenConn{c.Format, c.ClientID}
		}
	}
	_ = stdin.Close()
	var runErr error
	select {
	case runErr = <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		runErr = <-done
	}
	var tour emulatorTour
	if err := json.Unmarshal(stdout.Bytes(), &tour); err != nil {
		t.Fatalf("ably-js printed %q (%v): %v\n%s", stdout.String(), runErr, err, stderr.String())
	}
	if runErr != nil || tour.Error != nil {
		t.Fatalf("ably-js's tour failed (%v): %s\n%s", runErr, stdout.String(), stderr.String())
	}

	// Both Realtime clients used the SDK's default, MessagePack, with the right identities.
	for who, want := range map[string]struct{ id, clientID string }{
		"the key client":   {tour.A.ConnectionID, "js-sub"},
		"the token client": {tour.B.ConnectionID, "js-token"},
	} {
		if c, ok := live[want.id]; !ok || c.Format != "msgpack" || c.ClientID != want.clientID {
			t.Errorf("%s's connection %q as the emulator saw it: %+v (of %+v), want msgpack as %s", who, want.id, c, live, want.clientID)
		}
	}
	if tour.A.ClientID != "js-sub" || tour.B.ClientID != "js-token" {
		t.Errorf("client IDs as the SDK knows them: %q and %q", tour.A.ClientID, tour.B.ClientID)
	}
	if !tour.Token.HasToken || tour.Token.ClientID != "js-token" || !strings.HasPrefix(emu.Seeded.APIKey, tour.Token.KeyName+":") ||
		tour.Token.Capability != `{"`+channel+`":["publish","subscribe"]}` {
		t.Errorf("the token requested: %+v", tour.Token)
	}
	// Without a capability the token has the key's, as on Ably.
	if kt := tour.KeyCapabilityToken; kt.Error != nil || !kt.HasToken || kt.ClientID != "js-token" || kt.Capability != `{"[*]*":["*"]}` {
		t.Errorf("a token requested without a capability: %+v", kt)
	}

	// Every message arrived as sent; the bytes stay bytes, the token's client ID is on its
	// publisher's message.
	type want struct {
		kind     string
		data     any
		clientID string
		connID   string
	}
	wants := map[string]want{
		"text":       {"string", "hello from rest", "", ""},
		"binary":     {"bytes", "AAEC/w==", "", ""},
		"from-token": {"object", map[string]any{"via": "token"}, "js-token", tour.B.ConnectionID},
	}
	check := func(what string, got []jsMessage) {
		t.Helper()
		if len(got) != len(wants) {
			t.Errorf("%s: %d messages, want %d: %+v", what, len(got), len(wants), got)
		}
		seen := map[string]bool{}
		for _, m := range got {
			w, ok := wants[m.Name]
			if !ok || seen[m.Name] {
				t.Errorf("%s: unexpected message %+v", what, m)
				continue
			}
			seen[m.Name] = true
			if m.Kind != w.kind || !reflect.DeepEqual(m.Data, w.data) || m.ClientID != w.clientID || (w.connID != "" && m.ConnectionID != w.connID) {
				t.Errorf("%s: message %q is %+v, want %s %#v from %q on %q", what, m.Name, m, w.kind, w.data, w.clientID, w.connID)
			}
		}
	}
	check("received by the key client", tour.Received)
	check("REST history", tour.History)
	if names := messageNames(tour.History); !slices.Equal(names, []string{"text", "binary", "from-token"}) {
		t.Errorf("REST history forwards: %v, want them in the order published", names)
	}

	// Presence shows the key client with its data, over Realtime and over REST.
	for what, members := range map[string][]jsMember{"presence.get() over Realtime": tour.OwnPresence, "presence.get() over REST": tour.RestPresence} {
		if len(members) != 1 || members[0].ClientID != "js-sub" || members[0].ConnectionID != tour.A.ConnectionID ||
			members[0].Action != "present" || !reflect.DeepEqual(members[0].Data, map[string]any{"mood": "listening"}) {
			t.Errorf("%s: %+v", what, members)
		}
	}

	// Both closed cleanly, never dropped on the way; the emulator saw them go.
	if tour.Closed.A != "closed" || tour.Closed.B != "closed" {
		t.Errorf("states at the end: %+v", tour.Closed)
	}
	for who, states := range tour.States {
		for _, s := range states {
			if !slices.Contains([]string{"connecting", "connected", "closing", "closed"}, s) {
				t.Errorf("client %s went through %q: %v", who, s, states)
			}
		}
	}
	after, cancelAfter := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelAfter()
	if err := emu.Realtime.WaitConnections(after, 0); err != nil {
		t.Errorf("connections left after the clients closed: %+v", emu.Realtime.Connections())
	}
	if err := emu.Realtime.WaitAbsent(after, channel, "js-sub"); err != nil {
		t.Errorf("js-sub still present after closing")
	}

	// The app's stats counted the three messages published.
	req, _ := http.NewRequest("GET", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/stats?unit=minute", nil)
	req.Header.Set("Authorization", "Bearer "+emu.Seeded.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats []struct{ Entries map[string]int64 }
	if err := json.NewDecoder(resp.Body).Decode(&stats); resp.StatusCode != 200 || err != nil {
		t.Fatalf("stats: %d %v", resp.StatusCode, err)
	}
	var inbound int64
	for _, s := range stats { // the tour may straddle a minute
		inbound += s.Entries["messages.inbound.all.messages.count"]
	}
	if inbound < 3 {
		t.Errorf("stats counted %d messages inbound, want at least 3: %+v", inbound, stats)
	}
}

func messageNames(ms []jsMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}
