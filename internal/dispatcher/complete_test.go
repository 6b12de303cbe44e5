package dispatcher

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestCompletionScripts(t *testing.T) {
	te := newTestEnv(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if code := te.run("completion", shell); code != 0 || !strings.Contains(te.stdout.String(), "__complete") {
			t.Errorf("completion %s: exit %d, stdout %q", shell, code, te.stdout.String())
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		if code := te.run(args...); code != exitcode.Usage {
			t.Errorf("ably %q: exit %d, want 2", args, code)
		}
	}
}

func TestComplete(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	log := filepath.Join(t.TempDir(), "log")
	// The plugin records how it was asked, then answers like urfave/cli would.
	writePlugin(t, te.PluginDir, "auth", `echo "$*|$ABLY_PROFILE" >> `+log+`
case "$*" in
*--generate-bash-completion) printf 'issue-jwt-token\nissue-ably-token\nrevoke-token\n--help\n' ;;
esac`)
	writePlugin(t, te.PluginDir, "apps", "")
	writePlugin(t, te.PluginDir, "Bad", "")

	tests := []struct {
		words []string
		want  []string
	}{
		{nil, []string{"apps", "auth", "completion", "config", "env", "help", "plugin", "version"}},
		{[]string{"a"}, []string{"apps", "auth"}},
		{[]string{"--profile", "work", "au"}, []string{"auth"}},
		{[]string{"--profile", ""}, nil},
		{[]string{"--ver"}, []string{"--verbose", "--version"}},
		{[]string{"help", "p"}, []string{"plugin"}},
		{[]string{"plugin", ""}, []string{"list"}},
		{[]string{"plugin", "list", "-"}, []string{"--json", "--pretty-json"}},
		{[]string{"plugin", "list", "a"}, []string{"apps", "auth"}},
		{[]string{"completion", "z"}, []string{"zsh"}},
		{[]string{"auth", "issue"}, []string{"issue-jwt-token", "issue-ably-token"}},
		{[]string{"--profile=work", "auth", "keys", "--he"}, []string{"--help"}},
		{[]string{"nope", ""}, nil},
		{[]string{"../x", ""}, nil},
	}
	for _, tt := range tests {
		if code := te.run(append([]string{"__complete"}, tt.words...)...); code != 0 {
			t.Errorf("__complete %q: exit %d", tt.words, code)
		}
		var got []string
		if out := strings.TrimSpace(te.stdout.String()); out != "" {
			got = lines(out)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("__complete %q = %q, want %q", tt.words, got, tt.want)
		}
	}
	data, _ := os.ReadFile(log)
	want := "--generate-bash-completion|\nkeys --he --generate-bash-completion|work\n"
	if string(data) != want {
		t.Errorf("the plugin was asked:\n%s\nwant:\n%s", data, want)
	}
}
