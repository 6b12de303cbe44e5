package dispatcher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/protocol"
)

func TestPlaceSubcommands(t *testing.T) {
	ok := func(name string, commands ...string) *Candidate {
		return &Candidate{Name: name, Status: statusOK, Meta: protocol.Metadata{Commands: commands}}
	}
	apps := ok("apps", "list", "ls", "channel-rules", "channel-rules list", "rules", "rules list")
	cands := []*Candidate{
		ok("apps-channel-rules-foo"), ok("apps-foo"), ok("apps-foo-bar"), ok("apps-list"),
		ok("apps-rules-list"), apps, ok("auth"), ok("auth-keys-x"), ok("lone-wolf"),
		{Name: "broken", Status: statusInvalid, Reason: "bad metadata"}, ok("broken-sub"),
	}
	placeSubcommands(cands)
	want := map[string]string{ // name -> command words, then the reason if invalid
		"apps-channel-rules-foo": "apps channel-rules foo",
		"apps-foo":               "apps foo",
		"apps-foo-bar":           "apps foo-bar",
		"apps-list":              "apps list|'ably apps list' is the group's own command, which always wins: this plugin never runs",
		"apps-rules-list":        "apps rules list|'ably apps rules list' is the group's own command, which always wins: this plugin never runs",
		"apps":                   "",
		"auth":                   "",
		"auth-keys-x":            "auth keys-x", // a group without a command list: one word after the group
		"lone-wolf":              "",            // no ably-lone: a group of its own
		"broken":                 "|bad metadata",
		"broken-sub":             "", // the group is invalid, so this is a group of its own
	}
	for _, c := range cands {
		got := strings.Join(c.Command, " ")
		if c.Reason != "" {
			got += "|" + c.Reason
		}
		if got != want[c.Name] {
			t.Errorf("%s: %q, want %q", c.Name, got, want[c.Name])
		}
	}
}

func TestDispatchMissingGroupRunsSubcommandPlugin(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	sub := writePlugin(t, te.PluginDir, "nogroup-sub", "")
	subMore := writePlugin(t, te.PluginDir, "nogroup-sub-more", "")
	for _, tc := range []struct {
		args []string
		path string
		argv []string
	}{
		{[]string{"nogroup", "sub", "x"}, sub, []string{"ably-nogroup-sub", "x"}},
		{[]string{"nogroup", "sub", "more", "x"}, subMore, []string{"ably-nogroup-sub-more", "x"}},
		{[]string{"nogroup-sub", "more"}, sub, []string{"ably-nogroup-sub", "more"}}, // its own name still runs it as is
	} {
		if code := te.run(tc.args...); code != 0 || len(te.calls) != 1 || te.calls[0].path != tc.path || !slices.Equal(te.calls[0].argv, tc.argv) {
			t.Errorf("ably %q: exit %d, calls %v; want %s %q", tc.args, code, te.calls, tc.path, tc.argv)
		}
	}
	if code := te.run("nogroup", "other"); code != exitcode.NoPlugin || len(te.calls) != 0 {
		t.Errorf("ably nogroup other: exit %d, calls %v; want 127", code, te.calls)
	}
	// An existing group is run as it is: its plugin decides about its subcommands.
	writePlugin(t, te.PluginDir, "nogroup", "")
	if code := te.run("nogroup", "sub", "x"); code != 0 || len(te.calls) != 1 || !slices.Equal(te.calls[0].argv, []string{"ably-nogroup", "sub", "x"}) {
		t.Errorf("with ably-nogroup: exit %d, calls %v", code, te.calls)
	}
}

func TestMetadataCallsGetNoCredentials(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	dump := filepath.Join(t.TempDir(), "env")
	writePlugin(t, te.PluginDir, "spy", `if [ "$1" = ably-plugin-metadata ]; then export -p > `+dump+`; fi
echo '{"schemaVersion":"1","name":"spy","vendor":"X","version":"1","shortDescription":"Spy"}'`)
	te.setenv("ABLY_ACCESS_TOKEN=tok-secret", "ABLY_API_KEY=app.key:key-secret", "ABLY_TOKEN=ably-secret",
		"ABLY_APNS_P12_PASSWORD=p12-secret", "AWS_SECRET_ACCESS_KEY=aws-secret", "ABLY_PROFILE=work")
	for _, args := range [][]string{{"help"}, {"plugin", "list"}} {
		os.Remove(dump)
		te.CacheDir = "" // ask every time
		if code := te.run(args...); code != 0 {
			t.Fatalf("ably %q: exit %d, %s", args, code, te.stderr.String())
		}
		data, err := os.ReadFile(dump)
		if err != nil {
			t.Fatalf("ably %q: the plugin was not asked: %v", args, err)
		}
		if strings.Contains(string(data), "secret") || !strings.Contains(string(data), "ABLY_PROFILE") {
			t.Errorf("ably %q: the metadata call's environment:\n%s", args, data)
		}
	}
}

func TestErrorsAsJSON(t *testing.T) {
	te := newTestEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"nosuch", "--json"}, exitcode.NoPlugin, `unknown command group "nosuch"`},
		{[]string{"Bad", "--pretty-json"}, exitcode.Usage, `"Bad" is not a command group`},
		{[]string{"version", "--json", "--pretty-json"}, exitcode.Usage, "cannot be used together"},
		{[]string{"--nope", "--json"}, exitcode.Usage, "unknown global flag --nope"},
	} {
		if code := te.run(tc.args...); code != tc.code {
			t.Errorf("ably %q: exit %d, want %d", tc.args, code, tc.code)
		}
		var body protocol.ErrorBody
		if err := json.Unmarshal(te.stderr.Bytes(), &body); err != nil || strings.Count(te.stderr.String(), "\n") != 1 {
			t.Errorf("ably %q: stderr %q is not one JSON line (%v)", tc.args, te.stderr.String(), err)
		}
		if body.Error.ExitCode != tc.code || !strings.Contains(body.Error.Message, tc.msg) {
			t.Errorf("ably %q: %+v, want exit %d and %q", tc.args, body.Error, tc.code, tc.msg)
		}
	}
	if te.run("nosuch"); !strings.HasPrefix(te.stderr.String(), "ably: unknown command group") {
		t.Errorf("without --json: %q", te.stderr.String())
	}
}

func TestPrettyJSON(t *testing.T) {
	te := newTestEnv(t)
	for _, args := range [][]string{{"version", "--pretty-json"}, {"plugin", "list", "--pretty-json"}} {
		if code := te.run(args...); code != 0 {
			t.Fatalf("ably %q: exit %d", args, code)
		}
		out := te.stdout.String()
		if !strings.HasPrefix(out, "{\n  \"") || !json.Valid([]byte(out)) {
			t.Errorf("ably %q: not indented JSON:\n%s", args, out)
		}
	}
}
