package dispatcher

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// needShell skips tests whose plugins are /bin/sh scripts.
func needShell(t testing.TB) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("plugins in these tests are shell scripts")
	}
}

// writePlugin writes an executable shell plugin ably-<name> in dir and returns its path.
func writePlugin(t testing.TB, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, "ably-"+name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// metadataPlugin is a plugin body answering the metadata call for name with desc, and
// appending a line to counter (if not empty) each time it is asked.
func metadataPlugin(name, desc, counter string) string {
	count := ""
	if counter != "" {
		count = "echo x >> " + counter + "; "
	}
	return `if [ "$1" = ably-plugin-metadata ]; then ` + count +
		`echo '{"schemaVersion":"1","name":"` + name + `","vendor":"Test","version":"1.0.0","shortDescription":"` + desc + `"}'; exit 0; fi
echo "` + name + ` ran $*"`
}

// execCall is what a test Env's Exec was asked to run.
type execCall struct {
	path string
	argv []string
	env  []string
}

// testEnv is an Env over temporary directories: plugins go in PluginDir (ABLY_PLUGIN_PATH),
// the ably binary "lives" in ExeDir, and Exec records instead of running.
type testEnv struct {
	*Env
	PluginDir, ExeDir string
	stdout, stderr    bytes.Buffer
	calls             []execCall
}

func newTestEnv(t testing.TB, args ...string) *testEnv {
	t.Helper()
	root := t.TempDir()
	te := &testEnv{PluginDir: filepath.Join(root, "plugins"), ExeDir: filepath.Join(root, "exe")}
	for _, d := range []string{te.PluginDir, te.ExeDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	te.Env = &Env{
		Args:   args,
		Stdout: &te.stdout,
		Stderr: &te.stderr,
		Environ: []string{
			"PATH=/nonexistent-ably-test-dir",
			"ABLY_PLUGIN_PATH=" + te.PluginDir,
			"ABLY_PLUGIN_METADATA_TIMEOUT=5s",
		},
		Executable: filepath.Join(te.ExeDir, "ably"),
		CacheDir:   filepath.Join(root, "cache"),
		Exec: func(path string, argv, env []string) (int, error) {
			te.calls = append(te.calls, execCall{path, argv, env})
			return 0, nil
		},
	}
	return te
}

// run runs args and returns the exit code.
func (te *testEnv) run(args ...string) int {
	te.stdout.Reset()
	te.stderr.Reset()
	te.calls = nil
	te.Args = args
	return Run(te.Env)
}

func (te *testEnv) setenv(kv ...string) { te.Environ = setenv(te.Environ, kv) }

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }
