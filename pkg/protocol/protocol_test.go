package protocol

import (
	"regexp"
	"strings"
	"testing"
)

func TestValidGroupName(t *testing.T) {
	spec := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	for _, name := range []string{"auth", "a", "my-plugin2", "", "Auth", "1a", "-a", "a_b", "a.b", "..", "a/b", "é", "a b", "ab-"} {
		if got, want := ValidGroupName(name), spec.MatchString(name); got != want {
			t.Errorf("ValidGroupName(%q) = %v, want %v", name, got, want)
		}
	}
}

func FuzzValidGroupName(f *testing.F) {
	spec := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	f.Add("auth")
	f.Add("A-")
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := ValidGroupName(name), spec.MatchString(name); got != want {
			t.Fatalf("ValidGroupName(%q) = %v, want %v", name, got, want)
		}
	})
}

func TestParseMetadata(t *testing.T) {
	ok := `{"schemaVersion":"1","name":"auth","vendor":"Ably","version":"1.0","shortDescription":"Tokens","extra":true}`
	if m, err := ParseMetadata([]byte(ok), "auth"); err != nil || m.ShortDescription != "Tokens" {
		t.Fatalf("ParseMetadata(ok) = %+v, %v", m, err)
	}
	for in, want := range map[string]string{
		`not json`: "not a JSON object",
		`{"schemaVersion":"2","name":"auth","shortDescription":"x"}`:  `schemaVersion is "2"`,
		`{"schemaVersion":"1","name":"other","shortDescription":"x"}`: `name is "other", want "auth"`,
		`{"schemaVersion":"1","name":"auth"}`:                         "no shortDescription",
	} {
		if _, err := ParseMetadata([]byte(in), "auth"); err == nil || !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(err.Error()) {
			t.Errorf("ParseMetadata(%s) = %v, want an error with %q", in, err, want)
		}
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":"1","name":"auth","vendor":"Ably","version":"1","shortDescription":"x"}`), "auth")
	f.Add([]byte(`{"schemaVersion":1}`), "auth")
	f.Add([]byte(`[]`), "x")
	f.Add([]byte("\xff\xfe"), "x")
	f.Fuzz(func(t *testing.T, data []byte, group string) {
		m, err := ParseMetadata(data, group)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("reason is not one line: %q", err)
			}
			return
		}
		if m.SchemaVersion != SchemaVersion || m.Name != group || m.ShortDescription == "" {
			t.Fatalf("accepted bad metadata %+v for %q", m, group)
		}
	})
}

func TestWithoutSecrets(t *testing.T) {
	env := []string{
		"PATH=/bin", "ABLY_ACCESS_TOKEN=t", "ABLY_API_KEY=k", "ABLY_TOKEN=x", "ABLY_APNS_P12_PASSWORD=p",
		"GITHUB_TOKEN=g", "AWS_SECRET_ACCESS_KEY=a", "PGPASSWORD=p", "npm_config__authToken=n",
		"ABLY_PROFILE=work", "ABLY_BIN=/bin/ably", "HOME=/h", "ABLY_CONTROL_HOST=h",
	}
	got := WithoutSecrets(env)
	want := []string{"PATH=/bin", "ABLY_PROFILE=work", "ABLY_BIN=/bin/ably", "HOME=/h", "ABLY_CONTROL_HOST=h"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("WithoutSecrets = %q, want %q", got, want)
	}
}
