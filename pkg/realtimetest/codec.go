package realtimetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/coder/websocket"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// codec is the wire format of a transport (RTN2a format): how a ProtocolMessage becomes a
// WebSocket message and back.
type codec interface {
	// format is the format parameter's value: "json" or "msgpack".
	format() string
	// label names the format in errors: "JSON" or "MessagePack".
	label() string
	// marshal gives a frame's bytes and the kind of WebSocket message that carries them.
	marshal(m proto.ProtocolMessage) ([]byte, websocket.MessageType, error)
	// unmarshal reads a client's frame.
	unmarshal(b []byte) (proto.ProtocolMessage, error)
}

// codecFor is the codec of a connection's format parameter; an unknown or missing format
// gets the JSON one, which is then how the refusal is written.
func codecFor(format string) codec {
	if format == "msgpack" {
		return msgpackCodec{}
	}
	return jsonCodec{}
}

// jsonCodec is the JSON protocol: one compact JSON ProtocolMessage per text message.
type jsonCodec struct{}

func (jsonCodec) format() string { return "json" }
func (jsonCodec) label() string  { return "JSON" }

func (jsonCodec) marshal(m proto.ProtocolMessage) ([]byte, websocket.MessageType, error) {
	b, err := json.Marshal(m)
	return b, websocket.MessageText, err
}

func (jsonCodec) unmarshal(b []byte) (proto.ProtocolMessage, error) {
	var pm proto.ProtocolMessage
	err := json.Unmarshal(b, &pm)
	return pm, err
}

// msgpackCodec is the MessagePack protocol: one ProtocolMessage per binary message, a map
// with the JSON protocol's keys. The fake keeps a frame in its JSON form (the REST store's),
// so the codec translates at the edge, as Ably does between its transports (RSL4c, RSL4d):
// binary data (msgpack bin) of a message, presence message or annotation is held as base64
// with "base64" appended to its encoding, and written back as bin with that step taken off;
// strings stay strings (JSON-encoded data is a string with encoding "json"), JSON objects
// and arrays become msgpack maps and arrays.
type msgpackCodec struct{}

func (msgpackCodec) format() string { return "msgpack" }
func (msgpackCodec) label() string  { return "MessagePack" }

// dataLists are the keys of a ProtocolMessage whose items carry data and encoding.
var dataLists = []string{"messages", "presence", "annotations"}

func (msgpackCodec) marshal(m proto.ProtocolMessage) ([]byte, websocket.MessageType, error) {
	text, err := json.Marshal(m) // the JSON form, with its rules for empty fields and msgSerial
	if err != nil {
		return nil, websocket.MessageBinary, err
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return nil, websocket.MessageBinary, err
	}
	for _, key := range dataLists {
		items, _ := tree[key].([]any)
		for _, it := range items {
			if item, ok := it.(map[string]any); ok {
				binaryOut(item)
			}
		}
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	enc.UseCompactInts(true)
	enc.UseCompactFloats(true)
	if err := enc.Encode(fromJSON(tree)); err != nil {
		return nil, websocket.MessageBinary, err
	}
	return buf.Bytes(), websocket.MessageBinary, nil
}

// binaryOut makes an item's base64 data bin again, taking "base64" off its encoding.
func binaryOut(item map[string]any) {
	s, ok := item["data"].(string)
	enc, _ := item["encoding"].(string)
	if !ok || (enc != "base64" && !strings.HasSuffix(enc, "/base64")) {
		return
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return // not base64 after all: left as the JSON protocol has it
	}
	item["data"] = b
	if enc = strings.TrimSuffix(strings.TrimSuffix(enc, "base64"), "/"); enc == "" {
		delete(item, "encoding")
	} else {
		item["encoding"] = enc
	}
}

// fromJSON turns a decoded JSON value into what msgpack encodes natively: numbers as
// integers when they are whole, else float64.
func fromJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	}
	return v
}

