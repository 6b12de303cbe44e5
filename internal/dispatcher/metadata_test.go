package dispatcher

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRunCappedTimeoutKillsGrandchildren(t *testing.T) {
	needShell(t)
	dir := t.TempDir()
	cases := map[string]string{
		"foreground": "/bin/sleep 100",
		// The shell waits while a background grandchild holds stdout.
		"background": "/bin/sleep 100 & wait",
	}
	for name, body := range cases {
		path := writePlugin(t, dir, name, body)
		start := time.Now()
		_, err := runCapped(context.Background(), path, []string{"ably-plugin-metadata"}, nil, 200*time.Millisecond)
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("%s: took %v, want about the timeout", name, took)
		}
		if !errors.Is(err, errTimedOut) {
			t.Errorf("%s: err = %v, want errTimedOut", name, err)
		}
	}
}

func TestRunCappedEscapedGrandchild(t *testing.T) {
	needShell(t)
	// The plugin answers and exits, leaving a grandchild that holds stdout: WaitDelay must
	// stop us waiting for it, well before its sleep ends.
	path := writePlugin(t, t.TempDir(), "leak", "echo '{}'; /bin/sleep 100 &")
	start := time.Now()
	_, err := runCapped(context.Background(), path, nil, nil, 10*time.Second)
	if took := time.Since(start); took > 3*time.Second || !errors.Is(err, exec.ErrWaitDelay) {
		t.Errorf("took %v, err %v; want exec.ErrWaitDelay soon", took, err)
	}
	if got := describeRunError(err, time.Second); got != "exited but left a process holding its output" {
		t.Errorf("reason %q", got)
	}
}

func TestRunCappedFlood(t *testing.T) {
	needShell(t)
	path := writePlugin(t, t.TempDir(), "flood", "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done")
	start := time.Now()
	out, err := runCapped(context.Background(), path, nil, nil, 10*time.Second)
	if !errors.Is(err, errTooMuchOutput) || out != nil {
		t.Errorf("err = %v, %d bytes; want errTooMuchOutput", err, len(out))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v: a flood must stop us reading at once", took)
	}
}

func TestRunCappedPassesArgsAndEnv(t *testing.T) {
	needShell(t)
	path := writePlugin(t, t.TempDir(), "echo", `echo "$0|$*|$ABLY_X"`)
	out, err := runCapped(context.Background(), path, []string{"a", "b c"}, []string{"ABLY_X=1"}, 5*time.Second)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "ably-echo|a b c|1") {
		t.Errorf("out %q, err %v", out, err)
	}
}

func TestMetadataTimeoutInHelp(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=300ms")
	writePlugin(t, te.PluginDir, "hang", `if [ "$1" = ably-plugin-metadata ]; then /bin/sleep 100; fi`)
	writePlugin(t, te.PluginDir, "hang2", `if [ "$1" = ably-plugin-metadata ]; then /bin/sleep 100; fi`)
	writePlugin(t, te.PluginDir, "good", metadataPlugin("good", "Good one", ""))
	start := time.Now()
	if code := te.run("help"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("help took %v with two hanging plugins and a 300ms timeout: calls must run in parallel", took)
	}
	out := te.stdout.String()
	if !strings.Contains(out, "ably-hang    metadata call timed out after 300ms") || !strings.Contains(out, "good   Good one") {
		t.Errorf("help output:\n%s", out)
	}
	// The timeouts are cached beside the good plugin's answer.
	c := loadCache(cachePath(te.CacheDir))
	if len(c.entries) != 3 {
		t.Errorf("cache holds %d entries, want 3", len(c.entries))
	}
	for path, e := range c.entries {
		want := time.Duration(0)
		if strings.Contains(path, "hang") {
			want = 300 * time.Millisecond
		}
		if e.timedOut() != want {
			t.Errorf("%s: cached timeout %v, want %v", path, e.timedOut(), want)
		}
	}
}

func TestMetadataTimeoutCached(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=300ms")
	counter := filepath.Join(t.TempDir(), "count")
	hang := writePlugin(t, te.PluginDir, "hang", `if [ "$1" = ably-plugin-metadata ]; then echo x >> `+counter+`; /bin/sleep 100; fi`)
	writePlugin(t, te.PluginDir, "good", metadataPlugin("good", "Good one", ""))
	calls := func() int {
		data, _ := os.ReadFile(counter)
		return strings.Count(string(data), "x")
	}
	const reason = "ably-hang   metadata call timed out after 300ms"
	help := func(want int) {
		t.Helper()
		if code := te.run("help"); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if out := te.stdout.String(); !strings.Contains(out, reason) || !strings.Contains(out, "good   Good one") {
			t.Errorf("help output:\n%s", out)
		}
		if got := calls(); got != want {
			t.Errorf("metadata calls of the hanging plugin: %d, want %d", got, want)
		}
	}

	// The first run waits for the timeout; the next ones answer from the cache, with the
	// same reason.
	help(1)
	help(1)
	te.run("plugin", "list")
	if !strings.Contains(te.stdout.String(), "metadata call timed out after 300ms") || calls() != 1 {
		t.Errorf("plugin list after a cached timeout: %d calls, output:\n%s", calls(), te.stdout.String())
	}

	// A new mtime (same content) asks again, and caches the new timeout.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(hang, later, later); err != nil {
		t.Fatal(err)
	}
	help(2)
	help(2)

	// A replaced file is asked again; once it answers, its answer is cached instead.
	writePlugin(t, te.PluginDir, "hang", metadataPlugin("hang", "Answers now", counter))
	te.run("help")
	if out := te.stdout.String(); !strings.Contains(out, "hang   Answers now") || calls() != 3 {
		t.Errorf("after replacing the plugin: %d calls, output:\n%s", calls(), out)
	}
	if e := loadCache(cachePath(te.CacheDir)).entries[hang]; e.timedOut() != 0 || e.Output == "" {
		t.Errorf("cache entry after an answer: %+v", e)
	}
}

