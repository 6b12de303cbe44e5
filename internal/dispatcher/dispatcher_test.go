package dispatcher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestParseGlobals(t *testing.T) {
	tests := []struct {
		args    []string
		env     []string
		rest    []string
		errCode int
		errHas  string
	}{
		{args: []string{"auth", "--profile", "x"}, rest: []string{"auth", "--profile", "x"}},
		{args: []string{"--profile", "work", "-v", "apps", "list"}, env: []string{"ABLY_PROFILE=work", "ABLY_VERBOSE=1"}, rest: []string{"apps", "list"}},
		{args: []string{"--profile=work", "--config-dir=/c", "--control-host", "h:1", "--endpoint=e", "--verbose", "x"},
			env:  []string{"ABLY_PROFILE=work", "ABLY_CLI_CONFIG_DIR=/c", "ABLY_CONTROL_HOST=h:1", "ABLY_ENDPOINT=e", "ABLY_VERBOSE=1"},
			rest: []string{"x"}},
		{args: []string{"--", "--weird"}, rest: []string{"--weird"}},
		{args: []string{"--help"}, rest: []string{"help"}},
		{args: []string{"-h", "auth"}, rest: []string{"help", "auth"}},
		{args: []string{"--version", "--json"}, rest: []string{"version", "--json"}},
		{args: []string{"--bogus=secret", "x"}, errCode: exitcode.Usage, errHas: "unknown global flag --bogus (global flags go before the group: --profile"},
		{args: []string{"-profile", "x"}, errCode: exitcode.Usage, errHas: "unknown global flag -profile"},
		{args: []string{"--profile"}, errCode: exitcode.Usage, errHas: "needs a value"},
		{args: []string{"--profile="}, errCode: exitcode.Usage, errHas: "non-empty"},
		{args: []string{"--verbose=yes", "x"}, errCode: exitcode.Usage, errHas: "takes no value"},
	}
	for _, tt := range tests {
		g, rest, err := parseGlobals(tt.args)
		if tt.errCode != 0 {
			if exitcode.Of(err) != tt.errCode || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("parseGlobals(%q) error = %v, want code %d containing %q", tt.args, err, tt.errCode, tt.errHas)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("parseGlobals(%q) error echoes the flag's value: %v", tt.args, err)
			}
			continue
		}
		if err != nil || !slices.Equal(g.env, tt.env) || !slices.Equal(rest, tt.rest) {
			t.Errorf("parseGlobals(%q) = %q, %q, %v; want %q, %q", tt.args, g.env, rest, err, tt.env, tt.rest)
		}
	}
}

func TestDispatchExecsPluginWithEnv(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	path := writePlugin(t, te.PluginDir, "apps", "exit 0")
	te.setenv("ABLY_PROFILE=outer", "ABLY_VERBOSE=")

	code := te.run("--profile", "work", "--control-host=localhost:9", "-v", "apps", "list", "--profile", "inner")
	if code != 0 || len(te.calls) != 1 {
		t.Fatalf("exit %d, calls %v, stderr %q", code, te.calls, te.stderr.String())
	}
	call := te.calls[0]
	if call.path != path {
		t.Errorf("ran %q, want %q", call.path, path)
	}
	if want := []string{"ably-apps", "list", "--profile", "inner"}; !slices.Equal(call.argv, want) {
		t.Errorf("argv = %q, want %q (args after the group untouched)", call.argv, want)
	}
	for _, kv := range []string{"ABLY_PROFILE=work", "ABLY_CONTROL_HOST=localhost:9", "ABLY_VERBOSE=1", "ABLY_BIN=" + te.Executable} {
		if n := countKV(call.env, kv); n != 1 {
			t.Errorf("env has %q %d times, want once: %q", kv, n, call.env)
		}
	}
	for _, kv := range call.env {
		if kv == "ABLY_PROFILE=outer" || kv == "ABLY_VERBOSE=" {
			t.Errorf("env still has %q: a global flag must replace the variable", kv)
		}
	}
}

func countKV(env []string, kv string) int {
	n := 0
	for _, e := range env {
		if e == kv {
			n++
		}
	}
	return n
}

