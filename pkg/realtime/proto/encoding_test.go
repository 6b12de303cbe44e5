package proto

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wireString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// Vectors from github.com/ably/ably-common, test-resources/crypto-data-128.json and
// crypto-data-256.json (commit 1a700cc5): each pairs a message as published ("encoded")
// with the same message encrypted under the fixture's key and IV ("encrypted"). RSL5c
// asks every client to pass them.
type cryptoVector struct {
	name                string
	data, encoding      string // encoded form
	encData, encEncoded string // encrypted form
}

const (
	fixture128Key = "WUP6u0K7MXI5Zeo0VppPwg=="
	fixture128IV  = "HO4cYSP8LybPYBPZPHQOtg=="
	fixture256Key = "o9qXZoPGDNla50VnRwH7cGqIrpyagTxGsRgimKJbY40="
	fixture256IV  = "NMDl1Acnel8HVdu1cEWdrw=="
)

func fixture128() []cryptoVector {
	return []cryptoVector{
		{"string", "The quick brown fox jumped over the lazy dog", "",
			"HO4cYSP8LybPYBPZPHQOtmHItcxYdSvcNUC6kXVpMn0VFL+9z2/5tJ6WFbR0SBT1xhFRuJ+MeBGTU3yOY9P5ow==", "utf-8/cipher+aes-128-cbc/base64"},
		{"binary", "AAECAwQFBgcICQoLDA0ODw==", "base64",
			"HO4cYSP8LybPYBPZPHQOtuB3dfKG08yw7J4qx3kkjxdW0eoZv+nGAp76OKqYQ327", "cipher+aes-128-cbc/base64"},
		{"json object", `{"example":{"json":"Object"}}`, "json",
			"HO4cYSP8LybPYBPZPHQOtuD53yrD3YV3NBoTEYBh4U0N1QXHbtkfsDfTspKeLQFt", "json/utf-8/cipher+aes-128-cbc/base64"},
		{"json array", `["example","json","array"]`, "json",
			"HO4cYSP8LybPYBPZPHQOtvmStzmExkdjvrn51J6cmaTZrGl+EsJ61sgxmZ6j6jcA", "json/utf-8/cipher+aes-128-cbc/base64"},
	}
}

func fixture256() []cryptoVector {
	return []cryptoVector{
		{"string", "The quick brown fox jumped over the lazy dog", "",
			"NMDl1Acnel8HVdu1cEWdr9CGPYFoBoLgJCzoybbQbnyfwx3UQ8CGuKyP/g56Za/JB3xW6XGkNzrHYvZwad4fvA==", "utf-8/cipher+aes-256-cbc/base64"},
		{"binary", "AAECAwQFBgcICQoLDA0ODw==", "base64",
			"NMDl1Acnel8HVdu1cEWdr8UFEi56Ms0zPHszbppM61BC8Yf6ndq+kiCj9xXW97/O", "cipher+aes-256-cbc/base64"},
		{"json object", `{"example":{"json":"Object"}}`, "json",
			"NMDl1Acnel8HVdu1cEWdr21pS5//hdtQf3QqQzZM/jWAtn09Vh52E6jMdC3mWS98", "json/utf-8/cipher+aes-256-cbc/base64"},
		{"json array", `["example","json","array"]`, "json",
			"NMDl1Acnel8HVdu1cEWdr4J5sVAFpnXsz0fTtsuwOaTRU+6P5GaWlNjePWwiOZCQ", "json/utf-8/cipher+aes-256-cbc/base64"},
		{"byte 1 to 1", "AQ==", "base64", "NMDl1Acnel8HVdu1cEWdrwHSCxxkWqfMLHsjwtt0KPA=", "cipher+aes-256-cbc/base64"},
		{"byte 1 to 15", "AQIDBAUGBwgJCgsMDQ4P", "base64", "NMDl1Acnel8HVdu1cEWdr8hWXSipBktMfme4ZuUfv7c=", "cipher+aes-256-cbc/base64"},
		// A whole block of plaintext gets a whole block of padding.
		{"byte 1 to 16", "AQIDBAUGBwgJCgsMDQ4PEA==", "base64",
			"NMDl1Acnel8HVdu1cEWdr4bGiA3OWVizsbo55ekeYuXcfMv1NZvMbi9SJF/x+XdQ", "cipher+aes-256-cbc/base64"},
		{"byte 1 to 17", "AQIDBAUGBwgJCgsMDQ4PEBE=", "base64",
			"NMDl1Acnel8HVdu1cEWdr4bGiA3OWVizsbo55ekeYuWwBPUF/yAGlP4nUAgZTIwM", "cipher+aes-256-cbc/base64"},
	}
}

