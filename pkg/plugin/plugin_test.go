package plugin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func testPlugin(action cli.ActionFunc) Plugin {
	return Plugin{
		Metadata: Metadata{Name: "demo", Vendor: "Test", Version: "1.2.3", ShortDescription: "Demo plugin"},
		Commands: []*cli.Command{
			{Name: "do", Action: action},
			{Name: "group", Subcommands: []*cli.Command{{Name: "leaf", Action: action}}},
		},
	}
}

func run(t *testing.T, p Plugin, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, Now: time.Now}
	code = Run(context.Background(), p, env, append([]string{"ably-demo"}, args...))
	return code, out.String(), errOut.String()
}

func TestExitCodesAndErrorOutput(t *testing.T) {
	fail := func(err error) cli.ActionFunc { return func(*cli.Context) error { return err } }
	cases := []struct {
		name   string
		action cli.ActionFunc
		args   []string
		code   int
		stderr string
	}{
		{"success", fail(nil), []string{"do"}, 0, ""},
		{"plain error", fail(errors.New("boom")), []string{"do"}, 1, "ably demo: boom\n"},
		{"not found", fail(exitcode.New(exitcode.NotFound, "no app %q", "x")), []string{"do"}, 3, "ably demo: no app \"x\"\n"},
		{"ably error", fail(&exitcode.Error{Code: exitcode.Auth, Message: "token expired", AblyCode: 40142, Href: "https://help.ably.io/error/40142"}),
			[]string{"do"}, 4, "ably demo: token expired (Ably error 40142) https://help.ably.io/error/40142\n"},
		{"json error", fail(exitcode.Usagef("bad")), []string{"do", "--json"}, 2, `{"error":{"message":"bad","exitCode":2}}` + "\n"},
		{"json and pretty", fail(nil), []string{"do", "--json", "--pretty-json"}, 2, "cannot be used together"},
		{"unknown flag", fail(nil), []string{"do", "--nope"}, 2, "unknown flag --nope"},
		{"unknown flag json", fail(nil), []string{"do", "--json", "--nope"}, 2, `{"error":{"message":"unknown flag --nope`},
		{"unknown command", fail(nil), []string{"dx"}, 2, `unknown command "dx" for 'ably demo': did you mean "do"?`},
		{"unknown subcommand", fail(nil), []string{"group", "lef"}, 2, `unknown command "lef" for 'ably demo group': did you mean "leaf"?`},
		{"cancelled", fail(context.Canceled), []string{"do"}, 130, "context canceled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, testPlugin(c.action), c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if c.stderr == "" && stderr != "" || !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q, want %q", stderr, c.stderr)
			}
		})
	}
}

func TestMetadataAndStandardFlags(t *testing.T) {
	code, stdout, _ := run(t, testPlugin(nil), MetadataCommand)
	want := `{"schemaVersion":"1","name":"demo","vendor":"Test","version":"1.2.3","shortDescription":"Demo plugin","commands":["do","group","group leaf"]}` + "\n"
	if code != 0 || stdout != want {
		t.Fatalf("metadata: exit %d, %q; want %q", code, stdout, want)
	}
	var seen []string
	p := testPlugin(func(c *cli.Context) error {
		out := Printer(c)
		seen = append(seen, Profile(c))
		if !out.IsJSON() || !out.Verbose {
			t.Errorf("printer %+v: want JSON and verbose", out)
		}
		return out.JSON(map[string]int{"n": 1})
	})
	code, stdout, _ = run(t, p, "group", "leaf", "--pretty-json", "-v", "--profile", "work")
	if code != 0 || stdout != "{\n  \"n\": 1\n}\n" || len(seen) != 1 || seen[0] != "work" {
		t.Fatalf("exit %d, stdout %q, profile %v", code, stdout, seen)
	}
}
