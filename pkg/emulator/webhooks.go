package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// Webhooks: an http integration rule (ruleType "http", status enabled, its channel filter
// matching) posts what happens on its app's channels to its target URL, as Ably does (docs:
// platform/integrations/webhooks, version 1.2 of the payloads): the messages published, for
// source channel.message, or the presence changes (members entering, updating, leaving), for
// channel.presence (a rule of another source is told once, in the log, that it does not
// fire here). Metachannels are not the app's channels: no rule sees them.
//
//   - requestMode "single", enveloped (the default): one request an event, body
//     {"source","appId","channel","site","ruleId","messages":[message]} ("presence":[member]
//     for presence); not enveloped: the event's data itself, its context in
//     x-ably-envelope-* and x-ably-message-* headers. A request that fails (5xx, or no
//     answer) is tried again after 4 s, then 20 s.
//   - requestMode "batch": the events queued while a request is under way go in the next,
//     body {"items":[{"webhookId","source","serial","timestamp","name","data":{"channelId",
//     "site","messages"}}]} (name "presence.message" and "presence" for presence), signed
//     when the rule has a signingKeyId: X-Ably-Key names the key, X-Ably-Signature is the
//     base64 HMAC-SHA256 of the body with its secret. A failed batch is tried again after
//     1 s growing by √2 up to 60 s; events queued for 5 minutes without delivery are dropped.
//
// Every request carries x-ably-version: 1.2 and the rule's headers. Deliveries and failures
// are logged (Options.Logf) and written to the app's [meta]log as messages named "webhook",
// so that ably logs subscribe shows them.

// appLog is the metachannel of an app's log, where deliveries are written.
const appLog = "[meta]log"

// webhookSite is what the emulator calls its datacenter in payloads.
const webhookSite = "emulator"

// Timings of deliveries, as Ably's: single requests are tried again twice (after 4 s, then
// 20 s: webhooks.retries), batches with a growing backoff, and a batch's messages are kept
// for 5 minutes.
const (
	singleFirstRetry  = 4 * time.Second
	singleSecondRetry = 20 * time.Second
	batchFirstBackoff = time.Second
	batchMaxBackoff   = time.Minute
	batchKeep         = 5 * time.Minute
	webhookTimeout    = 15 * time.Second
)

// Sources of the events an http rule posts.
const (
	sourceMessage  = "channel.message"
	sourcePresence = "channel.presence"
)

// webhookLog is a [meta]log entry of a delivery: what the rule sent, where, and what came of it.
type webhookLog struct {
	RuleID  string `json:"ruleId"`
	Source  string `json:"source"`
	Channel string `json:"channel,omitempty"` // "" for a batch of several channels
	Target  string `json:"target"`            // the URL, credentials masked
	Events  int    `json:"events"`
	Outcome string `json:"outcome"` // delivered, retrying, failed, dropped, or unsupported (a source not emulated)
	Error   string `json:"error,omitempty"`
}

// webhooks delivers what a Control API fake's http rules ask for.
type webhooks struct {
	ctl    *controltest.Server
	client *http.Client
	logf   func(string, ...any)
	// record writes an entry to the app's [meta]log; nil: nowhere.
	record func(appID string, entry webhookLog)
	now    func() time.Time
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// retries are the waits before a failed single request is tried again; firstBackoff the
	// first wait of a failed batch (tests shorten them).
	retries      []time.Duration
	firstBackoff time.Duration

	mu      sync.Mutex
	batches map[string]*batchQueue // by rule ID
	warned  map[string]bool        // rules told to be of a source not emulated
}

func newWebhooks(ctl *controltest.Server, now func() time.Time, logf func(string, ...any)) *webhooks {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &webhooks{ctl: ctl, logf: logf, now: now, ctx: ctx, cancel: cancel, batches: map[string]*batchQueue{}, warned: map[string]bool{},
		retries: []time.Duration{singleFirstRetry, singleSecondRetry}, firstBackoff: batchFirstBackoff,
		client: &http.Client{Timeout: webhookTimeout, Transport: &http.Transport{Proxy: nil}}}
}

// close stops retries and waits for the deliveries under way.
func (w *webhooks) close() {
	w.cancel()
	w.wg.Wait()
}

// httpRule is what a delivery needs of an http rule.
type httpRule struct {
	ID, AppID, Mode string
	Source          string         // what it posts: sourceMessage or sourcePresence
	Filter          *regexp.Regexp // nil: every channel
	URL             string
	Headers         [][2]string
	Enveloped       bool
	SigningKeyID    string // "" for none
}

// note logs an outcome and writes it to the rule's app's [meta]log.
func (w *webhooks) note(rule httpRule, entry webhookLog, format string, args ...any) {
	w.logf("webhook rule %s: "+format, append([]any{rule.ID}, args...)...)
	if w.record != nil {
		entry.RuleID, entry.Target = rule.ID, redactURL(rule.URL)
		w.record(rule.AppID, entry)
	}
}