// TestCryptoFixtures: RSL5c, decrypt and encrypt the ably-common fixtures.
func TestCryptoFixtures(t *testing.T) {
	for _, set := range []struct {
		name, key, iv string
		vectors       []cryptoVector
	}{
		{"aes-128", fixture128Key, fixture128IV, fixture128()},
		{"aes-256", fixture256Key, fixture256IV, fixture256()},
	} {
		cp, err := ParseCipherKey(set.key)
		if err != nil {
			t.Fatal(err)
		}
		iv := mustB64(t, set.iv)
		for _, v := range set.vectors {
			t.Run(set.name+"/"+v.name, func(t *testing.T) {
				plain, rest, err := Decode(wireString(v.data), v.encoding, nil)
				if err != nil || rest != "" {
					t.Fatalf("decode of the plain form: %v (left %q)", err, rest)
				}
				got, rest, err := Decode(wireString(v.encData), v.encEncoded, &cp)
				if err != nil || rest != "" {
					t.Fatalf("decrypt: %v (left %q)", err, rest)
				}
				if got.Kind() != plain.Kind() || !bytes.Equal(got.Bytes(), plain.Bytes()) {
					t.Errorf("decrypted %s %q, want %s %q", got.Kind(), got.Bytes(), plain.Kind(), plain.Bytes())
				}
				wire, enc, err := Encode(plain, &cp, bytes.NewReader(iv))
				if err != nil {
					t.Fatal(err)
				}
				if string(wire) != string(wireString(v.encData)) || enc != v.encEncoded {
					t.Errorf("encrypt: got %s %q\nwant %s %q", wire, enc, wireString(v.encData), v.encEncoded)
				}
			})
		}
	}
}

// TestMessagesEncodingFixture: the payloads of ably-common's
// test-resources/messages-encoding.json (RSL6a1), decoded.
func TestMessagesEncodingFixture(t *testing.T) {
	for _, tc := range []struct {
		data, encoding string
		kind           DataKind
		want           string // text, JSON text, or hex for binary
	}{
		{"foo", "", KindString, "foo"},
		{`{"foo":42}`, "", KindString, `{"foo":42}`},
		{`{"foo":42,"bar":["a",1.2,{"boo":"ha"}]}`, "json", KindJSON, `{"foo":42,"bar":["a",1.2,{"boo":"ha"}]}`},
		{`[{"foo":42},"qux"]`, "json", KindJSON, `[{"foo":42},"qux"]`},
		{"3q2+7w==", "base64", KindBytes, "deadbeef"},
	} {
		d, rest, err := Decode(wireString(tc.data), tc.encoding, nil)
		if err != nil || rest != "" {
			t.Fatalf("%q/%q: %v (left %q)", tc.data, tc.encoding, err, rest)
		}
		got := string(d.Bytes())
		if tc.kind == KindBytes {
			got = hex.EncodeToString(d.Bytes())
		}
		if d.Kind() != tc.kind || got != tc.want {
			t.Errorf("%q/%q decoded to %s %q, want %s %q", tc.data, tc.encoding, d.Kind(), got, tc.kind, tc.want)
		}
		// Publishing the decoded value gives the fixture's wire form back (RSL4d).
		wire, enc, err := Encode(d, nil, nil)
		if err != nil || string(wire) != string(wireString(tc.data)) || enc != tc.encoding {
			t.Errorf("re-encode of %q: %s %q %v", tc.data, wire, enc, err)
		}
	}
}

