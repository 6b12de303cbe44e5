package emulator

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// receiver is a webhook endpoint of the test's own: each request it gets, on a channel; the
// first fail answers are 503.
type received struct {
	header http.Header
	body   []byte
}

func receiver(t *testing.T, fail int) (string, <-chan received) {
	t.Helper()
	got := make(chan received, 16)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if int(n.Add(1)) <= fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got <- received{header: r.Header.Clone(), body: b}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hook", got
}

func wait(t *testing.T, got <-chan received) received {
	t.Helper()
	select {
	case r := <-got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook request")
		return received{}
	}
}

func rule(t *testing.T, emu *Emulator, body map[string]any) string {
	t.Helper()
	code, b := do(t, "POST", emu.ControlURL()+"/apps/"+emu.Seeded.AppID+"/rules", "Bearer "+emu.Seeded.AccessToken, body)
	if code != 201 {
		t.Fatalf("create a rule: %d %s", code, b)
	}
	var r struct{ ID string }
	_ = json.Unmarshal(b, &r)
	return r.ID
}

func TestWebhookSingleEnveloped(t *testing.T) {
	emu := start(t)
	emu.hooks.retries = []time.Duration{10 * time.Millisecond}
	url, got := receiver(t, 1) // the first attempt fails: tried again
	id := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "^chat:", "type": "channel.message"},
		"target": map[string]any{"url": url, "format": "json", "headers": []map[string]string{{"name": "X-Custom", "value": "yes"}}}})
	key := basic(emu.Seeded.APIKey)
	do(t, "POST", emu.URL+"/channels/other/messages", key, map[string]string{"name": "skipped", "data": "no"})
	do(t, "POST", emu.URL+"/channels/chat:1/messages", key, map[string]string{"name": "greeting", "data": "hello"})
	r := wait(t, got)
	var env struct {
		Source, AppID, Channel, Site, RuleID string
		Messages                             []struct{ Name, Data, ID string }
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	if env.Source != "channel.message" || env.AppID != emu.Seeded.AppID || env.Channel != "chat:1" || env.RuleID != id ||
		len(env.Messages) != 1 || env.Messages[0].Name != "greeting" || env.Messages[0].Data != "hello" {
		t.Errorf("envelope %s", r.body)
	}
	if r.header.Get("X-Ably-Version") != "1.2" || r.header.Get("X-Custom") != "yes" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.header)
	}
	select {
	case extra := <-got:
		t.Errorf("a request for a channel the filter does not match: %s", extra.body)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestWebhookSingleNotEnveloped(t *testing.T) {
	emu := start(t)
	url, got := receiver(t, 0)
	rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"},
		"target": map[string]any{"url": url, "format": "json", "enveloped": false}})
	do(t, "POST", emu.URL+"/channels/raw/messages", basic(emu.Seeded.APIKey), map[string]string{"name": "n1", "data": "plain text"})
	r := wait(t, got)
	if string(r.body) != "plain text" || r.header.Get("X-Ably-Message-Name") != "n1" || r.header.Get("X-Ably-Envelope-Channel") != "raw" ||
		r.header.Get("Content-Type") != "text/plain" || r.header.Get("X-Ably-Message-Id") == "" {
		t.Errorf("body %q headers %v", r.body, r.header)
	}
}

func TestWebhookBatchSigned(t *testing.T) {
	emu := start(t)
	url, got := receiver(t, 0)
	keyName, secret, _ := strings.Cut(emu.Seeded.APIKey, ":")
	id := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "batch",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"},
		"target": map[string]any{"url": url, "format": "json", "signingKeyId": keyName}})
	do(t, "POST", emu.URL+"/channels/b/messages", basic(emu.Seeded.APIKey), []map[string]string{{"data": "one"}, {"data": "two"}})
	r := wait(t, got)
	var batch struct {
		Items []struct {
			WebhookID, Source, Name string
			Data                    struct {
				ChannelID string
				Messages  []struct{ Data string }
			}
		}
	}
	if err := json.Unmarshal(r.body, &batch); err != nil || len(batch.Items) != 1 {
		t.Fatalf("batch %s: %v", r.body, err)
	}
	it := batch.Items[0]
	if it.WebhookID != id || it.Source != "channel.message" || it.Data.ChannelID != "b" || len(it.Data.Messages) != 2 || it.Data.Messages[1].Data != "two" {
		t.Errorf("batch %s", r.body)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(r.body)
	if r.header.Get("X-Ably-Key") != keyName || r.header.Get("X-Ably-Signature") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature headers %v", r.header)
	}
	_ = emu.Shutdown(context.Background())
}

