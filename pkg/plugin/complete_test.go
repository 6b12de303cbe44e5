package plugin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

const completionConfig = `[current]
account = "work"

[accounts.work]
accessToken = "t1"
currentAppId = "cur1"

[accounts.work.apps.appA]
appName = "Chat"

[accounts.work.apps.appB]
appName = "My App"

[accounts.home]
accessToken = "t2"

[accounts.home.apps.appH]
appName = "Home"

[accounts."bad\u001b[2J"]
accessToken = "t3"
`

func completionPlugin() Plugin {
	noop := func(*cli.Context) error { return nil }
	return Plugin{
		Metadata: Metadata{Name: "demo", Vendor: "Test", ShortDescription: "Demo plugin"},
		Commands: []*cli.Command{
			{Name: "switch", ArgsUsage: "ALIAS", Action: noop},
			{Name: "logout", ArgsUsage: "[ALIAS]", Action: noop},
			{Name: "keys", Subcommands: []*cli.Command{
				{Name: "list", Action: noop, Flags: []cli.Flag{
					&cli.StringFlag{Name: "app"},
					&cli.IntFlag{Name: "limit", Aliases: []string{"l"}},
					&cli.StringSliceFlag{Name: "tag"},
					&cli.StringFlag{Name: "secret-thing", Hidden: true},
				}},
				{Name: "get", ArgsUsage: "KEY", Action: noop},
			}},
			{Name: "hidden", Hidden: true, Action: noop},
			{Name: "custom", Action: noop, BashComplete: func(c *cli.Context) {
				fmt.Fprintln(c.App.Writer, "own-candidate")
			}},
		},
	}
}

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(completionConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		words []string
		env   string // ABLY_PROFILE
		want  string
	}{
		{nil, "", "switch logout keys custom"},
		{[]string{"custom"}, "", "own-candidate"},
		{[]string{"keys"}, "", "list get"},
		{[]string{"keys", "list", "--"}, "", "--app --limit --tag --profile --json --pretty-json --verbose --help"},
		{[]string{"keys", "list", "-"}, "", "--app --limit -l --tag --profile --json --pretty-json --verbose -v --help -h"},
		{[]string{"keys", "list", "--pr"}, "", "--profile --pretty-json"},
		{[]string{"keys", "list", "--json", "--tag", "x", "--"}, "", "--app --limit --tag --profile --pretty-json --verbose --help"},
		{[]string{"keys", "list", "--limit=3", "-"}, "", "--app --tag --profile --json --pretty-json --verbose -v --help -h"},
		{[]string{"keys", "list", "--profile"}, "", "home work"},
		{[]string{"keys", "list", "--app"}, "", "appA appB cur1 Chat"},
		{[]string{"keys", "list", "--app"}, "home", "appH Home"},
		{[]string{"keys", "list", "--profile", "home", "--app"}, "work", "appH Home"},
		{[]string{"keys", "list", "--profile=home", "--app"}, "", "appH Home"},
		{[]string{"keys", "list", "--app=C"}, "", "--app=Chat"},
		{[]string{"keys", "list", "--app", "--profile", "nobody"}, "", ""},
		{[]string{"keys", "list", "--limit"}, "", ""},
		{[]string{"keys", "list", "--json"}, "", ""},
		{[]string{"keys", "list", "--", "--"}, "", ""},
		{[]string{"switch"}, "", "home work"},
		{[]string{"switch", "--json"}, "", "home work"},
		{[]string{"switch", "work"}, "", ""},
		{[]string{"logout"}, "", "home work"},
		{[]string{"keys", "get"}, "", ""},
		{[]string{"nope"}, "", ""},
	}
	for _, c := range cases {
		var out strings.Builder
		env := Env{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
			switch k {
			case "ABLY_CLI_CONFIG_DIR":
				return dir
			case "ABLY_PROFILE":
				return c.env
			}
			return ""
		}}
		args := append(append([]string{"ably-demo"}, c.words...), completionFlag)
		if code := Run(t.Context(), completionPlugin(), env, args); code != 0 {
			t.Errorf("%q: exit %d", c.words, code)
		}
		got := strings.Join(strings.Fields(out.String()), " ")
		if got != c.want {
			t.Errorf("%q (ABLY_PROFILE=%q): got %q, want %q", c.words, c.env, got, c.want)
		}
	}
}

func TestCompletionWithoutConfigOffersNoNames(t *testing.T) {
	var out strings.Builder
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("not = [toml"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := Env{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "ABLY_CLI_CONFIG_DIR" {
			return dir
		}
		return ""
	}}
	for _, words := range [][]string{{"switch"}, {"keys", "list", "--app"}} {
		out.Reset()
		args := append(append([]string{"ably-demo"}, words...), completionFlag)
		if code := Run(t.Context(), completionPlugin(), env, args); code != 0 || out.Len() != 0 {
			t.Errorf("%q with a broken config: exit %d, output %q", words, code, out.String())
		}
	}
	if !slices.Equal(completable([]string{"a b", "ok", "\x1b]0;x\x07", ""}), []string{"ok"}) {
		t.Error("completable let through a word the shell would split or the terminal would obey")
	}
}
