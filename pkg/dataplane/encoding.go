package dataplane

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// DecodeData undoes a message's encoding chain as far as JSON can show the result (RSL6,
// TM3): the steps of encoding, right to left, "json" (a JSON text held in a string becomes
// that value), "utf-8" and "base64" (bytes that are valid UTF-8 text become the string).
// Bytes that are not text stay base64, and a step it cannot undo (a cipher without its key,
// vcdiff) stops there: the encoding returned is what remains, "" when nothing does.
func DecodeData(data json.RawMessage, encoding string) (json.RawMessage, string) {
	if encoding == "" || len(data) == 0 {
		return data, encoding
	}
	steps := strings.Split(encoding, "/")
	var s string
	if json.Unmarshal(data, &s) != nil {
		return data, encoding // only string data carries an encoding
	}
	var raw []byte // set while the value is bytes (after base64)
	isBytes := false
	i := len(steps) - 1
loop:
	for ; i >= 0; i-- {
		switch steps[i] {
		case "base64":
			if isBytes {
				break loop
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				break loop
			}
			raw, isBytes = b, true
		case "utf-8":
			if !isBytes || !utf8.Valid(raw) {
				if isBytes {
					break loop
				}
				continue // a string is UTF-8 already
			}
			s, isBytes = string(raw), false
		case "json":
			text := s
			if isBytes {
				if !utf8.Valid(raw) {
					break loop
				}
				text = string(raw)
			}
			var v json.RawMessage
			if json.Unmarshal([]byte(text), &v) != nil {
				break loop
			}
			var b bytes.Buffer
			if json.Compact(&b, v) == nil {
				v = b.Bytes()
			}
			return v, strings.Join(steps[:i], "/")
		default:
			break loop
		}
	}
	rest := steps[:i+1]
	if isBytes {
		rest = append(rest, "base64")
		s = base64.StdEncoding.EncodeToString(raw)
	}
	out, _ := json.Marshal(s) // a string always encodes
	return out, strings.Join(rest, "/")
}

// decoded is m with its data decoded (DecodeData).
func (m Message) decoded() Message {
	m.Data, m.Encoding = DecodeData(m.Data, m.Encoding)
	return m
}
