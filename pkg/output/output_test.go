package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestTableAndDetailsAlign(t *testing.T) {
	var out bytes.Buffer
	p := &Printer{Out: &out}
	if err := p.Table([]string{"id", "name"}, [][]string{{"a1", "First app"}, {"abcdef", "Second"}}); err != nil {
		t.Fatal(err)
	}
	want := "ID      NAME\na1      First app\nabcdef  Second\n"
	if out.String() != want {
		t.Fatalf("table:\n%q\nwant\n%q", out.String(), want)
	}
	out.Reset()
	_ = p.Details([]Field{{"App", "a1"}, {"Key name", "a1.k"}})
	if want := "App:      a1\nKey name: a1.k\n"; out.String() != want {
		t.Fatalf("details %q, want %q", out.String(), want)
	}
}

func TestColorOnlyWhenAllowed(t *testing.T) {
	var buf bytes.Buffer
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if ColorAllowed(false, env(nil)) {
		t.Error("colour on an output that is not a terminal")
	}
	if !ColorAllowed(true, env(nil)) {
		t.Error("no colour on a terminal")
	}
	if ColorAllowed(true, env(map[string]string{"NO_COLOR": "1"})) {
		t.Error("NO_COLOR must turn colour off")
	}
	if ColorAllowed(true, env(map[string]string{"TERM": "dumb"})) {
		t.Error("TERM=dumb must turn colour off")
	}
	p := &Printer{Out: &buf, Color: false}
	p.Heading("Title")
	if strings.Contains(buf.String(), "\x1b") {
		t.Error("escape codes without colour")
	}
}

func TestVerboseOnlyWhenAsked(t *testing.T) {
	var errOut bytes.Buffer
	p := &Printer{Err: &errOut}
	p.Verbosef("hidden %d", 1)
	if errOut.Len() != 0 {
		t.Fatal("verbose line written without --verbose")
	}
	p.Verbose = true
	p.Verbosef("shown %d", 2)
	if errOut.String() != "[verbose] shown 2\n" {
		t.Fatalf("got %q", errOut.String())
	}
}

func TestMaskSecretAndMillis(t *testing.T) {
	if got := MaskSecret("xVLyHw.A-pwh7:Tq5cSecret"); got != "xVLyHw.A-pwh7:****" {
		t.Errorf("MaskSecret = %q", got)
	}
	if got := MaskSecret("opaque"); got != "****" || MaskSecret("") != "" {
		t.Errorf("MaskSecret(opaque) = %q", got)
	}
	if got := Millis(1602844091815); got != "2020-10-16T10:28:11Z" || Millis(0) != "-" {
		t.Errorf("Millis = %q", got)
	}
}

func TestMaskURLSecrets(t *testing.T) {
	cases := map[string]string{
		"amqps://user:s3cret@mq.example.com/vhost":                     "amqps://user:****@mq.example.com/vhost",
		"postgres://app:p%40ss@db/app":                                 "postgres://app:****@db/app",
		"https://example.com/hook":                                     "https://example.com/hook",
		"amqps://user@host/":                                           "amqps://user@host/",
		"not a url @ all":                                              "not a url @ all",
		"https://fn.azurewebsites.net/api/f?code=abc123&x=1":           "https://fn.azurewebsites.net/api/f?code=****&x=1",
		"https://h/hook?token=t0k&key=k3y&sig=s1g#frag":                "https://h/hook?token=****&key=****&sig=****#frag",
		"https://h/hook?access_token=a&Client_Secret=b&API-KEY=c&id=7": "https://h/hook?access_token=****&Client_Secret=****&API-KEY=****&id=7",
		"https://h/hook?keyring=k&code=&monkey=1":                      "https://h/hook?keyring=k&code=&monkey=1",
		"https://u:p@h/hook?token=t":                                   "https://u:****@h/hook?token=****",
		"https://h/hook?q=a?b&token=t":                                 "https://h/hook?q=a?b&token=****",
	}
	for in, want := range cases {
		if got := MaskURLSecrets(in); got != want {
			t.Errorf("MaskURLSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithField(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{json.RawMessage(`{"id":"a","x":null}`), `{"id":"a","x":null,"current":true}`},
		{json.RawMessage(` { } `), `{"current":true}`},
		{map[string]int{"n": 1}, `{"n":1,"current":true}`},
	}
	for _, tc := range cases {
		got, err := WithField(tc.v, "current", true)
		if err != nil || string(got) != tc.want {
			t.Errorf("WithField(%v) = %s, %v; want %s", tc.v, got, err, tc.want)
		}
	}
	if _, err := WithField([]int{1}, "current", true); err == nil {
		t.Error("WithField of an array: no error")
	}
}