func TestDecode(t *testing.T) {
	k128, _ := ParseCipherKey(fixture128Key)
	k256, _ := ParseCipherKey(fixture256Key)
	other128 := CipherParams{Key: bytes.Repeat([]byte{7}, 16)}
	encString := "HO4cYSP8LybPYBPZPHQOtmHItcxYdSvcNUC6kXVpMn0VFL+9z2/5tJ6WFbR0SBT1xhFRuJ+MeBGTU3yOY9P5ow=="
	for _, tc := range []struct {
		name     string
		data     json.RawMessage
		encoding string
		cipher   *CipherParams
		kind     DataKind
		text     string // Text() of the result
		rest     string
		errHas   string // "" = no error
		unsupp   bool
	}{
		{"absent", nil, "", nil, KindNone, "", "", "", false},
		{"null with an encoding", json.RawMessage(`null`), "json", nil, KindNone, "", "", "", false},
		{"plain string", wireString("hi"), "", nil, KindString, "hi", "", "", false},
		{"utf-8 over base64", wireString("aMOp"), "utf-8/base64", nil, KindString, "hé", "", "", false},
		{"json over base64", wireString("eyJhIjoxfQ=="), "json/utf-8/base64", nil, KindJSON, `{"a":1}`, "", "", false},
		{"unpadded base64", wireString("3q2+7w"), "base64", nil, KindBytes, "3q2+7w==", "", "", false},
		{"bare object", json.RawMessage(`{ "a" : 1 }`), "", nil, KindJSON, `{"a":1}`, "", "", false},
		{"bare object marked json", json.RawMessage(`[1,2]`), "json", nil, KindJSON, `[1,2]`, "", "", false},
		{"string stays with utf-8", wireString("x"), "utf-8", nil, KindString, "x", "", "", false},
		// RSL6b: an unknown step stops decoding and stays in the encoding.
		{"vcdiff left in place", wireString("3q2+7w=="), "vcdiff/base64", nil, KindBytes, "3q2+7w==", "vcdiff", `"vcdiff"`, true},
		{"unknown step with steps left of it", wireString("x"), "utf-8/rot13", nil, KindString, "x", "utf-8/rot13", `"rot13"`, true},
		{"other cipher", wireString("3q2+7w=="), "cipher+aes-128-ctr/base64", nil, KindBytes, "3q2+7w==", "cipher+aes-128-ctr", "not a supported encoding", true},
		{"empty step", wireString("3q2+7w=="), "utf-8//base64", nil, KindBytes, "3q2+7w==", "utf-8/", `step ""`, true},
		// RSL6b's own example: base64 undone, then no key.
		{"no cipher key", wireString(encString), "utf-8/cipher+aes-128-cbc/base64", nil, KindBytes, encString, "utf-8/cipher+aes-128-cbc", "no cipher key was given", false},
		{"key of the other length", wireString(encString), "utf-8/cipher+aes-128-cbc/base64", &k256, KindBytes, encString, "utf-8/cipher+aes-128-cbc", "cipher key is for aes-256-cbc", false},
		{"wrong key", wireString(encString), "utf-8/cipher+aes-128-cbc/base64", &other128, KindBytes, encString, "utf-8/cipher+aes-128-cbc", "wrong cipher key", false},
		{"short ciphertext", wireString("AAECAwQFBgcICQoLDA0ODw=="), "cipher+aes-128-cbc/base64", &k128, KindBytes, "AAECAwQFBgcICQoLDA0ODw==", "cipher+aes-128-cbc", "is 16 bytes", false},
		{"cipher on a string", wireString("abc"), "cipher+aes-128-cbc", &k128, KindString, "abc", "cipher+aes-128-cbc", "needs binary data", false},
		{"bad base64", wireString("not base64!"), "base64", nil, KindString, "not base64!", "base64", "not valid base64", false},
		{"base64 of bytes", wireString("3q2+7w=="), "base64/base64", nil, KindBytes, "3q2+7w==", "base64", "needs a string", false},
		{"bad json", wireString("{nope"), "json", nil, KindString, "{nope", "json", "not valid JSON", false},
		{"bad utf-8", wireString("/w=="), "utf-8/base64", nil, KindBytes, "/w==", "utf-8", "not valid UTF-8", false},
		{"broken wire data", json.RawMessage(`{"a":`), "json", nil, KindNone, "", "json", "cannot read the message data: data is not valid JSON", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, rest, err := Decode(tc.data, tc.encoding, tc.cipher)
			if tc.errHas == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
			} else {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error %v, want a *DecodeError", err)
				}
				if !strings.Contains(err.Error(), tc.errHas) {
					t.Errorf("error %q should contain %q", err, tc.errHas)
				}
				if de.Unsupported != tc.unsupp {
					t.Errorf("Unsupported = %v, want %v", de.Unsupported, tc.unsupp)
				}
				if de.Encoding != tc.encoding {
					t.Errorf("DecodeError.Encoding = %q", de.Encoding)
				}
			}
			if rest != tc.rest {
				t.Errorf("remaining encoding %q, want %q", rest, tc.rest)
			}
			if d.Kind() != tc.kind || d.Text() != tc.text {
				t.Errorf("got %s %q, want %s %q", d.Kind(), d.Text(), tc.kind, tc.text)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	obj, _ := JSONData([]byte(` {"status": "learning about Ably!"} `))
	num, _ := JSONData([]byte(`42`))
	str, _ := JSONData([]byte(`"s"`))
	for _, tc := range []struct {
		name     string
		d        Data
		wire     string
		encoding string
	}{
		{"none", Data{}, "", ""},
		{"string", StringData(`{"not":"json"}`), `"{\"not\":\"json\"}"`, ""},
		{"binary", BytesData([]byte{0xde, 0xad, 0xbe, 0xef}), `"3q2+7w=="`, "base64"},
		{"empty binary", BytesData(nil), `""`, "base64"},
		{"object", obj, `"{\"status\":\"learning about Ably!\"}"`, "json"},
	} {
		wire, enc, err := Encode(tc.d, nil, nil)
		if err != nil || string(wire) != tc.wire || enc != tc.encoding {
			t.Errorf("%s: got %s %q %v, want %s %q", tc.name, wire, enc, err, tc.wire, tc.encoding)
		}
	}
	k, _ := ParseCipherKey(fixture256Key)
	for _, tc := range []struct {
		name   string
		d      Data
		cipher *CipherParams
		random []byte
		errHas string
	}{
		{"json number", num, nil, nil, "object or an array, not a number"},
		{"json string", str, nil, nil, "not a string"},
		{"invalid utf-8 string", StringData("\xff"), nil, nil, "not valid UTF-8"},
		{"bad key", StringData("x"), &CipherParams{Key: []byte("short")}, nil, "5 bytes long"},
		{"short IV source", StringData("x"), &k, []byte{1, 2, 3}, "random IV"},
	} {
		_, _, err := Encode(tc.d, tc.cipher, bytes.NewReader(tc.random))
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.errHas)
		}
	}
	if _, err := JSONData([]byte("{")); err == nil {
		t.Error("JSONData accepted broken JSON")
	}
}

