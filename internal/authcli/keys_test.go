package authcli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// TestKeysSendOnlySetFlags checks the bodies sent: an update carries exactly the flags given,
// false included; create sends revocableTokens only when asked.
func TestKeysSendOnlySetFlags(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	key := srv.AddKey(app.ID, controltest.Key{Name: "Main"})
	r := plugintest.Options{Vars: map[string]string{
		"ABLY_ACCESS_TOKEN": controltest.DefaultToken, "ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": t.TempDir(),
	}}
	name := app.ID + "." + key.ID
	cases := []struct {
		args   []string
		method string
		body   string
	}{
		{[]string{"keys", "update", name, "--name", "Renamed"}, "PATCH", `{"name":"Renamed"}`},
		{[]string{"keys", "update", name, "--revocable-tokens=false"}, "PATCH", `{"revocableTokens":false}`},
		{[]string{"keys", "update", name, "--capability", "publish, subscribe"}, "PATCH", `{"capability":{"*":["publish","subscribe"]}}`},
		{[]string{"keys", "create", "--app", app.ID, "--name", "New"}, "POST", `{"name":"New","capability":{"*":["subscribe"]}}`},
		{[]string{"keys", "create", "--app", app.ID, "--name", "Rev", "--revocable-tokens", "--capability", "*"}, "POST",
			`{"name":"Rev","revocableTokens":true,"capability":{"*":["*"]}}`},
	}
	for _, c := range cases {
		srv.ResetRequests()
		res := r.Run(t, Plugin(), c.args...)
		if res.Code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, res.Code, res.Stderr)
			continue
		}
		reqs := srv.RequestsMatching(c.method, "")
		if len(reqs) != 1 || string(reqs[0].Body) != c.body {
			t.Errorf("%v: sent %d %s requests, last body %s; want one with %s", c.args, len(reqs), c.method, lastBody(reqs), c.body)
		}
	}
	if v := srv.SpecViolations(); len(v) > 0 {
		t.Errorf("spec violations: %v", v)
	}
}

func lastBody(reqs []controltest.Request) string {
	if len(reqs) == 0 {
		return "(none)"
	}
	return string(reqs[len(reqs)-1].Body)
}

func TestParseCapabilityFlag(t *testing.T) {
	good := map[string]string{
		"publish,subscribe":             `{"*":["publish","subscribe"]}`,
		" publish , subscribe ":         `{"*":["publish","subscribe"]}`,
		"*":                             `{"*":["*"]}`,
		`{"chat:*":["presence"]}`:       `{"chat:*":["presence"]}`,
		` {"a":["publish"],"b":["*"]} `: `{"a":["publish"],"b":["*"]}`,
	}
	for in, want := range good {
		c, err := parseCapabilityFlag("capability", in)
		if err != nil || c.JSON() != want {
			t.Errorf("parseCapabilityFlag(%q) = %s, %v; want %s", in, c.JSON(), err, want)
		}
	}
	bad := map[string]string{
		"":                     "--capability: capability is empty",
		"publish,":             `"publish," has an empty operation`,
		",":                    "has an empty operation",
		"publsh":               `did you mean "publish"?`,
		"Publish":              "operations are lower case",
		`{"a":["publish"]`:     "ends early at line 1, column 17",
		`["publish"]`:          "found a JSON array",
		`"publish"`:            "found a JSON string",
		"publish subscribe":    `unknown operation "publish subscribe"`,
		`{"a":["publish"]} {}`: "not valid JSON",
		`{"chat":["publish"],"chat":["subscribe"]}`: `--capability: capability names resource "chat" twice`,
	}
	for in, want := range bad {
		_, err := parseCapabilityFlag("capability", in)
		if err == nil || !strings.Contains(err.Error(), want) || exitcode.Of(err) != exitcode.Usage {
			t.Errorf("parseCapabilityFlag(%q) error %v, want a usage error containing %q", in, err, want)
		}
	}
}

// The key's secret is "key" in the JSON of both `keys list` and `keys current`, masked the
// same way, and shown in full by both with --show-secret.
func TestKeysSecretNamedAndMaskedAlike(t *testing.T) {
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	key := srv.AddKey(app.ID, controltest.Key{Name: "Main"})
	dir := t.TempDir()
	config := "[current]\naccount = \"main\"\n\n[accounts.main]\naccessToken = \"" + controltest.DefaultToken +
		"\"\ncurrentAppId = \"" + app.ID + "\"\n\n[accounts.main.apps." + app.ID + "]\napiKey = \"" + key.Key + "\"\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	r := plugintest.Options{Vars: map[string]string{"ABLY_CONTROL_HOST": srv.URL, "ABLY_CLI_CONFIG_DIR": dir}}
	keyOf := func(args ...string) string {
		t.Helper()
		res := r.Run(t, Plugin(), args...)
		if res.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.Code, res.Stderr)
		}
		var one struct {
			Key *string `json:"key"`
		}
		var list []json.RawMessage
		doc := []byte(res.Stdout)
		if json.Unmarshal(doc, &list) == nil {
			if len(list) != 1 {
				t.Fatalf("%v: %d keys listed", args, len(list))
			}
			doc = list[0]
		}
		if err := json.Unmarshal(doc, &one); err != nil || one.Key == nil {
			t.Fatalf("%v: no \"key\" in %s (%v)", args, res.Stdout, err)
		}
		return *one.Key
	}
	masked := output.MaskSecret(key.Key)
	if masked == key.Key || !strings.HasSuffix(masked, ":"+output.Masked) {
		t.Fatalf("mask of %s is %s", key.Key, masked)
	}
	for _, show := range []bool{false, true} {
		want, flags := masked, []string{"--json"}
		if show {
			want, flags = key.Key, []string{"--json", "--show-secret"}
		}
		list := keyOf(append([]string{"keys", "list"}, flags...)...)
		current := keyOf(append([]string{"keys", "current"}, flags...)...)
		if list != want || current != want {
			t.Errorf("--show-secret %v: keys list shows %q, keys current %q; want both %q", show, list, current, want)
		}
	}
}

func TestParseKeyRef(t *testing.T) {
	good := map[string]keyRef{
		"k1":                {KeyID: "k1"},
		"app.k1":            {AppID: "app", KeyID: "k1"},
		"app.k1:secret":     {AppID: "app", KeyID: "k1"},
		"app.k1:sec:ret":    {AppID: "app", KeyID: "k1"},
		" app.k1 ":          {AppID: "app", KeyID: "k1"},
		"k1:orphan-secret1": {KeyID: "k1"},
	}
	for in, want := range good {
		if got, err := parseKeyRef(in); err != nil || got != want {
			t.Errorf("parseKeyRef(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", ":s3cr3t", "app.", ".k1", "a.b.c", "a.b.c:s3cr3t"} {
		_, err := parseKeyRef(in)
		if err == nil || exitcode.Of(err) != exitcode.Usage || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("parseKeyRef(%q) error %v: want a usage error without the secret", in, err)
		}
	}
}
