package resttest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestChannelStatus(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	auth := basic(testKey)
	srv.SetOccupancy("busy", Metrics{Connections: 3, Publishers: 1, Subscribers: 2, PresenceConnections: 1, PresenceSubscribers: 4, ObjectPublishers: 5, ObjectSubscribers: 6})
	srv.EnterPresence("busy", PresenceMember{ClientID: "alice"})
	srv.EnterPresence("busy", PresenceMember{ClientID: "bob"})

	var d ChannelDetails
	r := call(t, srv, "GET", "/channels/busy?occupancy=metrics", auth, nil, "X-Ably-Version", "5")
	r.into(t, &d)
	want := Metrics{Connections: 3, Publishers: 1, Subscribers: 2, PresenceConnections: 1, PresenceMembers: 2, PresenceSubscribers: 4, ObjectPublishers: 5, ObjectSubscribers: 6}
	if r.status != 200 || d.ChannelID != "busy" || !d.Status.IsActive || d.Status.Occupancy.Metrics != want {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	for _, key := range []string{`"channelId":"busy"`, `"status":{"isActive":true,"occupancy":{"metrics":{"connections":3,`, `"presenceMembers":2`, `"objectSubscribers":6`} {
		if !strings.Contains(string(r.raw), key) {
			t.Errorf("%s lacks %s", r.raw, key)
		}
	}
	// A channel never used: 200, inactive, zeros.
	r = call(t, srv, "GET", "/channels/unused", auth, nil)
	d = ChannelDetails{}
	r.into(t, &d)
	if r.status != 200 || d.Status.IsActive || d.Status.Occupancy.Metrics != (Metrics{}) || !strings.Contains(string(r.raw), `"connections":0`) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	// Messages alone make a channel active.
	srv.Publish("talked", Message{Name: "x"})
	r = call(t, srv, "GET", "/channels/talked", auth, nil)
	if !strings.Contains(string(r.raw), `"isActive":true`) {
		t.Fatalf("%s", r.raw)
	}
	srv.AddKey(Key{Key: "app1.sub:s", Capability: map[string][]string{"*": {"subscribe"}}})
	if r := call(t, srv, "GET", "/channels/busy", basic("app1.sub:s"), nil); r.status != 401 || r.code() != 40160 || !strings.Contains(r.message(), "channel-metadata") {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func TestListChannels(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	auth := basic(testKey)
	for _, name := range []string{"chat:b", "chat:a", "news", "chat:c:d", "[meta]log"} {
		srv.Publish(name, Message{Name: "x"})
	}
	srv.EnterPresence("lobby", PresenceMember{ClientID: "a"})
	srv.SetOccupancy("quiet", Metrics{Connections: 1})
	srv.SetOccupancy("chat:zero", Metrics{}) // seeded occupancy, even all zeros, makes it active

	list := func(auth, query string) ([]string, string, reply) {
		t.Helper()
		path := "/channels" + query
		r := call(t, srv, "GET", path, auth, nil)
		if r.status != 200 {
			return nil, "", r
		}
		var names []string
		r.into(t, &names)
		return names, nextLink(t, path, r.header.Get("Link")), r
	}
	names, next, _ := list(auth, "")
	if strings.Join(names, ",") != "chat:a,chat:b,chat:c:d,chat:zero,lobby,news,quiet" || next != "" {
		t.Fatalf("%v next %q", names, next)
	}
	names, _, _ = list(auth, "?prefix=chat:&by=id")
	if strings.Join(names, ",") != "chat:a,chat:b,chat:c:d,chat:zero" {
		t.Fatalf("prefix: %v", names)
	}
	// Pages, following next.
	var pages []string
	for path := "?limit=3"; path != ""; {
		names, next, _ := list(auth, path)
		pages = append(pages, strings.Join(names, ","))
		path = strings.TrimPrefix(next, "/channels")
	}
	if strings.Join(pages, "|") != "chat:a,chat:b,chat:c:d|chat:zero,lobby,news|quiet" {
		t.Fatalf("pages %q", pages)
	}
	// by=value gives ChannelDetails.
	r := call(t, srv, "GET", "/channels?by=value&prefix=lob", auth, nil)
	var details []ChannelDetails
	r.into(t, &details)
	if len(details) != 1 || details[0].ChannelID != "lobby" || details[0].Status.Occupancy.Metrics.PresenceMembers != 1 {
		t.Fatalf("%s", r.raw)
	}
	// Channels the key may not see are left out; [meta] channels need their qualifier.
	srv.AddKey(Key{Key: "app1.chat:c", Capability: map[string][]string{"chat:*": {"channel-metadata"}, "news": {"publish"}}})
	srv.AddKey(Key{Key: "app1.all:a", Capability: map[string][]string{"[*]*": {"channel-metadata"}}})
	if names, _, _ := list(basic("app1.chat:c"), ""); strings.Join(names, ",") != "chat:a,chat:b,chat:c:d,chat:zero" {
		t.Fatalf("narrow key: %v", names)
	}
	if names, _, _ := list(basic("app1.all:a"), "?prefix=%5B"); strings.Join(names, ",") != "[meta]log" {
		t.Fatalf("[*]* key: %v", names)
	}
	if names, _, r := list(auth, "?prefix=none"); names == nil || len(names) != 0 || !strings.HasPrefix(string(r.raw), "[]") {
		t.Fatalf("none: %q", r.raw)
	}
	if r := call(t, srv, "GET", "/channels?by=value&prefix=none", auth, nil); !strings.HasPrefix(string(r.raw), "[]") {
		t.Fatalf("none by value: %q", r.raw)
	}
	for _, bad := range []string{"?by=name", "?limit=0", "?limit=1001", "?cursor=%25"} {
		if _, _, r := list(auth, bad); r.status != 400 || r.code() != 40003 {
			t.Errorf("%s: %d %s", bad, r.status, r.raw)
		}
	}
	expectViolations(t, srv, `"by"`)
	if _, _, r := list("", ""); r.status != 401 || r.code() != 40101 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	expectViolations(t, srv, "security")
}

func TestPresence(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	auth := basic(testKey)
	srv.EnterPresence("room", PresenceMember{ClientID: "alice", ConnectionID: "c1", Data: json.RawMessage(`"hi"`)})
	srv.EnterPresence("room", PresenceMember{ClientID: "bob", ConnectionID: "c2", Data: json.RawMessage(`{"mood":"ok"}`), Encoding: "json"})
	srv.EnterPresence("room", PresenceMember{ClientID: "alice", ConnectionID: "c3"})
	now = now.Add(time.Second)
	srv.EnterPresence("room", PresenceMember{ClientID: "alice", ConnectionID: "c1", Data: json.RawMessage(`"back"`)}) // an update
	got := func(query string) ([]PresenceMessage, string, reply) {
		t.Helper()
		path := "/channels/room/presence" + query
		r := call(t, srv, "GET", path, auth, nil)
		if r.status != 200 {
			return nil, "", r
		}
		var ps []PresenceMessage
		r.into(t, &ps)
		return ps, nextLink(t, path, r.header.Get("Link")), r
	}
	all, next, r := got("")
	if len(all) != 3 || next != "" {
		t.Fatalf("%s", r.raw)
	}
	if p := all[0]; p.ClientID != "alice" || p.ConnectionID != "c1" || string(p.Data) != `"back"` || p.Action != 1 || p.ID == "" || p.Timestamp != t0.Add(time.Second).UnixMilli() {
		t.Fatalf("%+v", p)
	}
	if !strings.Contains(string(r.raw), `"action":1`) || !strings.Contains(string(r.raw), `"encoding":"json"`) {
		t.Fatalf("%s", r.raw)
	}
	if ps, _, _ := got("?clientId=alice"); len(ps) != 2 {
		t.Fatalf("clientId: %+v", ps)
	}
	if ps, _, _ := got("?clientId=alice&connectionId=c3"); len(ps) != 1 || ps[0].ConnectionID != "c3" {
		t.Fatalf("connectionId: %+v", ps)
	}
	var ids []string
	for path := "?limit=2"; path != ""; {
		ps, next, _ := got(path)
		for _, p := range ps {
			ids = append(ids, p.ClientID+"/"+p.ConnectionID)
		}
		ids = append(ids, "|")
		path = strings.TrimPrefix(next, "/channels/room/presence")
	}
	if strings.Join(ids, " ") != "alice/c1 bob/c2 | alice/c3 |" {
		t.Fatalf("pages %v", ids)
	}
	if ps, _, r := got("?clientId=nobody"); len(ps) != 0 || !strings.HasPrefix(string(r.raw), "[]") {
		t.Fatalf("%q", r.raw)
	}
	if r := call(t, srv, "GET", "/channels/empty/presence", auth, nil); r.status != 200 || !strings.HasPrefix(string(r.raw), "[]") {
		t.Fatalf("%d %q", r.status, r.raw)
	}
	// A made-up connection ID for a member entered without one.
	if p := srv.EnterPresence("other", PresenceMember{ClientID: "x"}); p.ConnectionID == "" {
		t.Fatal("no connection ID")
	}
	srv.AddKey(Key{Key: "app1.pub:p", Capability: map[string][]string{"*": {"publish"}}})
	if r := call(t, srv, "GET", "/channels/room/presence", basic("app1.pub:p"), nil); r.status != 401 || r.code() != 40160 || !strings.Contains(r.message(), `"subscribe"`) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if _, _, r := got("?limit=0"); r.status != 400 || r.code() != 40003 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func TestBatchPublish(t *testing.T) {
	now := t0
	srv := channelServer(t, &now)
	srv.AddKey(Key{Key: "app1.chat:c", Capability: map[string][]string{"chat:*": {"publish"}}})
	auth := basic("app1.chat:c")

	r := call(t, srv, "POST", "/messages", auth, map[string]any{"channels": []string{"chat:a", "other", "chat:b"}, "messages": []any{map[string]any{"name": "x", "data": "1"}, map[string]any{"data": "2"}}})
	var res PublishBatchResult
	r.into(t, &res)
	if r.status != 201 || res.SuccessCount != 2 || res.FailureCount != 1 || len(res.Results) != 3 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if a := res.Results[0]; a.Channel != "chat:a" || a.MessageID == "" || len(a.Serials) != 2 || a.Error != nil {
		t.Fatalf("%+v", a)
	}
	if o := res.Results[1]; o.Channel != "other" || o.Error == nil || o.Error.Code != 40160 || o.Error.StatusCode != 401 || o.Error.Href == "" || len(o.Serials) != 0 {
		t.Fatalf("%+v", o)
	}
	if len(srv.Messages("chat:a")) != 2 || len(srv.Messages("chat:b")) != 2 || len(srv.Messages("other")) != 0 {
		t.Fatal("stored the wrong messages")
	}
	for _, want := range []string{`"successCount":2`, `"failureCount":1`, `"error":{"message":"action not permitted`} {
		if !strings.Contains(string(r.raw), want) {
			t.Errorf("%s lacks %s", r.raw, want)
		}
	}

	// An array of specs gives an array of results; a string channel and one message are
	// allowed; the client ID check is per channel too; IDs make retries idempotent.
	body := []any{
		map[string]any{"channels": "chat:c", "messages": map[string]any{"id": "b1:0", "data": "x"}},
		map[string]any{"channels": []string{"chat:d"}, "messages": []any{map[string]any{"clientId": "eve"}}},
	}
	r = call(t, srv, "POST", "/messages", auth, body, clientIDHeader("bob")...)
	var results []PublishBatchResult
	r.into(t, &results)
	if r.status != 201 || len(results) != 2 || results[0].SuccessCount != 1 || results[1].FailureCount != 1 || results[1].Results[0].Error.Code != 40012 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if ms := srv.Messages("chat:c"); len(ms) != 1 || ms[0].ClientID != "bob" || ms[0].ID != "b1:0" {
		t.Fatalf("%+v", ms)
	}
	r = call(t, srv, "POST", "/messages", auth, body[:1], clientIDHeader("bob")...)
	var again []PublishBatchResult
	r.into(t, &again)
	if len(srv.Messages("chat:c")) != 1 || fmt.Sprint(again[0].Results[0].Serials) != fmt.Sprint(results[0].Results[0].Serials) {
		t.Fatalf("a retried batch stored again: %s", r.raw)
	}

	many := make([]string, MaxBatchChannels+1)
	for i := range many {
		many[i] = fmt.Sprint("chat:", i)
	}
	twentyMessages := make([]any, 20)
	for i := range twentyMessages {
		twentyMessages[i] = map[string]any{"data": "x"}
	}
	refused := []struct {
		name string
		body any
		code int
		says string
	}{
		{"too many channels", map[string]any{"channels": many, "messages": map[string]any{"data": "x"}}, 40003, "at most 100 channels"},
		{"too many messages", map[string]any{"channels": many[:MaxBatchMessages/20+1], "messages": twentyMessages}, 40003, "at most 1000 messages"},
		{"no channels", map[string]any{"channels": []string{}, "messages": map[string]any{"data": "x"}}, 40003, "channels must"},
		{"channels not names", map[string]any{"channels": 5, "messages": map[string]any{"data": "x"}}, 40003, "channels must"},
		{"empty name", map[string]any{"channels": []string{""}, "messages": map[string]any{"data": "x"}}, 40003, "name is empty"},
		{"no messages", map[string]any{"channels": "chat:x"}, 40003, "messages must"},
		{"empty messages", map[string]any{"channels": "chat:x", "messages": []any{}}, 40003, "messages must"},
		{"no specs", []any{}, 40003, "no batch specs"},
		{"not JSON", []byte(`{`), 40000, "not a BatchSpec"},
		{"bad message", map[string]any{"channels": "chat:x", "messages": map[string]any{"name": 1}}, 40000, "name must not be"},
	}
	for _, c := range refused {
		if r := call(t, srv, "POST", "/messages", auth, c.body); r.status != 400 || r.code() != c.code || !strings.Contains(r.message(), c.says) {
			t.Errorf("%s: %d %s, want 400 %d saying %q", c.name, r.status, r.raw, c.code, c.says)
		}
	}
	if len(srv.Messages("chat:0")) != 0 || len(srv.Messages("chat:x")) != 0 {
		t.Fatal("a refused batch stored messages")
	}
	// The limits themselves pass.
	if r := call(t, srv, "POST", "/messages", auth, map[string]any{"channels": many[:MaxBatchMessages/20], "messages": twentyMessages}); r.status != 201 {
		t.Fatalf("at the limits: %d %.200s", r.status, r.raw)
	}
	if r := call(t, srv, "POST", "/messages", basic("app1.chat:wrong"), body); r.status != 401 || r.code() != 40101 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}
