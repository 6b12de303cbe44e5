package proto

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func TestParseCipherKey(t *testing.T) {
	k16 := []byte("0123456789abcdef")
	k32 := []byte("0123456789abcdef0123456789ABCDEF")
	// A key whose base64 has both URL-unsafe characters, to tell the alphabets apart.
	kURL := bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 6)[:16]
	for _, tc := range []struct {
		name, in string
		want     []byte
		alg      string
	}{
		{"base64 128", base64.StdEncoding.EncodeToString(k16), k16, "aes-128-cbc"},
		{"base64 256", base64.StdEncoding.EncodeToString(k32), k32, "aes-256-cbc"},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(k16), k16, "aes-128-cbc"},
		{"base64url (RSE1c)", base64.URLEncoding.EncodeToString(kURL), kURL, "aes-128-cbc"},
		{"base64url unpadded", base64.RawURLEncoding.EncodeToString(kURL), kURL, "aes-128-cbc"},
		{"hex 128", hex.EncodeToString(k16), k16, "aes-128-cbc"},
		{"hex 256 upper case", strings.ToUpper(hex.EncodeToString(k32)), k32, "aes-256-cbc"},
		{"hex with 0x", "0x" + hex.EncodeToString(k16), k16, "aes-128-cbc"},
		{"spaces around", "  " + base64.StdEncoding.EncodeToString(k32) + "\n", k32, "aes-256-cbc"},
		{"ably-common fixture", fixture128Key, mustB64(t, fixture128Key), "aes-128-cbc"},
	} {
		c, err := ParseCipherKey(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		alg, _ := c.Algorithm()
		if !bytes.Equal(c.Key, tc.want) || alg != tc.alg {
			t.Errorf("%s: key %x (%s), want %x (%s)", tc.name, c.Key, alg, tc.want, tc.alg)
		}
	}
}

func TestParseCipherKeyErrors(t *testing.T) {
	// Each bad key carries a marker that must not come back in the error.
	for _, tc := range []struct {
		name, in, errHas string
	}{
		{"empty", "   ", "empty"},
		{"24-byte key", base64.StdEncoding.EncodeToString([]byte("SECRETSECRETSECRETSECRET")), "24 bytes long"},
		{"not an encoding", "SECRET key with spaces!", "neither base64 nor hex"},
		{"odd hex digits", "abcdefabcdefabcdefabcdefabcdefabc", "33 hex digits"},
		{"short hex", "00112233", "6 bytes long"}, // 8 hex digits also read as 6 bytes of base64
	} {
		_, err := ParseCipherKey(tc.in)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.errHas) {
			t.Errorf("%s: error %q should contain %q", tc.name, msg, tc.errHas)
		}
		if in := strings.TrimSpace(tc.in); in != "" && strings.Contains(msg, in) || strings.Contains(msg, "SECRET") {
			t.Errorf("%s: error %q repeats the key", tc.name, msg)
		}
		if !strings.Contains(msg, "hex") {
			t.Errorf("%s: error %q should say what a key looks like", tc.name, msg)
		}
	}
}

func TestCipherParamsNeverPrintsTheKey(t *testing.T) {
	c := CipherParams{Key: []byte("SECRETSECRETSECR")}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, &c), fmt.Sprintf("%x", c)} {
		if strings.Contains(s, "SECRET") || strings.Contains(s, hex.EncodeToString(c.Key)) {
			t.Errorf("key shown in %q", s)
		}
	}
	if got := c.String(); got != "CipherParams{aes-128-cbc, key redacted}" {
		t.Errorf("String() = %q", got)
	}
	if got := (CipherParams{Key: []byte{1}}).String(); got != "CipherParams{1-byte key, redacted}" {
		t.Errorf("String() of a bad key = %q", got)
	}
}

// FuzzParseCipherKey: never panics; an accepted key is 16 or 32 bytes and reads the same
// from its own hex and base64.
func FuzzParseCipherKey(f *testing.F) {
	for _, s := range []string{fixture128Key, fixture256Key, "00112233445566778899aabbccddeeff", "0x", "", "====", "-_-_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCipherKey(s)
		if err != nil {
			return
		}
		if len(c.Key) != 16 && len(c.Key) != 32 {
			t.Fatalf("accepted a %d-byte key", len(c.Key))
		}
		for _, form := range []string{hex.EncodeToString(c.Key), base64.StdEncoding.EncodeToString(c.Key)} {
			back, err := ParseCipherKey(form)
			if err != nil || !bytes.Equal(back.Key, c.Key) {
				t.Fatalf("key does not read back from %s form: %v", form[:4], err)
			}
		}
	})
}