// unemulated says, once for each rule, that its source is one the emulator does not post
// (channel.lifecycle, channel.occupancy), so that a rule that stays silent is explained.
func (w *webhooks) unemulated(ruleID, appID, source string) {
	w.mu.Lock()
	seen := w.warned[ruleID]
	w.warned[ruleID] = true
	w.mu.Unlock()
	if !seen {
		w.note(httpRule{ID: ruleID, AppID: appID}, webhookLog{Source: source, Outcome: "unsupported"},
			"source %q is not emulated: only %s and %s rules post", source, sourceMessage, sourcePresence)
	}
}

// rulesFor are the enabled http rules of app on source whose filter matches channel.
func (w *webhooks) rulesFor(appID, source, channel string) []httpRule {
	var out []httpRule
	for _, r := range w.ctl.Rules(appID) {
		if str(r, "ruleType") != "http" || str(r, "status") == "disabled" {
			continue
		}
		src, _ := r["source"].(map[string]any)
		if t, _ := src["type"].(string); t != sourceMessage && t != sourcePresence {
			w.unemulated(r.ID(), appID, t)
			continue
		}
		if src["type"] != source {
			continue
		}
		rule := httpRule{ID: r.ID(), AppID: appID, Mode: str(r, "requestMode"), Source: source, Enveloped: true}
		if f, _ := src["channelFilter"].(string); f != "" {
			re, err := regexp.Compile(f)
			if err != nil {
				w.logf("webhook rule %s: channel filter %q does not compile: %v", rule.ID, f, err)
				continue
			}
			if !re.MatchString(channel) {
				continue
			}
			rule.Filter = re
		}
		target, _ := r["target"].(map[string]any)
		rule.URL, _ = target["url"].(string)
		if e, ok := target["enveloped"].(bool); ok {
			rule.Enveloped = e
		}
		rule.SigningKeyID, _ = target["signingKeyId"].(string)
		if hs, ok := target["headers"].([]any); ok {
			for _, h := range hs {
				if m, ok := h.(map[string]any); ok {
					name, _ := m["name"].(string)
					value, _ := m["value"].(string)
					rule.Headers = append(rule.Headers, [2]string{name, value})
				}
			}
		}
		if rule.URL != "" {
			out = append(out, rule)
		}
	}
	return out
}

func str(r controltest.Rule, key string) string { s, _ := r[key].(string); return s }

// events are what happened on one channel that rules of one source post: messages
// published or presence changes, in order.
type events struct {
	source   string
	channel  string
	messages []resttest.Message
	presence []resttest.PresenceMessage
}

func (ev events) len() int { return len(ev.messages) + len(ev.presence) }

// one is the i-th event alone, for a single request.
func (ev events) one(i int) events {
	out := events{source: ev.source, channel: ev.channel}
	if ev.source == sourcePresence {
		out.presence = ev.presence[i : i+1]
	} else {
		out.messages = ev.messages[i : i+1]
	}
	return out
}

// id and timestamp are the first event's, for logs and a batch item.
func (ev events) id() string {
	if len(ev.presence) > 0 {
		return ev.presence[0].ID
	}
	return ev.messages[0].ID
}

func (ev events) timestamp() int64 {
	if len(ev.presence) > 0 {
		return ev.presence[0].Timestamp
	}
	return ev.messages[0].Timestamp
}

// observe is the Realtime server's observer: messages published and presence changes go to
// the rules that want them.
func (w *webhooks) observe(e resttest.Event) {
	if e.AppID == "" || isMeta(e.Channel) {
		return
	}
	ev := events{source: sourceMessage, channel: e.Channel, messages: e.Messages}
	if len(e.Presence) > 0 {
		ev = events{source: sourcePresence, channel: e.Channel, presence: e.Presence}
	}
	if ev.len() == 0 {
		return
	}
	for _, rule := range w.rulesFor(e.AppID, ev.source, e.Channel) {
		if rule.Mode == "batch" {
			w.enqueue(rule, ev)
			continue
		}
		for i := range ev.len() {
			w.wg.Add(1)
			go func() {
				defer w.wg.Done()
				w.single(rule, ev.one(i))
			}()
		}
	}
}

