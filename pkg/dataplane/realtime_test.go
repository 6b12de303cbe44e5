package dataplane

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// A message as the REST API gives it goes through the Realtime protocol's Message without
// losing a field, so one model serves both planes.
func TestMessageCarriesOverRealtime(t *testing.T) {
	action := proto.MessageUpdate // 0 (create) is left out on the Realtime wire
	rest := Message{ID: "id1", Name: "n", Data: json.RawMessage(`"d"`), Encoding: "utf-8", ClientID: "c",
		ConnectionID: "conn", Timestamp: 123, Serial: "s1", Action: &action, Extras: json.RawMessage(`{"headers":{"a":"b"}}`),
		Version: &MessageVersion{Serial: "v", Timestamp: 4, ClientID: "c2", Description: "d", Metadata: map[string]string{"k": "v"}}}
	b, err := json.Marshal(rest)
	if err != nil {
		t.Fatal(err)
	}
	var m proto.Message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(b2, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rest) {
		t.Errorf("REST message lost something over Realtime:\n%s\n%s", b, b2)
	}
}
