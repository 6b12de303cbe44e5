package dataplane

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func TestDecodeData(t *testing.T) {
	for _, tc := range []struct {
		data, encoding string
		want, rest     string
	}{
		{`"plain"`, "", `"plain"`, ""},
		{`{"n":1}`, "", `{"n":1}`, ""},
		{`"{\"n\": 1}"`, "json", `{"n":1}`, ""},
		{`"[1,2]"`, "json", `[1,2]`, ""},
		{`"aGVsbG8="`, "utf-8/base64", `"hello"`, ""},
		{`"eyJuIjoxfQ=="`, "json/utf-8/base64", `{"n":1}`, ""},
		{`"AAEC/w=="`, "base64", `"AAEC/w=="`, "base64"},
		{`"AAEC/w=="`, "utf-8/base64", `"AAEC/w=="`, "utf-8/base64"}, // not text: left as bytes
		{`"c2VjcmV0"`, "utf-8/cipher+aes-128-cbc/base64", `"c2VjcmV0"`, "utf-8/cipher+aes-128-cbc/base64"},
		{`"x"`, "vcdiff", `"x"`, "vcdiff"},
		{`"not json"`, "json", `"not json"`, "json"},
		{`"!!"`, "base64", `"!!"`, "base64"},
		{`42`, "json", `42`, ""}, // JSON sent bare is JSON already
		{`"hi"`, "utf-8", `"hi"`, ""},
	} {
		got, rest := DecodeData(json.RawMessage(tc.data), tc.encoding, nil)
		if string(got) != tc.want || rest != tc.rest {
			t.Errorf("DecodeData(%s, %q) = %s, %q; want %s, %q", tc.data, tc.encoding, got, rest, tc.want, tc.rest)
		}
	}
}

func FuzzDecodeData(f *testing.F) {
	f.Add(`"eyJuIjoxfQ=="`, "json/utf-8/base64")
	f.Add(`"AAEC"`, "base64")
	f.Fuzz(func(t *testing.T, data, encoding string) {
		got, _ := DecodeData(json.RawMessage(data), encoding, nil)
		if json.Valid([]byte(data)) && !json.Valid(got) {
			t.Fatalf("DecodeData(%s, %q) = %s: not JSON", data, encoding, got)
		}
	})
}

// Encrypted data is decrypted with the key, and left as it came, encoding and all, without.
func TestDecodeDataCipher(t *testing.T) {
	key := proto.CipherParams{Key: []byte("0123456789abcdef")}
	raw, enc, err := proto.Encode(proto.StringData("secret text"), &key, strings.NewReader(strings.Repeat("i", 16)))
	if err != nil {
		t.Fatal(err)
	}
	if got, rest := DecodeData(raw, enc, &key); string(got) != `"secret text"` || rest != "" {
		t.Errorf("with the key: %s, %q", got, rest)
	}
	if got, rest := DecodeData(raw, enc, nil); string(got) != string(raw) || rest != enc {
		t.Errorf("without the key: %s, %q; want %s, %q", got, rest, raw, enc)
	}
	other := proto.CipherParams{Key: []byte("fedcba9876543210")}
	if _, rest := DecodeData(raw, enc, &other); rest == "" {
		t.Error("the wrong key decrypted the data")
	}
}