func TestDispatchFromExeDirAndPath(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	pathDir := t.TempDir()
	inExe := writePlugin(t, te.ExeDir, "both", "")
	writePlugin(t, pathDir, "both", "")
	onPath := writePlugin(t, pathDir, "path", "")
	te.setenv("PATH=" + pathDir)
	for group, want := range map[string]string{"both": inExe, "path": onPath} {
		if code := te.run(group); code != 0 || len(te.calls) != 1 || te.calls[0].path != want {
			t.Errorf("ably %s: exit %d, calls %v; want %s", group, code, te.calls, want)
		}
	}
}

func TestDispatchRefusesBadGroups(t *testing.T) {
	te := newTestEnv(t)
	for _, group := range []string{"../x", "Foo", "/bin/sh", "a/b", "..", "9lives", "x_y"} {
		if code := te.run(group); code != exitcode.Usage || len(te.calls) != 0 {
			t.Errorf("ably %s: exit %d, calls %v; want 2 and nothing run", group, code, te.calls)
		}
		if !strings.HasPrefix(te.stderr.String(), "ably: ") || !strings.Contains(te.stderr.String(), "is not a command group") {
			t.Errorf("ably %s: stderr %q", group, te.stderr.String())
		}
	}
}

func TestUnknownGroupSuggests(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	writePlugin(t, te.PluginDir, "auth", "")
	writePlugin(t, te.PluginDir, "apps", "")
	if code := te.run("auht"); code != exitcode.NoPlugin {
		t.Fatalf("exit %d, want 127", code)
	}
	stderr := te.stderr.String()
	for _, want := range []string{`ably: unknown command group "auht"`, "Did you mean this?\n\tauth\n", "ably help"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if strings.Contains(stderr, "apps") {
		t.Errorf("stderr %q suggests apps for auht", stderr)
	}
	te.run("versoin")
	if !strings.Contains(te.stderr.String(), "\tversion\n") {
		t.Errorf("built-ins are not suggested: %q", te.stderr.String())
	}
}

func TestNotExecutable(t *testing.T) {
	te := newTestEnv(t)
	path := filepath.Join(te.PluginDir, "ably-x")
	os.WriteFile(path, []byte("#!/bin/sh\n"), 0o644)
	if code := te.run("x"); code != exitcode.NotExecutable || len(te.calls) != 0 {
		t.Fatalf("exit %d, calls %v; want 126", code, te.calls)
	}
	if !strings.Contains(te.stderr.String(), "chmod +x "+path) {
		t.Errorf("stderr %q does not give the fix", te.stderr.String())
	}
}

func TestBuiltinsWinOverPlugins(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	for _, name := range []string{"help", "version", "plugin", "completion"} {
		writePlugin(t, te.PluginDir, name, "echo plugin ran")
	}
	for _, args := range [][]string{{"help"}, {"version"}, {"plugin", "list"}, {"completion", "bash"}} {
		if code := te.run(args...); code != 0 || len(te.calls) != 0 || strings.Contains(te.stdout.String(), "plugin ran") {
			t.Errorf("ably %q: exit %d, calls %v, stdout %q", args, code, te.calls, te.stdout.String())
		}
	}
	te.run("plugin", "list")
	if n := strings.Count(te.stdout.String(), "name is a built-in command"); n != 4 {
		t.Errorf("plugin list reports %d built-in names, want 4:\n%s", n, te.stdout.String())
	}
}

func TestHelp(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	writePlugin(t, te.PluginDir, "auth", metadataPlugin("auth", "Issue and revoke tokens", ""))
	writePlugin(t, te.PluginDir, "apps-long-name", metadataPlugin("apps-long-name", "Manage apps", ""))
	writePlugin(t, te.PluginDir, "broken", "echo not json")

	for _, args := range [][]string{nil, {"help"}, {"--help"}, {"-h"}} {
		if code := te.run(args...); code != 0 {
			t.Fatalf("ably %q: exit %d, stderr %q", args, code, te.stderr.String())
		}
		out := te.stdout.String()
		for _, want := range []string{
			"Usage: ably [global flags] <group> [args...]",
			"--profile NAME",
			"  apps-long-name   Manage apps\n",
			"  auth             Issue and revoke tokens\n",
			"plugin list [--json|--pretty-json] [GROUP]",
			"ably-broken   bad metadata: metadata is not a JSON object",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("ably %q output lacks %q:\n%s", args, want, out)
			}
		}
	}

	// `ably help <group>` runs the plugin with --help.
	if code := te.run("help", "auth", "keys"); code != 0 || len(te.calls) != 1 || !slices.Equal(te.calls[0].argv, []string{"ably-auth", "keys", "--help"}) {
		t.Errorf("ably help auth keys: exit %d, calls %v", code, te.calls)
	}
	if code := te.run("help", "nope"); code != exitcode.NoPlugin {
		t.Errorf("ably help nope: exit %d, want 127", code)
	}
	if code := te.run("help", "plugin"); code != 0 || !strings.Contains(te.stdout.String(), "Usage: ably plugin list [--json|--pretty-json] [GROUP]") {
		t.Errorf("ably help plugin: exit %d, stdout %q", code, te.stdout.String())
	}
}

