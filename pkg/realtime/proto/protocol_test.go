package proto

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Frames as a server and a client write them (the shapes of TR4, CD2, TM2, TP3, TAN2).
func TestProtocolMessageUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		name, wire string
		want       ProtocolMessage
	}{
		{"heartbeat without action", `{}`, ProtocolMessage{Action: ActionHeartbeat}},
		{"nulls read as empty", `{"action":0,"id":null,"messages":null,"error":null,"flags":null}`, ProtocolMessage{}},
		{"connected", `{"action":4,"connectionId":"CONN","connectionKey":"KEY","connectionDetails":{"clientId":"bob","connectionKey":"KEY","maxMessageSize":65536,"maxInboundRate":50,"maxFrameSize":524288,"connectionStateTtl":120000,"maxIdleInterval":15000,"serverId":"srv-1","siteCode":"eu-west-1"}}`,
			ProtocolMessage{Action: ActionConnected, ConnectionID: "CONN", ConnectionKey: "KEY", ConnectionDetails: &ConnectionDetails{
				ClientID: "bob", ConnectionKey: "KEY", MaxMessageSize: 65536, MaxInboundRate: 50, MaxFrameSize: 524288,
				ConnectionStateTTL: 120000, MaxIdleInterval: 15000, ServerID: "srv-1", SiteCode: "eu-west-1"}}},
		{"attached", `{"action":11,"channel":"my-channel","flags":393217,"channelSerial":"CS1","params":{"rewind":"10"}}`,
			ProtocolMessage{Action: ActionAttached, Channel: "my-channel", Flags: FlagHasPresence | FlagPublish | FlagSubscribe, ChannelSerial: "CS1", Params: map[string]string{"rewind": "10"}}},
		{"ack with a discarded serial", `{"action":1,"msgSerial":3,"count":2,"res":[{"serials":["S1"]},{"serials":[null,"S3"]}]}`,
			ProtocolMessage{Action: ActionAck, MsgSerial: 3, Count: 2, Res: []PublishResult{{Serials: []string{"S1"}}, {Serials: []string{"", "S3"}}}}},
		{"nack", `{"action":2,"msgSerial":1,"count":1,"error":{"code":40160,"statusCode":401,"message":"denied","href":"https://help.ably.io/error/40160"}}`,
			ProtocolMessage{Action: ActionNack, MsgSerial: 1, Count: 1, Error: &ErrorInfo{Code: 40160, StatusCode: 401, Message: "denied", Href: "https://help.ably.io/error/40160"}}},
		{"message", `{"action":15,"id":"CONN:0","channel":"c","channelSerial":"CS2","connectionId":"CONN","timestamp":1700000000100,"messages":[{"id":"CONN:0:0","name":"greeting","data":"{\"a\":1}","encoding":"json","serial":"SERIAL-1","action":1,"extras":{"headers":{"k":"v"}},"version":{"serial":"V1","timestamp":5,"clientId":"amy","description":"fix","metadata":{"m":"n"}},"annotations":{"summary":{"reaction:distinct.v1":{}}}}]}`,
			ProtocolMessage{Action: ActionMessage, ID: "CONN:0", Channel: "c", ChannelSerial: "CS2", ConnectionID: "CONN", Timestamp: 1700000000100,
				Messages: []Message{{ID: "CONN:0:0", Name: "greeting", Data: json.RawMessage(`"{\"a\":1}"`), Encoding: "json", Serial: "SERIAL-1", Action: MessageUpdate,
					Extras:      json.RawMessage(`{"headers":{"k":"v"}}`),
					Version:     &MessageVersion{Serial: "V1", Timestamp: 5, ClientID: "amy", Description: "fix", Metadata: map[string]string{"m": "n"}},
					Annotations: &MessageAnnotations{Summary: json.RawMessage(`{"reaction:distinct.v1":{}}`)}}}}},
		{"sync", `{"action":16,"channel":"c","channelSerial":"seq1:","presence":[{"action":1,"id":"X:0:0","clientId":"bob","connectionId":"X","timestamp":1700000000000,"data":"hi"}]}`,
			ProtocolMessage{Action: ActionSync, Channel: "c", ChannelSerial: "seq1:", Presence: []PresenceMessage{{Action: PresencePresent, ID: "X:0:0", ClientID: "bob", ConnectionID: "X", Timestamp: 1700000000000, Data: json.RawMessage(`"hi"`)}}}},
		{"annotation", `{"action":21,"channel":"c","annotations":[{"id":"A1","action":1,"clientId":"amy","name":"👍","count":2,"type":"reaction:multiple.v1","serial":"AS","messageSerial":"MS","timestamp":7}]}`,
			ProtocolMessage{Action: ActionAnnotation, Channel: "c", Annotations: []Annotation{{ID: "A1", Action: AnnotationDelete, ClientID: "amy", Name: "👍", Count: 2, Type: "reaction:multiple.v1", Serial: "AS", MessageSerial: "MS", Timestamp: 7}}}},
		{"auth request", `{"action":17}`, ProtocolMessage{Action: ActionAuth}},
		{"objects kept opaque", `{"action":19,"channel":"c","state":[{"x":1}]}`, ProtocolMessage{Action: ActionObject, Channel: "c", State: []json.RawMessage{json.RawMessage(`{"x":1}`)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got ProtocolMessage
			if err := json.Unmarshal([]byte(tc.wire), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestProtocolMessageMarshal(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    ProtocolMessage
		want string
	}{
		// The action is always written, even HEARTBEAT's 0.
		{"heartbeat", ProtocolMessage{}, `{"action":0}`},
		{"ping", ProtocolMessage{ID: "p1"}, `{"action":0,"id":"p1"}`},
		{"attach", ProtocolMessage{Action: ActionAttach, Channel: "c", Flags: FlagSubscribe, ChannelSerial: "CS", Params: map[string]string{"rewind": "1"}},
			`{"action":10,"channel":"c","channelSerial":"CS","flags":262144,"params":{"rewind":"1"}}`},
		// RTN7b: the first serial is 0 and must be on the wire.
		{"first publish", ProtocolMessage{Action: ActionMessage, Channel: "c", Messages: []Message{{Name: "n", Data: json.RawMessage(`"d"`)}}},
			`{"action":15,"channel":"c","messages":[{"name":"n","data":"d"}],"msgSerial":0}`},
		{"presence enter", ProtocolMessage{Action: ActionPresence, Channel: "c", MsgSerial: 4, Presence: []PresenceMessage{{Action: PresenceEnter}}},
			`{"action":14,"channel":"c","presence":[{"action":2}],"msgSerial":4}`},
		// PresenceMessage action 0 (ABSENT) is meaningful and written; Message action 0 is not.
		{"absent member", ProtocolMessage{Action: ActionSync, Presence: []PresenceMessage{{ClientID: "a"}}},
			`{"action":16,"presence":[{"action":0,"clientId":"a"}]}`},
		{"annotation publish", ProtocolMessage{Action: ActionAnnotation, Annotations: []Annotation{{Type: "reaction:distinct.v1", Name: "x", MessageSerial: "MS"}}},
			`{"action":21,"annotations":[{"name":"x","messageSerial":"MS","type":"reaction:distinct.v1"}],"msgSerial":0}`},
		{"auth", ProtocolMessage{Action: ActionAuth, Auth: &AuthDetails{AccessToken: "tok"}}, `{"action":17,"auth":{"accessToken":"tok"}}`},
		{"close", ProtocolMessage{Action: ActionClose}, `{"action":7}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
			// A pointer marshals the same way.
			if b2, _ := json.Marshal(&tc.m); string(b2) != tc.want {
				t.Errorf("pointer form: got %s", b2)
			}
			var back ProtocolMessage
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.m) {
				t.Errorf("round trip: got %#v, want %#v", back, tc.m)
			}
		})
	}
}

func TestFillMessageFields(t *testing.T) {
	m := ProtocolMessage{Action: ActionMessage, ID: "CONN:7", ConnectionID: "CONN", Timestamp: 99,
		Messages:    []Message{{}, {ID: "own", ConnectionID: "other", Timestamp: 5}},
		Presence:    []PresenceMessage{{ClientID: "a"}},
		Annotations: []Annotation{{}}}
	m.FillMessageFields()
	want := []Message{{ID: "CONN:7:0", ConnectionID: "CONN", Timestamp: 99}, {ID: "own", ConnectionID: "other", Timestamp: 5}}
	if !reflect.DeepEqual(m.Messages, want) {
		t.Errorf("messages (TM2a, TM2c, TM2f) = %#v, want %#v", m.Messages, want)
	}
	if p := m.Presence[0]; p.ID != "CONN:7:0" || p.ConnectionID != "CONN" || p.Timestamp != 99 {
		t.Errorf("presence (TP3a, TP3d, TP3g) = %#v", p)
	}
	if a := m.Annotations[0]; a.ID != "CONN:7:0" || a.Timestamp != 99 {
		t.Errorf("annotation = %#v", a)
	}
	// A frame without an id gives no ids.
	n := ProtocolMessage{Messages: []Message{{}}}
	n.FillMessageFields()
	if n.Messages[0].ID != "" {
		t.Errorf("id from a frame without one: %q", n.Messages[0].ID)
	}
}

func TestErrorInfoError(t *testing.T) {
	for _, tc := range []struct {
		e    ErrorInfo
		want string
	}{
		{ErrorInfo{Code: 40160, StatusCode: 401, Message: "no capability"}, "no capability (code 40160, status 401; see https://help.ably.io/error/40160)"},
		{ErrorInfo{Code: 80003, Message: "gone", Href: "https://example.com/x"}, "gone (code 80003; see https://example.com/x)"},
		{ErrorInfo{StatusCode: 500, Message: "boom"}, "boom (status 500)"},
		{ErrorInfo{Message: "bare"}, "bare"},
		{ErrorInfo{}, "error without a message"},
	} {
		var err error = &tc.e
		if got := err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestConnectionDetailsDurations(t *testing.T) {
	d := ConnectionDetails{ConnectionStateTTL: 120000, MaxIdleInterval: 15000}
	if d.StateTTL() != 2*time.Minute || d.MaxIdle() != 15*time.Second {
		t.Errorf("StateTTL %v, MaxIdle %v", d.StateTTL(), d.MaxIdle())
	}
}

func TestStringsKeepSecretsOut(t *testing.T) {
	m := ProtocolMessage{Action: ActionAuth, Auth: &AuthDetails{AccessToken: "SECRET-TOKEN"}, ConnectionKey: "SECRET-KEY",
		ConnectionDetails: &ConnectionDetails{ConnectionKey: "SECRET-KEY"}}
	for _, s := range []string{m.String(), fmt.Sprint(*m.Auth), fmt.Sprintf("%v %+v %#v", m.Auth, *m.Auth, *m.Auth)} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("secret in %q", s)
		}
	}
	got := (&ProtocolMessage{Action: ActionMessage, Channel: "c", MsgSerial: 2, Flags: FlagResumed, Messages: make([]Message, 3),
		Error: &ErrorInfo{Code: 1, Message: "m"}}).String()
	want := `MESSAGE channel="c" msgSerial=2 flags=RESUMED messages=3 error="m (code 1; see https://help.ably.io/error/1)"`
	if got != want {
		t.Errorf("String() = %s\nwant       %s", got, want)
	}
}

func TestMessageEnums(t *testing.T) {
	for a, want := range map[fmt.Stringer]string{
		MessageCreate: "message.create", MessageUpdate: "message.update", MessageDelete: "message.delete",
		MessageMeta: "meta", MessageSummary: "message.summary", MessageAppend: "message.append", MessageAction(9): "message.action(9)",
		PresenceAbsent: "absent", PresencePresent: "present", PresenceEnter: "enter", PresenceLeave: "leave",
		PresenceUpdate: "update", PresenceAction(7): "presence.action(7)",
		AnnotationCreate: "annotation.create", AnnotationDelete: "annotation.delete", AnnotationAction(2): "annotation.action(2)",
	} {
		if got := a.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", a, got, want)
		}
	}
	// TP2 and TM5 numbering.
	if PresenceUpdate != 4 || MessageAppend != 5 || AnnotationDelete != 1 {
		t.Error("enum numbering drifted from TP2/TM5/TAN2b")
	}
	p := PresenceMessage{ConnectionID: "C", ClientID: "bob"}
	if p.MemberKey() != "C:bob" {
		t.Errorf("MemberKey = %q", p.MemberKey())
	}
}

// FuzzProtocolMessage: any frame that parses writes back to JSON that parses to the same
// value, and String never fails.
func FuzzProtocolMessage(f *testing.F) {
	for _, s := range []string{`{}`, `{"action":4,"connectionDetails":{"maxIdleInterval":15000}}`,
		`{"action":15,"msgSerial":0,"messages":[{"data":"x","encoding":"json"}]}`,
		`{"action":1,"res":[{"serials":[null]}]}`, `{"action":16,"presence":[{"action":0}]}`,
		`{"action":99,"flags":-1}`, `{"action":21,"annotations":[{"count":1}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		var m ProtocolMessage
		if json.Unmarshal(wire, &m) != nil {
			return
		}
		_ = m.String()
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal of a parsed frame: %v", err)
		}
		var back ProtocolMessage
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
	})
}