// single delivers one event, trying again after singleRetries when it fails.
func (w *webhooks) single(rule httpRule, ev events) {
	entry := webhookLog{Source: ev.source, Channel: ev.channel, Events: 1}
	body, header, err := singleRequest(rule, ev)
	if err != nil {
		entry.Outcome, entry.Error = "failed", err.Error()
		w.note(rule, entry, "event %s: %v", ev.id(), err)
		return
	}
	for attempt := 0; ; attempt++ {
		err := w.post(rule, body, header)
		if err == nil {
			entry.Outcome = "delivered"
			w.note(rule, entry, "delivered %s %s of %s to %s", ev.source, ev.id(), ev.channel, redactURL(rule.URL))
			return
		}
		entry.Error = err.Error()
		if attempt >= len(w.retries) || !retryable(err) {
			entry.Outcome = "failed"
			w.note(rule, entry, "%s %s of %s not delivered to %s: %v", ev.source, ev.id(), ev.channel, redactURL(rule.URL), err)
			return
		}
		entry.Outcome = "retrying"
		w.note(rule, entry, "%v; trying again in %s", err, w.retries[attempt])
		select {
		case <-time.After(w.retries[attempt]):
		case <-w.ctx.Done():
			return
		}
	}
}

// singleRequest is the body and headers of a single request for one event.
func singleRequest(rule httpRule, ev events) ([]byte, http.Header, error) {
	h := http.Header{}
	if rule.Enveloped {
		body, err := json.Marshal(struct {
			Source   string                     `json:"source"`
			AppID    string                     `json:"appId"`
			Channel  string                     `json:"channel"`
			Site     string                     `json:"site"`
			RuleID   string                     `json:"ruleId"`
			Messages []resttest.Message         `json:"messages,omitempty"`
			Presence []resttest.PresenceMessage `json:"presence,omitempty"`
		}{ev.source, rule.AppID, ev.channel, webhookSite, rule.ID, ev.messages, ev.presence})
		h.Set("Content-Type", "application/json")
		return body, h, err
	}
	fields := map[string]string{
		"x-ably-envelope-appid": rule.AppID, "x-ably-envelope-channel": ev.channel, "x-ably-envelope-rule-id": rule.ID,
		"x-ably-envelope-site": webhookSite, "x-ably-envelope-source": ev.source,
	}
	var data json.RawMessage
	var encoding string
	if len(ev.presence) > 0 {
		p := ev.presence[0]
		data, encoding = p.Data, p.Encoding
		for k, v := range map[string]string{"x-ably-message-client-id": p.ClientID, "x-ably-message-connection-id": p.ConnectionID,
			"x-ably-message-id": p.ID, "x-ably-message-timestamp": strconv.FormatInt(p.Timestamp, 10),
			"x-ably-message-action": proto.PresenceAction(p.Action).String()} {
			fields[k] = v
		}
	} else {
		m := ev.messages[0]
		data, encoding = m.Data, m.Encoding
		for k, v := range map[string]string{"x-ably-message-client-id": m.ClientID, "x-ably-message-connection-id": m.ConnectionID,
			"x-ably-message-id": m.ID, "x-ably-message-timestamp": strconv.FormatInt(m.Timestamp, 10), "x-ably-message-name": m.Name} {
			fields[k] = v
		}
	}
	for k, v := range fields {
		if v != "" {
			h.Set(k, v)
		}
	}
	body, contentType, err := rawData(data, encoding)
	h.Set("Content-Type", contentType)
	return body, h, err
}

// rawData is an event's data as a non-enveloped request carries it: a string as text, binary
// (base64 last in its encoding) as bytes, anything else as JSON.
func rawData(data json.RawMessage, encoding string) ([]byte, string, error) {
	if len(data) == 0 || string(data) == "null" {
		return nil, "text/plain", nil
	}
	var s string
	if json.Unmarshal(data, &s) != nil {
		return data, "application/json", nil
	}
	if strings.HasSuffix(encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(s)
		return b, "application/octet-stream", err
	}
	if strings.HasSuffix(encoding, "json") {
		return []byte(s), "application/json", nil
	}
	return []byte(s), "text/plain", nil
}

// errStatus is an answer other than 2xx.
type errStatus int

func (e errStatus) Error() string {
	return fmt.Sprintf("answered %d %s", int(e), http.StatusText(int(e)))
}

// retryable: a 5xx, or no answer at all; a 4xx is the receiver saying no.
func retryable(err error) bool {
	if s, ok := err.(errStatus); ok {
		return int(s) >= 500
	}
	return true
}

// post sends one request of rule with body and header.
func (w *webhooks) post(rule httpRule, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, rule.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = header.Clone()
	req.Header.Set("X-Ably-Version", "1.2")
	req.Header.Set("User-Agent", "ably-emulator")
	for _, h := range rule.Headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("no answer: %v", redactErr(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return errStatus(resp.StatusCode)
	}
	return nil
}

// batchQueue is one batch rule's events awaiting delivery, and its delivery loop.
type batchQueue struct {
	rule    httpRule
	items   []batchItem
	running bool
}

type batchItem struct {
	events
	queued time.Time
}

func (w *webhooks) enqueue(rule httpRule, ev events) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.batches[rule.ID]
	if q == nil {
		q = &batchQueue{}
		w.batches[rule.ID] = q
	}
	q.rule = rule // the rule as it is now (its URL or headers may have changed)
	q.items = append(q.items, batchItem{events: ev, queued: w.now()})
	if !q.running {
		q.running = true
		w.wg.Add(1)
		go w.deliverBatches(q)
	}
}