func (msgpackCodec) unmarshal(b []byte) (proto.ProtocolMessage, error) {
	var pm proto.ProtocolMessage
	if err := checkMsgpack(b); err != nil {
		return pm, err
	}
	// bin decodes to []byte, integers to the Go type of their encoding (all of which
	// encoding/json writes as numbers).
	v, err := msgpack.NewDecoder(bytes.NewReader(b)).DecodeInterface()
	if err != nil {
		return pm, err
	}
	tree, ok := v.(map[string]any)
	if !ok {
		return pm, errors.New("the frame is not a map")
	}
	for _, key := range dataLists {
		items, _ := tree[key].([]any)
		for _, it := range items {
			if item, ok := it.(map[string]any); ok {
				binaryIn(item)
			}
		}
	}
	text, err := json.Marshal(tree) // map keys that are not strings, NaN and the like fail here
	if err != nil {
		return pm, err
	}
	err = json.Unmarshal(text, &pm)
	return pm, err
}

// binaryIn holds an item's bin data as base64, with "base64" appended to its encoding.
func binaryIn(item map[string]any) {
	b, ok := item["data"].([]byte)
	if !ok {
		return
	}
	item["data"] = base64.StdEncoding.EncodeToString(b)
	if enc, _ := item["encoding"].(string); enc != "" {
		item["encoding"] = enc + "/base64"
	} else {
		item["encoding"] = "base64"
	}
}

// maxMsgpackDepth bounds how deeply a client's frame may nest maps and arrays: a
// ProtocolMessage needs a handful of levels, and a decoder should not recurse as deep as
// a garbled frame asks.
const maxMsgpackDepth = 64

// checkMsgpack walks a frame's MessagePack structure without decoding it: every length
// fits in what is left of the frame, nesting stays within maxMsgpackDepth, and there is
// exactly one value. A frame that passes can be decoded without surprises.
func checkMsgpack(b []byte) error {
	errShort := errors.New("the frame ends inside a value")
	pending := []int{1} // values still to read at each open level
	i := 0
	// skip moves past n bytes of payload.
	skip := func(n int) bool {
		if n < 0 || n > len(b)-i {
			return false
		}
		i += n
		return true
	}
	// length reads a big-endian length of size bytes.
	length := func(size int) (int, bool) {
		if size > len(b)-i {
			return 0, false
		}
		n := 0
		for _, c := range b[i : i+size] {
			n = n<<8 | int(c)
		}
		i += size
		return n, true
	}
	for len(pending) > 0 {
		if pending[len(pending)-1] == 0 {
			pending = pending[:len(pending)-1]
			continue
		}
		pending[len(pending)-1]--
		if i >= len(b) {
			return errShort
		}
		c := b[i]
		i++
		var payload, items int // bytes to skip, values to open a level for
		ok := true
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			items = 2 * int(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			items = int(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			payload = int(c & 0x1f)
		case c == 0xc4 || c == 0xd9: // bin8, str8
			payload, ok = length(1)
		case c == 0xc5 || c == 0xda: // bin16, str16
			payload, ok = length(2)
		case c == 0xc6 || c == 0xdb: // bin32, str32
			payload, ok = length(4)
		case c == 0xc7, c == 0xc8, c == 0xc9: // ext8, ext16, ext32: length, type, data
			payload, ok = length(1 << (c - 0xc7))
			payload++
		case c == 0xca || c == 0xce || c == 0xd2:
			payload = 4
		case c == 0xcb || c == 0xcf || c == 0xd3:
			payload = 8
		case c == 0xcc || c == 0xd0:
			payload = 1
		case c == 0xcd || c == 0xd1:
			payload = 2
		case c >= 0xd4 && c <= 0xd8: // fixext 1, 2, 4, 8, 16: type and data
			payload = 1 + 1<<(c-0xd4)
		case c == 0xdc || c == 0xdd: // array16, array32
			items, ok = length(2 << (c - 0xdc))
		case c == 0xde || c == 0xdf: // map16, map32
			items, ok = length(2 << (c - 0xde))
			items *= 2
		default: // 0xc1, never used
			return errors.New("byte 0xc1 is not MessagePack")
		}
		if !ok || !skip(payload) {
			return errShort
		}
		if items > 0 {
			if items > len(b)-i { // every value takes a byte at least
				return errShort
			}
			if len(pending) >= maxMsgpackDepth {
				return errors.New("the frame nests too deeply")
			}
			pending = append(pending, items)
		}
	}
	if i != len(b) {
		return errors.New("bytes after the ProtocolMessage")
	}
	return nil
}
