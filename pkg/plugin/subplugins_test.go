package plugin

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func appsLike() Plugin {
	return Plugin{Metadata: Metadata{Name: "apps"}, Commands: []*cli.Command{
		{Name: "list", Aliases: []string{"ls"}},
		{Name: "channel-rules", Aliases: []string{"cr"}, Subcommands: []*cli.Command{{Name: "list"}}},
	}}
}

// needShell skips tests whose plugins are /bin/sh scripts.
func needShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("plugins in these tests are shell scripts")
	}
}

func TestFindSubcommandPlugin(t *testing.T) {
	needShell(t)
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		path := filepath.Join(dir, "ably-"+name)
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	foo, fooBar, rulesFoo := write("apps-foo", 0o755), write("apps-foo-bar", 0o755), write("apps-channel-rules-foo", 0o755)
	for _, own := range []string{"apps-list", "apps-ls", "apps-help", "apps-channel-rules-list", "apps-ably-plugin-metadata"} {
		write(own, 0o755)
	}
	write("apps-stale", 0o644)
	dirs := func() []string { return []string{dir} }

	cases := []struct {
		args string
		path string
		argv string
	}{
		{"foo a --json", foo, "ably-apps-foo a --json"},
		{"foo bar baz", fooBar, "ably-apps-foo-bar baz"}, // longest match first
		{"foo --x bar", foo, "ably-apps-foo --x bar"},
		{"channel-rules foo x", rulesFoo, "ably-apps-channel-rules-foo x"},
		{"cr foo", rulesFoo, "ably-apps-channel-rules-foo"}, // an alias walks to the canonical name
		// The group's own commands always win.
		{"list", "", ""},
		{"ls foo", "", ""},
		{"help", "", ""},
		{"channel-rules list", "", ""},
		{"ably-plugin-metadata", "", ""},
		// Flags, leaf commands' arguments and unknown words without a plugin are the group's.
		{"--help foo", "", ""},
		{"list foo", "", ""},
		{"nope", "", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		path, argv, err := findSubcommandPlugin(appsLike(), append([]string{"ably-apps"}, strings.Fields(c.args)...), dirs)
		if err != nil || path != c.path || strings.Join(argv, " ") != c.argv {
			t.Errorf("%q: %q %q %v; want %q %q", c.args, path, argv, err, c.path, c.argv)
		}
	}
	if _, _, err := findSubcommandPlugin(appsLike(), []string{"ably-apps", "stale"}, dirs); exitcode.Of(err) != exitcode.NotExecutable {
		t.Errorf("a non-executable plugin: %v, want exit 126", err)
	}
	// No lookup at all on a group's own command: the search path is never computed.
	never := func() []string { t.Fatal("search path computed for an own command"); return nil }
	findSubcommandPlugin(appsLike(), []string{"ably-apps", "channel-rules", "list", "x"}, never)
}

func TestCommandPathsInMetadata(t *testing.T) {
	got := commandPaths(appsLike().Commands, "")
	want := []string{"list", "ls", "channel-rules", "channel-rules list", "cr", "cr list"}
	if !slices.Equal(got, want) {
		t.Errorf("commandPaths = %q, want %q", got, want)
	}
}

func TestListsCommands(t *testing.T) {
	app := appsLike().app(&state{})
	for args, want := range map[string]bool{
		"":                           true,
		"--help":                     true,
		"-h":                         true,
		"help":                       true,
		"channel-rules":              true,
		"cr --help":                  true,
		"--generate-bash-completion": true,
		"channel-rules --generate-bash-completion": true,
		"list":                            false,
		"list --help":                     false,
		"help list":                       false,
		"foo":                             false,
		"channel-rules list --json":       false,
		"list --generate-bash-completion": false,
	} {
		if got := listsCommands(app, append([]string{"ably-apps"}, strings.Fields(args)...)); got != want {
			t.Errorf("listsCommands(%q) = %v, want %v", args, got, want)
		}
	}
}

func TestListingEnvHasNoSecrets(t *testing.T) {
	env := map[string]string{"PATH": "/bin", "ABLY_PLUGIN_PATH": "/p", "ABLY_ACCESS_TOKEN": "tok", "ABLY_API_KEY": "a.b:c", "HOME": "/h"}
	got := listingEnv(func(k string) string { return env[k] })
	if want := []string{"PATH=/bin", "HOME=/h", "ABLY_PLUGIN_PATH=/p"}; !slices.Equal(got, want) {
		t.Errorf("listingEnv = %q, want %q", got, want)
	}
}

func TestRunForOutput(t *testing.T) {
	needShell(t)
	dir := t.TempDir()
	script := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out, err := runForOutput(script("ok", `echo "$1 $X"; echo noise >&2`), []string{"ok", "arg"}, []string{"X=1"}, 5*time.Second)
	if err != nil || string(out) != "arg 1\n" {
		t.Errorf("ok: %q, %v", out, err)
	}
	if _, err := runForOutput(script("fails", "echo partial; exit 3"), []string{"fails"}, nil, 5*time.Second); err == nil {
		t.Error("a failing command gave no error")
	}
	start := time.Now()
	if _, err := runForOutput(script("hangs", "exec /bin/sleep 100"), []string{"hangs"}, nil, 200*time.Millisecond); err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("a hanging command: %v after %v, want an error after about the timeout", err, time.Since(start))
	}
}