func TestMetadataTimeoutCachedLongerTimeout(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	counter := filepath.Join(t.TempDir(), "count")
	writePlugin(t, te.PluginDir, "slow", `if [ "$1" = ably-plugin-metadata ]; then echo x >> `+counter+`; /bin/sleep 100; fi`)
	calls := func() int {
		data, _ := os.ReadFile(counter)
		return strings.Count(string(data), "x")
	}
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=400ms")
	te.run("plugin", "list")
	// A shorter or equal timeout keeps the cached failure, with the timeout it ran out of.
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=200ms")
	te.run("plugin", "list")
	if !strings.Contains(te.stdout.String(), "metadata call timed out after 400ms") || calls() != 1 {
		t.Errorf("shorter timeout: %d calls, output:\n%s", calls(), te.stdout.String())
	}
	// A longer one gives the plugin its chance again.
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=500ms")
	te.run("plugin", "list")
	if !strings.Contains(te.stdout.String(), "metadata call timed out after 500ms") || calls() != 2 {
		t.Errorf("longer timeout: %d calls, output:\n%s", calls(), te.stdout.String())
	}
}

func TestMetadataCacheOtherFailuresNotCached(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	counter := filepath.Join(t.TempDir(), "count")
	writePlugin(t, te.PluginDir, "crash", "echo x >> "+counter+"; echo oops >&2; exit 3")
	for i := 0; i < 2; i++ {
		te.run("plugin", "list")
		if !strings.Contains(te.stdout.String(), "metadata call exited with status 3: oops") {
			t.Errorf("plugin list:\n%s", te.stdout.String())
		}
	}
	data, _ := os.ReadFile(counter)
	if n := strings.Count(string(data), "x"); n != 2 {
		t.Errorf("a crashing plugin was asked %d times, want 2: only timeouts are cached", n)
	}
}

func TestMetadataCache(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	counter := filepath.Join(t.TempDir(), "count")
	good := writePlugin(t, te.PluginDir, "good", metadataPlugin("good", "Good one", counter))
	badCounter := counter + "-bad"
	writePlugin(t, te.PluginDir, "bad", "echo x >> "+badCounter+"; echo not json")
	calls := func(file string) int {
		data, _ := os.ReadFile(file)
		return strings.Count(string(data), "x")
	}

	for i := 0; i < 3; i++ {
		if code := te.run("plugin", "list"); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if !strings.Contains(te.stdout.String(), "Good one") || !strings.Contains(te.stdout.String(), "bad metadata") {
			t.Fatalf("run %d: plugin list:\n%s", i, te.stdout.String())
		}
	}
	if calls(counter) != 1 || calls(badCounter) != 1 {
		t.Errorf("metadata calls: good %d, bad %d; want 1 each (bad answers are cached too)", calls(counter), calls(badCounter))
	}

	// A new mtime (same content) invalidates the entry.
	later := time.Now().Add(time.Minute)
	os.Chtimes(good, later, later)
	te.run("plugin", "list")
	if calls(counter) != 2 {
		t.Errorf("after touching the plugin: %d calls, want 2", calls(counter))
	}

	// A corrupt cache is ignored and rewritten.
	path := cachePath(te.CacheDir)
	os.WriteFile(path, []byte("{corrupt"), 0o600)
	te.run("plugin", "list")
	if !strings.Contains(te.stdout.String(), "Good one") || calls(counter) != 3 {
		t.Errorf("with a corrupt cache: %d calls, output:\n%s", calls(counter), te.stdout.String())
	}
	if c := loadCache(path); c.dirty || len(c.entries) != 2 {
		t.Errorf("cache not rewritten: dirty %v, %d entries", c.dirty, len(c.entries))
	}
	te.run("plugin", "list")
	if calls(counter) != 3 {
		t.Errorf("after rewrite: %d calls, want 3", calls(counter))
	}

	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1", len(entries))
	}
}

func TestMetadataCacheDropsRemovedPlugins(t *testing.T) {
	needShell(t)
	te := newTestEnv(t)
	writePlugin(t, te.PluginDir, "a", metadataPlugin("a", "A", ""))
	gone := writePlugin(t, te.PluginDir, "b", metadataPlugin("b", "B", ""))
	te.run("plugin", "list")
	os.Remove(gone)
	writePlugin(t, te.PluginDir, "c", metadataPlugin("c", "C", ""))
	te.run("plugin", "list")
	var got []string
	for path := range loadCache(cachePath(te.CacheDir)).entries {
		got = append(got, filepath.Base(path))
	}
	slices.Sort(got)
	if want := []string{"ably-a", "ably-c"}; !slices.Equal(got, want) {
		t.Errorf("cache holds %q, want %q", got, want)
	}
}

func TestMetadataTimeoutEnv(t *testing.T) {
	te := newTestEnv(t)
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=1.5s")
	if d := metadataTimeout(te.Env); d != 1500*time.Millisecond {
		t.Errorf("timeout %v", d)
	}
	te.setenv("ABLY_PLUGIN_METADATA_TIMEOUT=soon")
	if d := metadataTimeout(te.Env); d != defaultMetadataTimeout || !strings.Contains(te.stderr.String(), "ignoring ABLY_PLUGIN_METADATA_TIMEOUT") {
		t.Errorf("timeout %v, stderr %q", d, te.stderr.String())
	}
}
