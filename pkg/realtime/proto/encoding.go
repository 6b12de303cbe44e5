package proto

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// DataKind says which of the payload types of RSL4a a Data holds.
type DataKind int

// The kinds of payload.
const (
	KindNone   DataKind = iota // no data (absent or null)
	KindString                 // a UTF-8 string
	KindBytes                  // binary
	KindJSON                   // a JSON value (an object or array when published, RSL4a)
)

// String names the kind: "none", "string", "binary", "json".
func (k DataKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindBytes:
		return "binary"
	case KindJSON:
		return "json"
	}
	return "none"
}

// Data is a message payload as the application sees it: a string, bytes or JSON (TM2d).
// The zero Data is no data.
type Data struct {
	kind DataKind
	b    []byte // the string's bytes, the binary, or compact JSON text
}

// StringData is a string payload.
func StringData(s string) Data { return Data{kind: KindString, b: []byte(s)} }

// BytesData is a binary payload. It keeps b; the caller must not change it afterwards.
func BytesData(b []byte) Data { return Data{kind: KindBytes, b: b} }

// JSONData is a JSON payload; text must be valid JSON.
func JSONData(text []byte) (Data, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, text); err != nil {
		return Data{}, fmt.Errorf("data is not valid JSON: %v", err)
	}
	return Data{kind: KindJSON, b: buf.Bytes()}, nil
}

// Kind is the payload's type.
func (d Data) Kind() DataKind { return d.kind }

// Bytes is the payload as bytes: a string's UTF-8, the binary, or the JSON text. The slice
// is the Data's own; copy it before changing it.
func (d Data) Bytes() []byte { return d.b }

// JSON is the JSON text of a KindJSON payload, nil for the other kinds.
func (d Data) JSON() json.RawMessage {
	if d.kind != KindJSON {
		return nil
	}
	return json.RawMessage(d.b)
}

// Text is the payload for display: a string as it is, JSON as compact JSON text, binary as
// standard base64 (so it survives a terminal), nothing as "".
func (d Data) Text() string {
	if d.kind == KindBytes {
		return base64.StdEncoding.EncodeToString(d.b)
	}
	return string(d.b)
}

// DecodeError says which step of an encoding could not be undone (RSL6b). Decode returns
// it alongside the data as decoded up to that step.
type DecodeError struct {
	Encoding string // the whole encoding, as the message had it
	Step     string // the step that failed, e.g. "vcdiff"; "" when the data field itself is broken
	// Unsupported is true when the step is one this package does not implement (vcdiff,
	// another cipher), false when the step is known but the data did not fit it.
	Unsupported bool
	Err         error
}