// TestEncodeDecodeRoundTrip: what Encode writes, Decode reads back, with and without
// encryption, with the IV from crypto/rand when none is injected.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	k128, _ := ParseCipherKey(fixture128Key)
	k256, _ := ParseCipherKey(fixture256Key)
	arr, _ := JSONData([]byte(`[1,"two",{"three":3}]`))
	for _, d := range []Data{StringData(""), StringData("héllo <&> wörld"), BytesData([]byte{0, 1, 2, 255}), BytesData(bytes.Repeat([]byte{9}, 48)), arr} {
		for _, c := range []*CipherParams{nil, &k128, &k256} {
			wire, enc, err := Encode(d, c, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, rest, err := Decode(wire, enc, c)
			if err != nil || rest != "" {
				t.Fatalf("%s %q with %v: %v (left %q)", d.Kind(), d.Text(), c, err, rest)
			}
			if got.Kind() != d.Kind() || !bytes.Equal(got.Bytes(), d.Bytes()) {
				t.Errorf("%s %q with %v came back as %s %q", d.Kind(), d.Text(), c, got.Kind(), got.Text())
			}
		}
	}
}

func TestDataText(t *testing.T) {
	j, _ := JSONData([]byte("{ \"a\" : [1, 2] }"))
	for _, tc := range []struct {
		d          Data
		text, kind string
		json       string
	}{
		{Data{}, "", "none", ""},
		{StringData("hi"), "hi", "string", ""},
		{BytesData([]byte{0xde, 0xad}), "3q0=", "binary", ""},
		{j, `{"a":[1,2]}`, "json", `{"a":[1,2]}`},
	} {
		if tc.d.Text() != tc.text || tc.d.Kind().String() != tc.kind || string(tc.d.JSON()) != tc.json {
			t.Errorf("Text %q Kind %s JSON %s; want %q %s %s", tc.d.Text(), tc.d.Kind(), tc.d.JSON(), tc.text, tc.kind, tc.json)
		}
	}
}