// deliverBatches sends a rule's queued messages, all queued at the time in one request, until
// none is left.
func (w *webhooks) deliverBatches(q *batchQueue) {
	defer w.wg.Done()
	backoff := time.Duration(0)
	for {
		w.mu.Lock()
		// Drop what waited too long, as Ably does, so that a dead endpoint never fills memory.
		kept := q.items[:0]
		for _, it := range q.items {
			if w.now().Sub(it.queued) < batchKeep {
				kept = append(kept, it)
			}
		}
		if dropped := len(q.items) - len(kept); dropped > 0 {
			w.note(q.rule, webhookLog{Source: q.rule.Source, Events: dropped, Outcome: "dropped"},
				"dropped %d queued events after %s undelivered", dropped, batchKeep)
		}
		q.items = kept
		if len(q.items) == 0 {
			q.running = false
			w.mu.Unlock()
			return
		}
		items, rule := append([]batchItem(nil), q.items...), q.rule
		w.mu.Unlock()

		body, err := batchBody(rule, items)
		if err == nil {
			header := http.Header{"Content-Type": {"application/json"}}
			if err = signBatch(w.ctl, rule, body, header); err == nil {
				err = w.post(rule, body, header)
			}
		}
		entry := webhookLog{Source: rule.Source, Events: len(items)}
		if err == nil {
			entry.Outcome = "delivered"
			w.note(rule, entry, "delivered a batch of %d events to %s", len(items), redactURL(rule.URL))
			w.mu.Lock()
			q.items = q.items[len(items):]
			w.mu.Unlock()
			backoff = 0
			continue
		}
		if backoff == 0 {
			backoff = w.firstBackoff
		}
		backoff = min(time.Duration(float64(backoff)*1.41421356), batchMaxBackoff)
		entry.Outcome, entry.Error = "retrying", err.Error()
		w.note(rule, entry, "a batch of %d events not delivered to %s: %v; trying again in %s", len(items), redactURL(rule.URL), err, backoff.Round(100*time.Millisecond))
		select {
		case <-time.After(backoff):
		case <-w.ctx.Done():
			return
		}
	}
}

// batchBody is the body of a batch request: an item for each channel's events.
func batchBody(rule httpRule, items []batchItem) ([]byte, error) {
	type data struct {
		ChannelID string                     `json:"channelId"`
		Site      string                     `json:"site"`
		Messages  []resttest.Message         `json:"messages,omitempty"`
		Presence  []resttest.PresenceMessage `json:"presence,omitempty"`
	}
	type item struct {
		WebhookID string `json:"webhookId"`
		Source    string `json:"source"`
		Serial    string `json:"serial"`
		Timestamp int64  `json:"timestamp"`
		Name      string `json:"name"`
		Data      data   `json:"data"`
	}
	out := struct {
		Items []item `json:"items"`
	}{}
	for _, it := range items {
		name := "channel.message"
		if it.source == sourcePresence {
			name = "presence.message"
		}
		out.Items = append(out.Items, item{WebhookID: rule.ID, Source: it.source, Serial: it.id(), Timestamp: it.timestamp(),
			Name: name, Data: data{ChannelID: it.channel, Site: webhookSite, Messages: it.messages, Presence: it.presence}})
	}
	return json.Marshal(out)
}

// signBatch signs a batch with the rule's signing key, when it has one: X-Ably-Key names it,
// X-Ably-Signature is the base64 HMAC-SHA256 of the body keyed with its secret.
func signBatch(ctl *controltest.Server, rule httpRule, body []byte, header http.Header) error {
	if rule.SigningKeyID == "" {
		return nil
	}
	id := rule.SigningKeyID
	if _, after, ok := strings.Cut(id, "."); ok {
		id = after
	}
	for _, k := range ctl.Keys(rule.AppID) {
		if k.ID == id {
			_, secret, _ := strings.Cut(k.Key, ":")
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(body)
			header.Set("X-Ably-Key", k.AppID+"."+k.ID)
			header.Set("X-Ably-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
			return nil
		}
	}
	return fmt.Errorf("signing key %s is not a key of app %s", rule.SigningKeyID, rule.AppID)
}

// redactURL is a target URL as logs show it: credentials in its query masked.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return httpcore.Redact(u)
}

// redactErr is a transport error without the URL it carries (which may hold credentials).
func redactErr(err error) string {
	type urlErr interface{ Unwrap() error }
	if u, ok := err.(urlErr); ok && u.Unwrap() != nil {
		return u.Unwrap().Error()
	}
	return err.Error()
}
