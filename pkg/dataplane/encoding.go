package dataplane

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// DecodeData undoes a message's encoding chain as far as JSON can show the result (RSL6,
// TM3), with the protocol's one decoder (proto.Decode): "json", "utf-8" and "base64" over
// text are undone, and a cipher step with cipher's key (RSL5; nil: none); bytes that are not
// text stay base64; a step it cannot undo (a cipher without its key, vcdiff) stops there. The encoding returned is what remains, "" when
// nothing does.
func DecodeData(data json.RawMessage, encoding string, cipher *proto.CipherParams) (json.RawMessage, string) {
	if encoding == "" {
		return data, ""
	}
	d, rest, _ := proto.Decode(data, encoding, cipher) // an error leaves rest to say what is undone
	return DataJSON(d, rest, data)
}

// DataJSON shows data decoded by proto.Decode as DecodeData does: JSON as itself, text as
// a JSON string, bytes that are not text as base64 (the encoding saying so), nothing
// decoded as the wire data; rest is the encoding left undone.
func DataJSON(d proto.Data, rest string, wire json.RawMessage) (json.RawMessage, string) {
	var out []byte
	switch d.Kind() {
	case proto.KindNone:
		return wire, rest
	case proto.KindJSON:
		return d.JSON(), rest
	case proto.KindBytes:
		out, _ = json.Marshal(base64.StdEncoding.EncodeToString(d.Bytes())) // strings always encode
		if rest == "" {
			return out, "base64"
		}
		return out, rest + "/base64"
	}
	out, _ = json.Marshal(string(d.Bytes()))
	return out, rest
}

// decoded is m with its data decoded with the client's cipher (DecodeData).
func (c *Client) decoded(m Message) Message {
	m.Data, m.Encoding = DecodeData(m.Data, m.Encoding, c.Cipher)
	return m
}
