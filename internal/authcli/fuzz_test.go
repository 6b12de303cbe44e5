package authcli

import (
	"strings"
	"testing"
)

func FuzzParseCapabilityFlag(f *testing.F) {
	for _, s := range []string{"publish,subscribe", "*", ",", `{"a":["publish"]}`, `{"a":`, " x , ", `"publish"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCapabilityFlag("capability", s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("error for %q is not one line: %q", s, err)
			}
			return
		}
		if len(c) == 0 {
			t.Fatalf("%q parsed to an empty capability", s)
		}
	})
}

func FuzzParseKeyRef(f *testing.F) {
	for _, s := range []string{"k", "a.k", "a.k:secretvalue", ".k", "a.", "a.b.c:secretvalue", ":secretvalue"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseKeyRef(s)
		if _, secret, ok := strings.Cut(s, ":"); ok && len(secret) > 3 && err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("error %q reveals the secret", err)
		}
		if err == nil && (r.KeyID == "" || strings.Contains(r.KeyID, ":")) {
			t.Fatalf("parseKeyRef(%q) = %+v", s, r)
		}
	})
}