// A channel.presence rule posts members entering and leaving, single or batched; messages
// are not presence, and a presence rule does not post them.
func TestWebhookPresence(t *testing.T) {
	emu := start(t)
	singleURL, single := receiver(t, 0)
	batchURL, batched := receiver(t, 0)
	id := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "^room", "type": "channel.presence"}, "target": map[string]any{"url": singleURL}})
	rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "batch",
		"source": map[string]any{"channelFilter": "^room", "type": "channel.presence"}, "target": map[string]any{"url": batchURL}})
	do(t, "POST", emu.URL+"/channels/room:1/messages", basic(emu.Seeded.APIKey), map[string]string{"data": "not presence"})

	c := dialRealtimeAs(t, emu, emu.Seeded.APIKey, "amy")
	c.until(4) // CONNECTED
	if err := c.ws.Write(c.ctx, websocket.MessageText, []byte(`{"action":14,"channel":"room:1","msgSerial":0,"presence":[{"action":2,"data":"hi"}]}`)); err != nil {
		t.Fatal(err)
	}
	r := wait(t, single)
	var env struct {
		Source, AppID, Channel, RuleID string
		Messages                       []any
		Presence                       []struct {
			Action         int
			ClientID, Data string
		}
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	if env.Source != "channel.presence" || env.Channel != "room:1" || env.RuleID != id || env.Messages != nil ||
		len(env.Presence) != 1 || env.Presence[0].Action != 2 || env.Presence[0].ClientID != "amy" || env.Presence[0].Data != "hi" {
		t.Errorf("presence envelope %s", r.body)
	}
	r = wait(t, batched)
	var batch struct {
		Items []struct {
			Source, Name string
			Data         struct {
				ChannelID string
				Presence  []struct{ ClientID string }
			}
		}
	}
	if err := json.Unmarshal(r.body, &batch); err != nil || len(batch.Items) != 1 {
		t.Fatalf("batch %s: %v", r.body, err)
	}
	if it := batch.Items[0]; it.Source != "channel.presence" || it.Name != "presence.message" || it.Data.ChannelID != "room:1" ||
		len(it.Data.Presence) != 1 || it.Data.Presence[0].ClientID != "amy" {
		t.Errorf("presence batch %s", r.body)
	}
}

// Deliveries, retries and failures are written to the app's [meta]log as "webhook"
// messages, which no rule posts in turn; a rule of a source not emulated is told once.
func TestWebhookLog(t *testing.T) {
	emu := start(t)
	emu.hooks.retries = []time.Duration{10 * time.Millisecond}
	url, got := receiver(t, 1)
	id := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": url + "?token=s3cret"}})
	deadID := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.message"}, "target": map[string]any{"url": "http://127.0.0.1:1/gone"}})
	lifeID := rule(t, emu, map[string]any{"ruleType": "http", "requestMode": "single",
		"source": map[string]any{"channelFilter": "", "type": "channel.lifecycle"}, "target": map[string]any{"url": url}})
	do(t, "POST", emu.URL+"/channels/logged/messages", basic(emu.Seeded.APIKey), map[string]string{"data": "x"})
	wait(t, got)
	do(t, "POST", emu.URL+"/channels/logged/messages", basic(emu.Seeded.APIKey), map[string]string{"data": "y"})
	wait(t, got)
	var outcomes []string
	deadline := time.Now().Add(10 * time.Second)
	for len(outcomes) < 8 && time.Now().Before(deadline) {
		outcomes = outcomes[:0]
		for _, m := range emu.Realtime.App(emu.Seeded.AppID).Messages("[meta]log") {
			var e webhookLog
			if err := json.Unmarshal(m.Data, &e); err != nil || m.Name != "webhook" {
				t.Fatalf("[meta]log message %s %s: %v", m.Name, m.Data, err)
			}
			if strings.Contains(e.Target, "s3cret") {
				t.Errorf("the log shows the target's credentials: %+v", e)
			}
			rule := map[string]string{id: "live", deadID: "dead", lifeID: "lifecycle"}[e.RuleID]
			outcomes = append(outcomes, rule+" "+e.Outcome)
		}
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(outcomes)
	want := []string{"dead failed", "dead failed", "dead retrying", "dead retrying", "lifecycle unsupported", "live delivered", "live delivered", "live retrying"}
	if !slices.Equal(outcomes, want) {
		t.Errorf("logged %v, want %v", outcomes, want)
	}
	select {
	case extra := <-got:
		t.Errorf("a rule posted more than the two messages: %s", extra.body)
	case <-time.After(100 * time.Millisecond):
	}
}
