package resttest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// mutableServer allows mutable messages in namespace "edit" of app1.
func mutableServer(t *testing.T, now *time.Time) *Server {
	t.Helper()
	return channelServer(t, now, WithMutable(func(appID, channel string) bool {
		ns, _, ok := strings.Cut(channel, ":")
		return appID == "app1" && ok && ns == "edit"
	}))
}

func msgPath(channel, serial string, rest ...string) string {
	return "/channels/" + url.PathEscape(channel) + "/messages/" + url.PathEscape(serial) + strings.Join(rest, "")
}

func TestGetMessage(t *testing.T) {
	now := t0
	srv := mutableServer(t, &now)
	auth := basic(testKey)
	m := srv.Publish("edit:doc", Message{Name: "n", Data: json.RawMessage(`"v1"`), ClientID: "alice"})[0]
	other := srv.Publish("plain:doc", Message{Name: "n"})[0]
	srv.Publish("nons", Message{Name: "n"})

	r := call(t, srv, "GET", msgPath("edit:doc", m.Serial), auth, nil)
	var got Message
	r.into(t, &got)
	if r.status != 200 || got.Serial != m.Serial || got.ID != m.ID || got.Action != 0 || got.ClientID != "alice" || string(got.Data) != `"v1"` ||
		got.Version == nil || got.Version.Serial != m.Serial || got.Version.Timestamp != m.Timestamp {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if r := call(t, srv, "GET", msgPath("edit:doc", "0000000000000000-000009@fake"), auth, nil); r.status != 404 || r.code() != 40400 {
		t.Fatalf("unknown serial: %d %s", r.status, r.raw)
	}
	if r := call(t, srv, "GET", msgPath("edit:none", m.Serial), auth, nil); r.status != 404 || r.code() != 40400 {
		t.Fatalf("unknown channel: %d %s", r.status, r.raw)
	}
	r = call(t, srv, "GET", msgPath("plain:doc", other.Serial), auth, nil)
	if r.status != 400 || r.code() != 93002 || !strings.Contains(r.message(), `namespace "plain"`) || !strings.Contains(r.message(), "mutableMessages") {
		t.Fatalf("not mutable: %d %s", r.status, r.raw)
	}
	if r := call(t, srv, "GET", msgPath("nons", "x"), auth, nil); r.status != 400 || r.code() != 93002 || !strings.Contains(r.message(), "no namespace") {
		t.Fatalf("no namespace: %d %s", r.status, r.raw)
	}
	srv.AddKey(Key{Key: "app1.pub:p", Capability: map[string][]string{"*": {"publish"}}})
	if r := call(t, srv, "GET", msgPath("edit:doc", m.Serial), basic("app1.pub:p"), nil); r.status != 401 || r.code() != 40160 || !strings.Contains(r.message(), `"history"`) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	// Another app's key: its namespace rules are its own.
	srv.AddKey(Key{Key: "app2.k:s"})
	if r := call(t, srv, "GET", msgPath("edit:doc", m.Serial), basic("app2.k:s"), nil); r.status != 400 || r.code() != 93002 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	// Without WithMutable, nothing is mutable.
	plain := channelServer(t, &now)
	pm := plain.Publish("edit:doc", Message{Name: "n"})[0]
	if r := call(t, plain, "GET", msgPath("edit:doc", pm.Serial), auth, nil); r.status != 400 || r.code() != 93002 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func TestPatchMessage(t *testing.T) {
	now := t0
	srv := mutableServer(t, &now)
	auth := basic(testKey)
	m := srv.Publish("edit:doc", Message{Name: "n", Data: json.RawMessage(`"Hello"`), ClientID: "alice", Extras: json.RawMessage(`{"a":1}`)})[0]

	patch := func(auth string, body any, headers ...string) reply {
		t.Helper()
		return call(t, srv, "PATCH", msgPath("edit:doc", m.Serial), auth, body, headers...)
	}
	now = now.Add(time.Second)
	r := patch(auth, map[string]any{"action": 1, "name": "renamed", "version": map[string]any{"description": "typo", "metadata": map[string]string{"k": "v"}}})
	var v VersionResult
	r.into(t, &v)
	if r.status != 200 || v.VersionSerial == "" || v.VersionSerial <= m.Serial {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	got := srv.Messages("edit:doc")[0]
	if got.Name != "renamed" || string(got.Data) != `"Hello"` || string(got.Extras) != `{"a":1}` || got.Action != ActionUpdate || got.Serial != m.Serial ||
		got.Version.Serial != v.VersionSerial || got.Version.Timestamp != now.UnixMilli() || got.Version.Description != "typo" || string(got.Version.Metadata) != `{"k":"v"}` {
		t.Fatalf("%+v %+v", got, got.Version)
	}
	// Appends concatenate string data; history shows the latest version.
	if r := patch(auth, map[string]any{"action": 5, "data": ", world"}, clientIDHeader("alice")...); r.status != 200 {
		t.Fatalf("append: %d %s", r.status, r.raw)
	}
	page, _, _ := history(t, srv, auth, "/channels/edit:doc/messages")
	if len(page) != 1 || string(page[0].Data) != `"Hello, world"` || page[0].Action != ActionAppend || page[0].Version.ClientID != "alice" {
		t.Fatalf("%+v", page)
	}
	for _, c := range []struct {
		name string
		body any
		code int
	}{
		{"no action", map[string]any{"name": "x"}, 40003},
		{"bad action", map[string]any{"action": 3}, 40003},
		{"append no string", map[string]any{"action": 5, "data": map[string]int{"a": 1}}, 40003},
		{"append nothing", map[string]any{"action": 5}, 40003},
		{"bad extras", map[string]any{"action": 1, "extras": "x"}, 40003},
		{"not JSON", []byte(`{`), 40000},
	} {
		if r := patch(auth, c.body); r.status != 400 || r.code() != c.code {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
		}
	}
	if r := patch(auth, map[string]any{"action": 1, "version": map[string]any{"clientId": "eve"}}, clientIDHeader("bob")...); r.status != 400 || r.code() != 40012 {
		t.Errorf("version clientId: %d %s", r.status, r.raw)
	}
	// Object data cannot be appended to.
	obj := srv.Publish("edit:obj", Message{Data: json.RawMessage(`{"a":1}`)})[0]
	if r := call(t, srv, "PATCH", msgPath("edit:obj", obj.Serial), auth, map[string]any{"action": 5, "data": "x"}); r.status != 400 || r.code() != 40003 {
		t.Errorf("append to an object: %d %s", r.status, r.raw)
	}

	// Capabilities: -any, or -own for a message of the caller's client ID.
	srv.AddKey(Key{Key: "app1.own:o", Capability: map[string][]string{"edit:*": {"message-update-own", "message-delete-own"}}})
	srv.AddKey(Key{Key: "app1.any:a", Capability: map[string][]string{"edit:*": {"message-update-any"}}})
	srv.AddKey(Key{Key: "app1.none:n", Capability: map[string][]string{"edit:*": {"history", "publish"}}})
	update := map[string]any{"action": 1, "data": "v2"}
	cases := []struct {
		name    string
		key     string
		headers []string
		body    any
		status  int
	}{
		{"own, other client", "app1.own:o", clientIDHeader("bob"), update, 401},
		{"own, unidentified", "app1.own:o", nil, update, 401},
		{"own, same client", "app1.own:o", clientIDHeader("alice"), update, 200},
		{"any", "app1.any:a", nil, update, 200},
		{"any update cannot delete", "app1.any:a", nil, map[string]any{"action": 2}, 401},
		{"neither", "app1.none:n", nil, update, 401},
		{"neither delete", "app1.none:n", clientIDHeader("alice"), map[string]any{"action": 2}, 401},
		{"own delete", "app1.own:o", clientIDHeader("alice"), map[string]any{"action": 2}, 200},
		{"append after delete", testKey, nil, map[string]any{"action": 5, "data": "x"}, 400},
	}
	for _, c := range cases {
		r := patch(basic(c.key), c.body, c.headers...)
		if r.status != c.status || c.status == 401 && (r.code() != 40160 || !strings.Contains(r.message(), "message-")) {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.raw, c.status)
		}
	}
	if got := srv.Messages("edit:doc")[0]; got.Action != ActionDelete || string(got.Data) != `"v2"` {
		t.Fatalf("%+v", got)
	}
	// Not mutable, and unknown serials.
	p := srv.Publish("plain:x", Message{})[0]
	if r := call(t, srv, "PATCH", msgPath("plain:x", p.Serial), auth, update); r.status != 400 || r.code() != 93002 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if r := call(t, srv, "PATCH", msgPath("edit:doc", "nope"), auth, update); r.status != 404 || r.code() != 40400 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func TestAnnotations(t *testing.T) {
	now := t0
	srv := mutableServer(t, &now)
	auth := basic(testKey)
	m := srv.Publish("edit:chat", Message{Name: "n", Data: json.RawMessage(`"hi"`)})[0]
	path := msgPath("edit:chat", m.Serial, "/annotations")

	r := call(t, srv, "POST", path, auth, map[string]any{"type": "reaction:distinct.v1", "name": "👍"}, clientIDHeader("alice")...)
	if r.status != 201 || strings.TrimSpace(string(r.raw)) != "{}" {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	r = call(t, srv, "POST", path, auth, []any{
		map[string]any{"type": "reaction:multiple.v1", "name": "x", "count": 3, "id": "a1"},
		map[string]any{"type": "reaction:distinct.v1", "name": "👍", "action": 1, "data": map[string]int{"n": 1}, "encoding": "json"},
	})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	// A retry with the same ID is stored once.
	if r := call(t, srv, "POST", path, auth, map[string]any{"type": "reaction:multiple.v1", "name": "x", "count": 3, "id": "a1"}); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	all := srv.Annotations("edit:chat", m.Serial)
	if len(all) != 3 || all[0].ClientID != "alice" || all[0].Action != 0 || all[0].MessageSerial != m.Serial || all[0].Serial == "" || all[0].ID == "" ||
		all[1].ID != "a1" || *all[1].Count != 3 || all[2].Action != 1 || string(all[2].Data) != `{"n":1}` || all[0].Timestamp != t0.UnixMilli() {
		t.Fatalf("%+v", all)
	}

	var got []Annotation
	r = call(t, srv, "GET", path, auth, nil)
	r.into(t, &got)
	if r.status != 200 || len(got) != 3 || got[0].Type != "reaction:distinct.v1" || !strings.Contains(string(r.raw), `"messageSerial":"`+m.Serial+`"`) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	var pages []int
	for p := path + "?limit=2"; p != ""; {
		r := call(t, srv, "GET", p, auth, nil)
		var page []Annotation
		r.into(t, &page)
		pages = append(pages, len(page))
		p = nextLink(t, p, r.header.Get("Link"))
		if p != "" && !strings.Contains(r.header.Get("Link"), "<./annotations?") {
			t.Fatalf("Link %q", r.header.Get("Link"))
		}
	}
	if len(pages) != 2 || pages[0] != 2 || pages[1] != 1 {
		t.Fatalf("pages %v", pages)
	}

	for _, c := range []struct {
		name    string
		body    any
		headers []string
		code    int
	}{
		{"no type", map[string]any{"name": "x"}, nil, 40003},
		{"bad action", map[string]any{"type": "t", "action": 2}, nil, 40003},
		{"negative count", map[string]any{"type": "t", "count": -1}, nil, 40003},
		{"empty array", []any{}, nil, 40003},
		{"other client", map[string]any{"type": "t", "clientId": "eve"}, clientIDHeader("alice"), 40012},
		{"not JSON", []byte(`[`), nil, 40000},
	} {
		if r := call(t, srv, "POST", path, auth, c.body, c.headers...); r.status != 400 || r.code() != c.code {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
		}
	}
	if r := call(t, srv, "POST", msgPath("edit:chat", "nope", "/annotations"), auth, map[string]any{"type": "t"}); r.status != 404 || r.code() != 40400 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if r := call(t, srv, "GET", msgPath("edit:chat", "nope", "/annotations"), auth, nil); r.status != 404 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	p := srv.Publish("plain:x", Message{})[0]
	if r := call(t, srv, "GET", msgPath("plain:x", p.Serial, "/annotations"), auth, nil); r.status != 400 || r.code() != 93002 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	srv.AddKey(Key{Key: "app1.sub:s", Capability: map[string][]string{"edit:*": {"annotation-subscribe"}}})
	if r := call(t, srv, "POST", path, basic("app1.sub:s"), map[string]any{"type": "t"}); r.status != 401 || r.code() != 40160 || !strings.Contains(r.message(), "annotation-publish") {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if r := call(t, srv, "GET", path, basic("app1.sub:s"), nil); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	srv.AddKey(Key{Key: "app1.pubann:s", Capability: map[string][]string{"edit:*": {"annotation-publish"}}})
	if r := call(t, srv, "GET", path, basic("app1.pubann:s"), nil); r.status != 401 || !strings.Contains(r.message(), "annotation-subscribe") {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if len(srv.Annotations("edit:chat", m.Serial)) != 3 {
		t.Fatal("refused annotations were stored")
	}
}
