package ablyauth

import (
	"strconv"
	"strings"
	"testing"
)

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"xVLyHw.A-pwh7:Tq5c", "a.b:c", "", ":", ".:", "a.b:c:d", "a.b.c:d", "é.b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			// The error may quote the public parts (app ID, key ID), so remove them before
			// looking for the secret: a secret that matches their text is no leak.
			if name, secret, ok := strings.Cut(s, ":"); ok && len(secret) > 3 {
				msg := err.Error()
				app, id, _ := strings.Cut(name, ".")
				for _, public := range []string{strconv.Quote(app), strconv.Quote(id), name} {
					msg = strings.ReplaceAll(msg, public, "")
				}
				if strings.Contains(msg, secret) {
					t.Fatalf("error %q reveals the secret", err)
				}
			}
			return
		}
		if k.Name()+":"+k.Secret != s {
			t.Fatalf("ParseKey(%q) = %+v does not round-trip", s, k)
		}
		if k.AppID == "" || k.KeyID == "" || k.Secret == "" {
			t.Fatalf("ParseKey(%q) accepted an empty part: %+v", s, k)
		}
	})
}

func FuzzParseCapability(f *testing.F) {
	for _, s := range []string{`{"*":["*"]}`, `{"a":["publish","subscribe"]}`, `{"a":[]}`, `[]`, `null`, `{"a":"x"}`, `{`, "{\n\"a\":[1]}", `{"a":["publish"]} {}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCapability(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error for %q is not one line: %q", s, err)
			}
			return
		}
		// What was accepted must parse again to the same thing.
		again, err := ParseCapability(c.JSON())
		if err != nil || again.JSON() != c.JSON() {
			t.Fatalf("capability %s does not round-trip: %v", c.JSON(), err)
		}
	})
}

func FuzzReadJWT(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJIUzI1NiIsImtpZCI6ImEuYiJ9.eyJleHAiOjIsIngtYWJseS1jYXBhYmlsaXR5Ijoie1wiKlwiOltcIipcIl19In0.sig",
		"xVLyHw.DfAKX9aXkYhU", "a.b.c", "e30.e30.", "eyJraWQiOiJhLmIifQ.e30.", "..", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ReadJWT(s)
		if err != nil {
			if len(s) > 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error %q reveals the token", err)
			}
			return
		}
		_ = tok.Capability.Summary()
		_ = tok.Check(tok.IssuedAt, "chat:1", "publish")
	})
}