func TestVersion(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("version"); code != 0 || !strings.HasPrefix(te.stdout.String(), "ably ") {
		t.Errorf("ably version: exit %d, stdout %q", code, te.stdout.String())
	}
	if code := te.run("--version", "--json"); code != 0 {
		t.Fatalf("ably --version --json: exit %d", code)
	}
	var v map[string]string
	if err := json.Unmarshal(te.stdout.Bytes(), &v); err != nil || v["version"] == "" || v["go"] == "" || v["os"] == "" || v["arch"] == "" {
		t.Errorf("version --json = %s (%v)", te.stdout.String(), err)
	}
	if code := te.run("version", "--yaml"); code != exitcode.Usage {
		t.Errorf("version --yaml: exit %d, want 2", code)
	}
}

func TestPluginListJSON(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	writePlugin(t, te.PluginDir, "auth", metadataPlugin("auth", "Tokens", ""))
	writePlugin(t, te.PluginDir, "wrong", metadataPlugin("other", "Wrong name", ""))
	writePlugin(t, te.PluginDir, "fails", "echo oops >&2; exit 3")
	if code := te.run("plugin", "list", "--json"); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, te.stderr.String())
	}
	if n := strings.Count(te.stdout.String(), "\n"); n != 1 {
		t.Errorf("plugin list --json printed %d lines, want one document", n)
	}
	var doc pluginList
	if err := json.Unmarshal(te.stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(doc.SearchPath, te.PluginDir) {
		t.Errorf("searchPath %q lacks %q", doc.SearchPath, te.PluginDir)
	}
	byName := map[string]pluginListEntry{}
	for _, p := range doc.Plugins {
		byName[p.Name] = p
	}
	if p := byName["auth"]; p.Status != "ok" || p.Version != "1.0.0" || p.Vendor != "Test" || p.Description != "Tokens" || p.Path != filepath.Join(te.PluginDir, "ably-auth") {
		t.Errorf("auth = %+v", p)
	}
	if p := byName["wrong"]; p.Status != "invalid" || !strings.Contains(p.Reason, `metadata name is "other", want "wrong"`) {
		t.Errorf("wrong = %+v", p)
	}
	if p := byName["fails"]; p.Status != "invalid" || p.Reason != "metadata call exited with status 3: oops" {
		t.Errorf("fails = %+v", p)
	}
	for _, args := range [][]string{{"plugin"}, {"plugin", "ls"}, {"plugin", "list", "-x"}} {
		if code := te.run(args...); code != exitcode.Usage {
			t.Errorf("ably %q: exit %d, want 2", args, code)
		}
	}
}

func TestSetenv(t *testing.T) {
	got := setenv([]string{"A=1", "B=2", "C=3"}, []string{"B=x", "D=4", "B=y"})
	if want := []string{"A=1", "C=3", "D=4", "B=y"}; !slices.Equal(got, want) {
		t.Errorf("setenv = %q, want %q", got, want)
	}
	if got := getenv([]string{"A=1", "A=2"}, "A"); got != "2" {
		t.Errorf("getenv = %q, want the last definition", got)
	}
}