func TestMessageDecodeMethods(t *testing.T) {
	m := Message{Data: wireString(`{"a":1}`), Encoding: "json"}
	p := PresenceMessage{Data: wireString("3q2+7w=="), Encoding: "base64"}
	a := Annotation{Data: wireString("x")}
	if d, _, err := m.Decode(nil); err != nil || d.Kind() != KindJSON {
		t.Errorf("Message.Decode: %s %v", d.Kind(), err)
	}
	if d, _, err := p.Decode(nil); err != nil || d.Kind() != KindBytes {
		t.Errorf("PresenceMessage.Decode: %s %v", d.Kind(), err)
	}
	if d, _, err := a.Decode(nil); err != nil || d.Text() != "x" {
		t.Errorf("Annotation.Decode: %q %v", d.Text(), err)
	}
}

// FuzzDecode: Decode never panics; on success nothing is left to decode, on failure the
// remaining encoding is a prefix of the steps, and no error repeats the key.
func FuzzDecode(f *testing.F) {
	f.Add("HO4cYSP8LybPYBPZPHQOtmHItcxYdSvcNUC6kXVpMn0VFL+9z2/5tJ6WFbR0SBT1xhFRuJ+MeBGTU3yOY9P5ow==", "utf-8/cipher+aes-128-cbc/base64", mustB64(f, fixture128Key))
	f.Add("3q2+7w==", "vcdiff/base64", []byte(nil))
	f.Add(`{"a":1}`, "json", []byte(nil))
	f.Add("eyJhIjoxfQ==", "json/utf-8/base64", []byte{1, 2})
	f.Add("", "cipher+aes-256-cbc/base64", mustB64(f, fixture256Key))
	f.Fuzz(func(t *testing.T, data, encoding string, key []byte) {
		var c *CipherParams
		if len(key) > 0 {
			c = &CipherParams{Key: key}
		}
		d, rest, err := Decode(wireString(data), encoding, c)
		if err == nil {
			if rest != "" {
				t.Fatalf("success with %q left", rest)
			}
			return
		}
		if !strings.HasPrefix(encoding, rest) {
			t.Fatalf("remaining %q is not a prefix of %q", rest, encoding)
		}
		_ = d.Text()
		if len(key) >= 8 {
			msg := err.Error()
			for _, k := range []string{base64.StdEncoding.EncodeToString(key), hex.EncodeToString(key)} {
				if strings.Contains(msg, k) {
					t.Fatalf("error %q shows the key", msg)
				}
			}
		}
	})
}

// FuzzEncodeRoundTrip: any string, binary or JSON value survives Encode then Decode.
func FuzzEncodeRoundTrip(f *testing.F) {
	f.Add(byte(0), []byte("hello"), byte(0))
	f.Add(byte(1), []byte{0, 255}, byte(1))
	f.Add(byte(2), []byte(`{"a":[1,2]}`), byte(2))
	f.Fuzz(func(t *testing.T, kind byte, payload []byte, keyChoice byte) {
		var d Data
		switch kind % 3 {
		case 0:
			d = StringData(string(payload))
		case 1:
			d = BytesData(payload)
		case 2:
			var err error
			if d, err = JSONData(payload); err != nil {
				return
			}
		}
		var c *CipherParams
		switch keyChoice % 3 {
		case 1:
			c = &CipherParams{Key: bytes.Repeat([]byte{keyChoice}, 16)}
		case 2:
			c = &CipherParams{Key: bytes.Repeat([]byte{keyChoice}, 32)}
		}
		wire, enc, err := Encode(d, c, bytes.NewReader(bytes.Repeat([]byte{kind}, 16)))
		if err != nil {
			return // not publishable: invalid UTF-8, or JSON other than an object or array
		}
		got, rest, err := Decode(wire, enc, c)
		if err != nil || rest != "" {
			t.Fatalf("decode of %s %q: %v (left %q)", wire, enc, err, rest)
		}
		if got.Kind() != d.Kind() || !bytes.Equal(got.Bytes(), d.Bytes()) {
			t.Fatalf("%s %q came back as %s %q", d.Kind(), d.Bytes(), got.Kind(), got.Bytes())
		}
	})
}