func (e *DecodeError) Error() string {
	if e.Step == "" && !e.Unsupported {
		return fmt.Sprintf("cannot read the message data: %v", e.Err)
	}
	if e.Unsupported {
		return fmt.Sprintf("cannot decode step %q of encoding %q: not a supported encoding", e.Step, e.Encoding)
	}
	return fmt.Sprintf("cannot decode step %q of encoding %q: %v", e.Step, e.Encoding, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode undoes the encoding of a message's data (RSL6, TM3): it applies the inverse of each
// step of encoding from right to left (RSL4b), where a step is json, base64, utf-8, or
// cipher+aes-128-cbc / cipher+aes-256-cbc with cipher's key (RSL5). data is the wire JSON:
// a string, or an object or array sent without encoding.
//
// On a step that cannot be undone (an unknown one such as vcdiff, a missing or wrong key,
// bad base64), Decode stops: it returns the data as decoded so far, the encoding still to
// undo (that step and those left of it), and a *DecodeError (RSL6b). On success the
// remaining encoding is "".
func Decode(data json.RawMessage, encoding string, cipher *CipherParams) (Data, string, error) {
	d, err := wireData(data)
	if err != nil {
		return Data{}, encoding, &DecodeError{Encoding: encoding, Err: err}
	}
	if d.kind == KindNone || encoding == "" {
		return d, "", nil
	}
	steps := strings.Split(encoding, "/")
	for i := len(steps) - 1; i >= 0; i-- {
		next, unsupported, err := undoStep(d, steps[i], cipher)
		if err != nil || unsupported {
			return d, strings.Join(steps[:i+1], "/"), &DecodeError{Encoding: encoding, Step: steps[i], Unsupported: unsupported, Err: err}
		}
		d = next
	}
	return d, "", nil
}

// wireData reads the data field as sent: a JSON string is a string; an object, array or
// other value is JSON (REST may hand back data it was given as a bare object).
func wireData(raw json.RawMessage) (Data, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return Data{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Data{}, fmt.Errorf("data is not a valid JSON string: %v", err)
		}
		return StringData(s), nil
	}
	return JSONData(raw)
}

// undoStep applies the inverse of one encoding step. unsupported is true for a step this
// package does not know.
func undoStep(d Data, step string, c *CipherParams) (out Data, unsupported bool, err error) {
	switch {
	case step == "base64":
		if d.kind != KindString {
			return d, false, fmt.Errorf("base64 needs a string, the data is %s", d.kind)
		}
		b, err := base64.StdEncoding.DecodeString(string(d.b))
		if err != nil {
			// Tolerate unpadded base64 (RSE1c's leniency, applied to payloads too).
			if b2, err2 := base64.RawStdEncoding.DecodeString(string(d.b)); err2 == nil {
				return BytesData(b2), false, nil
			}
			return d, false, errors.New("the data is not valid base64")
		}
		return BytesData(b), false, nil
	case step == "utf-8" || step == "utf8":
		if d.kind == KindString {
			return d, false, nil
		}
		if d.kind != KindBytes {
			return d, false, fmt.Errorf("utf-8 needs binary data, the data is %s", d.kind)
		}
		if !utf8.Valid(d.b) {
			return d, false, errors.New("the data is not valid UTF-8")
		}
		return Data{kind: KindString, b: d.b}, false, nil
	case step == "json":
		switch d.kind {
		case KindJSON:
			return d, false, nil
		case KindString, KindBytes:
			j, err := JSONData(d.b)
			if err != nil {
				return d, false, err
			}
			return j, false, nil
		}
		return d, false, fmt.Errorf("json needs a string, the data is %s", d.kind)
	case step == "cipher+aes-128-cbc" || step == "cipher+aes-256-cbc":
		alg := strings.TrimPrefix(step, "cipher+")
		if c == nil || len(c.Key) == 0 {
			return d, false, fmt.Errorf("the data is encrypted with %s and no cipher key was given", alg)
		}
		have, err := c.Algorithm()
		if err != nil {
			return d, false, err
		}
		if have != alg {
			return d, false, fmt.Errorf("the data is encrypted with %s but the cipher key is for %s", alg, have)
		}
		if d.kind != KindBytes {
			return d, false, fmt.Errorf("decryption needs binary data, the data is %s", d.kind)
		}
		plain, err := c.decrypt(d.b)
		if err != nil {
			return d, false, err
		}
		return BytesData(plain), false, nil
	}
	return d, true, nil
}

// Encode prepares data for publishing over the JSON transport (RSL4d): a string goes as
// it is; binary as base64 with encoding "base64"; JSON, which must be an object or an array
// (RSL4a), as its JSON text with encoding "json". With a cipher (RSL5) the plaintext is
// encrypted under an IV read from random (crypto/rand when random is nil), sent as base64,
// and the encoding says so: "utf-8/cipher+aes-256-cbc/base64" for a string,
// "cipher+aes-256-cbc/base64" for binary, "json/utf-8/cipher+aes-256-cbc/base64" for JSON.
// No data gives no data and no encoding.
func Encode(d Data, cipher *CipherParams, random io.Reader) (json.RawMessage, string, error) {
	var steps []string
	plain := d.b
	switch d.kind {
	case KindNone:
		return nil, "", nil
	case KindString:
		if !utf8.Valid(d.b) {
			return nil, "", errors.New("string data is not valid UTF-8: publish it as binary")
		}
		if cipher != nil {
			steps = append(steps, "utf-8")
		}
	case KindBytes:
	case KindJSON:
		if len(d.b) == 0 || (d.b[0] != '{' && d.b[0] != '[') {
			return nil, "", fmt.Errorf("JSON data must be an object or an array, not %s: publish other values as a string", jsonTypeName(d.b))
		}
		steps = append(steps, "json")
		if cipher != nil {
			steps = append(steps, "utf-8")
		}
	default:
		return nil, "", fmt.Errorf("unknown data kind %d", int(d.kind))
	}
	binary := d.kind == KindBytes
	if cipher != nil {
		alg, err := cipher.Algorithm()
		if err != nil {
			return nil, "", err
		}
		if random == nil {
			random = rand.Reader
		}
		if plain, err = cipher.encrypt(plain, random); err != nil {
			return nil, "", err
		}
		steps = append(steps, "cipher+"+alg)
		binary = true
	}
	var wire string
	if binary {
		wire = base64.StdEncoding.EncodeToString(plain)
		steps = append(steps, "base64")
	} else {
		wire = string(plain)
	}
	out, err := json.Marshal(wire)
	if err != nil {
		return nil, "", err // a Go string always marshals; kept for the contract
	}
	return out, strings.Join(steps, "/"), nil
}

// jsonTypeName names the type of a JSON value by its first byte, for error messages.
func jsonTypeName(text []byte) string {
	if len(text) == 0 {
		return "empty"
	}
	switch text[0] {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
