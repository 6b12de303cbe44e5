package proto_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// A received MESSAGE frame: fill in what the frame implies, then decode each payload.
func ExampleDecode() {
	frame := []byte(`{"action":15,"id":"CONN:0","channel":"my-channel","connectionId":"CONN","timestamp":1700000000100,
		"messages":[{"name":"greeting","data":"{\"a\":1}","encoding":"json"},{"data":"3q2+7w==","encoding":"vcdiff/base64"}]}`)
	var m proto.ProtocolMessage
	if err := json.Unmarshal(frame, &m); err != nil {
		panic(err)
	}
	m.FillMessageFields()
	fmt.Println(m.String())
	for _, msg := range m.Messages {
		d, rest, err := msg.Decode(nil)
		fmt.Printf("%s %s %q left=%q err=%v\n", msg.ID, d.Kind(), d.Text(), rest, err)
	}
	// Output:
	// MESSAGE channel="my-channel" msgSerial=0 connectionId=CONN messages=2
	// CONN:0:0 json "{\"a\":1}" left="" err=<nil>
	// CONN:0:1 binary "3q2+7w==" left="vcdiff" err=cannot decode step "vcdiff" of encoding "vcdiff/base64": not a supported encoding
}

// Publishing encrypted data: the IV source is injected, so the output is reproducible.
func ExampleEncode() {
	cipher, err := proto.ParseCipherKey("WUP6u0K7MXI5Zeo0VppPwg==") // the ably-common 128-bit fixture key
	if err != nil {
		panic(err)
	}
	iv := bytes.Repeat([]byte{0}, 16)
	data, encoding, err := proto.Encode(proto.StringData("hello"), &cipher, bytes.NewReader(iv))
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(proto.ProtocolMessage{Action: proto.ActionMessage, Channel: "secret",
		Messages: []proto.Message{{Name: "greeting", Data: data, Encoding: encoding}}})
	fmt.Println(string(out))
	fmt.Println(cipher)
	// Output:
	// {"action":15,"channel":"secret","messages":[{"name":"greeting","data":"AAAAAAAAAAAAAAAAAAAAACSnyL2sUL6/TQ7lsK5fwzw=","encoding":"utf-8/cipher+aes-128-cbc/base64"}],"msgSerial":0}
	// CipherParams{aes-128-cbc, key redacted}
}

func ExampleParseModes() {
	f, err := proto.ParseModes([]string{"subscribe", "presence-subscribe"})
	fmt.Println(int64(f), f, err)
	granted := proto.Flags(393217) // an ATTACHED's flags
	fmt.Println(granted.Has(proto.FlagHasPresence), granted.Modes())
	// Output:
	// 786432 SUBSCRIBE|PRESENCE_SUBSCRIBE <nil>
	// true [PUBLISH SUBSCRIBE]
}
