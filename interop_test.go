package ably_test

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/internal/scripttest"
	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/resttest"
)

// interopKey is the key of the interop tests' fake REST API.
const interopKey = "interApp.interKey:interopSecretValue"

// ablyJS runs interop/rest.mjs with Ably's JavaScript SDK against srv and decodes what it
// printed. Without Node or the SDK installed (npm ci --prefix interop) the test is skipped,
// saying so; with ABLY_INTEROP_REQUIRED set (CI), it fails instead.
func ablyJS(t *testing.T, srv *resttest.Server, env []string, step, channel string, out any) {
	t.Helper()
	ablyJSAt(t, srv.URL, env, step, channel, out)
}

// ablyJSAt is ablyJS against the REST API at base.
func ablyJSAt(t *testing.T, base string, env []string, step, channel string, out any) {
	t.Helper()
	u, _ := url.Parse(base)
	cmd := exec.Command(nodeWithSDK(t), filepath.Join("interop", "rest.mjs"), step, channel)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "ABLY_INTEROP_HOST=" + u.Hostname(), "ABLY_INTEROP_PORT=" + u.Port()}, env...)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("ably-js %s: %v\n%s", step, err, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("ably-js %s printed %q: %v", step, b, err)
	}
}

// nodeWithSDK is the path of node, with Ably's JavaScript SDK installed beside the interop
// scripts. Without either (npm ci --prefix interop) the test is skipped, saying so; with
// ABLY_INTEROP_REQUIRED set (CI), it fails instead.
func nodeWithSDK(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	_, sdkErr := os.Stat(filepath.Join("interop", "node_modules", "ably"))
	if err != nil || sdkErr != nil {
		msg := "Ably's JavaScript SDK is not at hand (node on PATH and 'npm ci --prefix interop'): the interop tests did not run"
		if os.Getenv("ABLY_INTEROP_REQUIRED") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// interopJWT is a JWT of the interop key for the client js-with-jwt, allowed to publish on
// jwt:*, as the suite issues them.
func interopJWT(t *testing.T) ablyauth.JWT {
	t.Helper()
	key, _ := ablyauth.ParseKey(interopKey)
	jwt, err := ablyauth.NewIssuer().Issue(key, ablyauth.JWTRequest{ClientID: "js-with-jwt", TTL: time.Hour, Capability: ablyauth.Capability{"jwt:*": {"publish"}}})
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

// jsStatus is what rest.mjs's status step prints: the channel's details as ably-js reads them.
type jsStatus struct {
	Details struct {
		ChannelID string
		Status    struct {
			IsActive  bool
			Occupancy struct{ Metrics map[string]int }
		}
	}
}

// suite runs one of the suite's commands against srv with the interop key.
func suite(t *testing.T, srv *resttest.Server, args ...string) string {
	t.Helper()
	cmd := exec.Command("ably", args...)
	cmd.Env = []string{"PATH=" + suiteBinDir(t), "HOME=" + t.TempDir(), "ABLY_API_KEY=" + interopKey, "ABLY_ENDPOINT=" + srv.URL}
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ably %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return string(b)
}

// TestRESTInterop holds the fake REST API, and the suite's commands on it, to Ably's own
// JavaScript SDK: what one publishes the other reads, and the SDK's presence, status, batch
// and token calls get the answers it expects. Every request is checked against
// platform-v1.yaml as well.
func TestRESTInterop(t *testing.T) {
	var spec fakeserver.Checker
	if s := scripttest.LoadSpec(t); s != nil {
		spec = s.REST
	}
	srv := resttest.New(resttest.WithSpec(spec), resttest.WithKeys(func(name string) (resttest.Key, bool) {
		return resttest.Key{Key: interopKey}, name == "interApp.interKey"
	}))
	defer srv.Close()
	keyEnv := []string{"ABLY_INTEROP_KEY=" + interopKey}

	// ably-js publishes (an object with extras, text, bytes); the suite reads them back.
	var pub struct{ Published int }
	ablyJS(t, srv, keyEnv, "publish", "interop", &pub)
	stored := srv.Messages("interop")
	if pub.Published != 3 || len(stored) != 3 {
		t.Fatalf("ably-js published %d, the fake stored %d", pub.Published, len(stored))
	}
	for _, m := range stored {
		if m.ID == "" || !strings.Contains(m.ID, ":") {
			t.Errorf("ably-js sent message %q without an idempotent ID (RSL1k)", m.Name)
		}
	}
	history := suite(t, srv, "channels", "history", "interop", "--direction", "forwards", "--json")
	for _, want := range []string{`"name":"from-js","data":{"n":1}`, `"extras":{"headers":{"k":"v"}}`, `"data":"hello from ably-js"`, `"name":"bytes","data":"AAEC/w==","encoding":"base64"`} {
		if !strings.Contains(history, want) {
			t.Errorf("the suite's history lacks %s:\n%s", want, history)
		}
	}

	// The suite publishes; ably-js reads history across pages (limit 2) with the data intact.
	suite(t, srv, "channels", "publish", "interop", `{"name":"from-suite","data":{"ok":true}}`)
	suite(t, srv, "channels", "publish", "--transport", "rest", "--count", "2", "--delay", "0", "interop", "n{{.Count}}")
	var hist struct {
		Messages []struct {
			ID, Name, ClientID, Serial string
			Data                       any
		}
	}
	ablyJS(t, srv, keyEnv, "history", "interop", &hist)
	if len(hist.Messages) != 6 {
		t.Fatalf("ably-js read %d messages, want 6: %+v", len(hist.Messages), hist.Messages)
	}
	if m := hist.Messages[2]; m.Name != "bytes" {
		t.Errorf("third message %+v, want the bytes ably-js sent", m)
	}
	if m := hist.Messages[3]; m.Name != "from-suite" || !strings.HasPrefix(m.ClientID, "ably-cli-") || m.Serial == "" {
		t.Errorf("the suite's message as ably-js sees it: %+v", m)
	}
	if d, ok := hist.Messages[3].Data.(map[string]any); !ok || d["ok"] != true {
		t.Errorf("the suite's JSON data as ably-js decoded it: %#v", hist.Messages[3].Data)
	}
	if hist.Messages[5].Data != "n2" {
		t.Errorf("last message data %#v, want n2", hist.Messages[5].Data)
	}

	// Presence and status as the SDK reads them.
	srv.EnterPresence("interop", resttest.PresenceMember{ClientID: "alice", ConnectionID: "conn-a", Data: json.RawMessage(`"here"`)})
	var pres struct {
		Members []struct {
			ClientID, ConnectionID, Action string
			Data                           any
		}
	}
	ablyJS(t, srv, keyEnv, "presence", "interop", &pres)
	if len(pres.Members) != 1 || pres.Members[0].ClientID != "alice" || pres.Members[0].Action != "present" || pres.Members[0].Data != "here" {
		t.Errorf("presence as ably-js reads it: %+v", pres.Members)
	}
	var status jsStatus
	ablyJS(t, srv, keyEnv, "status", "interop", &status)
	if status.Details.ChannelID != "interop" || !status.Details.Status.IsActive || status.Details.Status.Occupancy.Metrics["presenceMembers"] != 1 {
		t.Errorf("status as ably-js reads it: %+v", status.Details)
	}

	// Batch publish: the SDK's BatchResult; the suite's batch is read by the SDK.
	var batch struct {
		Batch struct{ SuccessCount, FailureCount int }
	}
	ablyJS(t, srv, keyEnv, "batch", "interop-b", &batch)
	if batch.Batch.SuccessCount != 2 || batch.Batch.FailureCount != 0 || len(srv.Messages("interop-b-2")) != 1 {
		t.Errorf("batch publish as ably-js sees it: %+v", batch.Batch)
	}

	// A token request signed by the SDK, and a JWT issued by the suite, both accepted.
	var tok struct {
		Token struct {
			KeyName, Capability string
			HasToken            bool
		}
	}
	ablyJS(t, srv, keyEnv, "token", "interop", &tok)
	if !tok.Token.HasToken || tok.Token.KeyName != "interApp.interKey" || tok.Token.Capability != `{"interop":["publish"]}` {
		t.Errorf("token as ably-js requested it: %+v", tok.Token)
	}
	jwt := interopJWT(t)
	ablyJS(t, srv, []string{"ABLY_INTEROP_TOKEN=" + jwt.Token}, "publish", "jwt:1", &pub)
	if got := srv.Messages("jwt:1"); len(got) != 3 || got[0].ClientID != "js-with-jwt" {
		t.Errorf("ably-js with the suite's JWT: %d messages stored, first %+v", len(got), got)
	}

	// ably-js encrypts (RSL5); the suite decrypts with --cipher, and without it shows the
	// encoding left to undo.
	const cipherKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes: AES-256
	ablyJS(t, srv, append(keyEnv, "ABLY_INTEROP_CIPHER="+cipherKey), "publish-encrypted", "secret", &pub)
	plain := suite(t, srv, "channels", "history", "secret", "--direction", "forwards", "--cipher", cipherKey, "--json")
	if !strings.Contains(plain, `"data":"for your eyes only"`) || !strings.Contains(plain, `"data":{"pin":1234}`) {
		t.Errorf("the suite did not decrypt ably-js's messages:\n%s", plain)
	}
	sealed := suite(t, srv, "channels", "history", "secret", "--json")
	if strings.Contains(sealed, "for your eyes only") || !strings.Contains(sealed, `cipher+aes-256-cbc`) {
		t.Errorf("without the key the data should stay encrypted, its encoding saying so:\n%s", sealed)
	}

	if v := srv.SpecViolations(); len(v) != 0 {
		t.Errorf("requests or answers broke platform-v1.yaml:\n%s", strings.Join(v, "\n"))
	}
}
