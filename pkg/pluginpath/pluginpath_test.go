package pluginpath

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// needShell skips tests whose plugins are /bin/sh scripts.
func needShell(t testing.TB) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("plugins in these tests are shell scripts")
	}
}

// writePlugin writes an executable ably-<name> in dir and returns its path.
func writePlugin(t testing.TB, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, "ably-"+name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSearchDirs(t *testing.T) {
	sep := string(filepath.ListSeparator)
	got := SearchDirs(
		strings.Join([]string{"/p1", "", "rel", "/p2/", "/p1"}, sep),
		"/exe",
		strings.Join([]string{".", "/usr/bin", "", "bin", "/p2", "/exe", "/bin", "./x"}, sep),
	)
	want := []string{"/p1", "/p2", "/exe", "/usr/bin", "/bin"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchDirs = %q, want %q", got, want)
	}
	if got := SearchDirs("", "", ""); len(got) != 0 {
		t.Errorf("SearchDirs of nothing = %q, want none", got)
	}
	env := map[string]string{"ABLY_PLUGIN_PATH": "/p", "PATH": "/usr/bin" + sep + "/p"}
	if got := Dirs(func(k string) string { return env[k] }, "/opt/ably/ably"); !slices.Equal(got, []string{"/p", "/opt/ably", "/usr/bin"}) {
		t.Errorf("Dirs = %q", got)
	}
}

func TestFind(t *testing.T) {
	needShell(t)
	root := t.TempDir()
	a, b, c := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	for _, d := range []string{a, b, c} {
		os.Mkdir(d, 0o755)
	}
	// a: a directory and a non-executable file; b and c: executables.
	os.Mkdir(filepath.Join(a, "ably-dir"), 0o755)
	writePlugin(t, b, "dir")
	os.WriteFile(filepath.Join(a, "ably-x"), []byte("#!/bin/sh\n"), 0o644)
	wantX := writePlugin(t, b, "x")
	writePlugin(t, c, "x")
	os.WriteFile(filepath.Join(c, "ably-noexec"), []byte("#!/bin/sh\n"), 0o644)
	dirs := []string{a, b, c}

	if got, err := Find("x", dirs); err != nil || got != wantX {
		t.Errorf("Find(x) = %q, %v; want %q (first executable, after a non-executable one)", got, err, wantX)
	}
	if got, err := Find("dir", dirs); err != nil || got != filepath.Join(b, "ably-dir") {
		t.Errorf("Find(dir) = %q, %v; want the file, not the directory", got, err)
	}
	_, err := Find("noexec", dirs)
	if exitcode.Of(err) != exitcode.NotExecutable || !strings.Contains(err.Error(), "chmod +x "+filepath.Join(c, "ably-noexec")) {
		t.Errorf("Find(noexec) error = %v (code %d), want 126 naming the file and chmod +x", err, exitcode.Of(err))
	}
	if _, err := Find("missing", dirs); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find(missing) error = %v, want ErrNotFound", err)
	}
}

func TestFindLongest(t *testing.T) {
	needShell(t)
	a, b := t.TempDir(), t.TempDir()
	foo := writePlugin(t, b, "apps-foo")
	fooBar := writePlugin(t, a, "apps-foo-bar")
	rulesFoo := writePlugin(t, a, "apps-channel-rules-foo")
	os.WriteFile(filepath.Join(a, "ably-apps-stale"), nil, 0o644)
	dirs := []string{a, b}
	cases := []struct {
		prefix, words string
		path          string
		used          int
	}{
		{"apps", "foo bar baz", fooBar, 2}, // the longest name wins, even from a later directory
		{"apps", "foo baz bar", foo, 1},    // words past the match are the plugin's arguments
		{"apps", "foo --json bar", foo, 1}, // a flag ends the words of the name
		{"apps", "foo ../bar", foo, 1},     // so does anything that cannot be in a name
		{"apps channel-rules", "foo x", rulesFoo, 1},
		{"", "apps foo bar", fooBar, 3},
		{"apps", "foo bar a b c d e f", fooBar, 2},
	}
	for _, c := range cases {
		path, used, err := FindLongest(strings.Fields(c.prefix), strings.Fields(c.words), dirs)
		if err != nil || path != c.path || used != c.used {
			t.Errorf("FindLongest(%q, %q) = %q, %d, %v; want %q, %d", c.prefix, c.words, path, used, err, c.path, c.used)
		}
	}
	long := writePlugin(t, a, "apps-a-b-c-d-e-f-g")
	if _, used, _ := FindLongest([]string{"apps"}, strings.Fields("a b c d e f g"), dirs); used != 0 {
		t.Errorf("a name of more than %d words was found (%s)", maxNameWords, long)
	}
	for _, words := range []string{"", "bar", "--foo", "Foo"} {
		if _, _, err := FindLongest([]string{"apps"}, strings.Fields(words), dirs); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindLongest(apps, %q) error = %v, want ErrNotFound", words, err)
		}
	}
	if _, _, err := FindLongest([]string{"apps"}, []string{"stale"}, dirs); exitcode.Of(err) != exitcode.NotExecutable {
		t.Errorf("a non-executable match: error %v, want exit 126", err)
	}
}

func TestWritableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	root := t.TempDir()
	want := map[os.FileMode]bool{0o755: false, 0o700: false, 0o775: true, 0o757: true, 0o777: true}
	var open []string
	var dirs []string
	for mode, isOpen := range want {
		d := filepath.Join(root, mode.String())
		os.Mkdir(d, 0o700)
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
		if isOpen {
			open = append(open, d)
		}
		fi, _ := os.Stat(d)
		if got := WritableByOthers(fi); got != isOpen {
			t.Errorf("mode %v: WritableByOthers = %v, want %v", mode, got, isOpen)
		}
	}
	slices.Sort(open)
	got := OpenDirs(append(dirs, filepath.Join(root, "missing")))
	slices.Sort(got)
	if !slices.Equal(got, open) {
		t.Errorf("OpenDirs = %q, want %q", got, open)
	}
}

// BenchmarkFind measures the lookup `ably <group>` does before exec, with the plugin in the
// last of ten directories.
func BenchmarkFind(b *testing.B) {
	needShell(b)
	var dirs []string
	for i := 0; i < 10; i++ {
		d := b.TempDir()
		writePlugin(b, d, "other")
		dirs = append(dirs, d)
	}
	writePlugin(b, dirs[9], "auth")
	sep := string(filepath.ListSeparator)
	b.ResetTimer()
	for b.Loop() {
		path := SearchDirs(strings.Join(dirs[:3], sep), dirs[3], strings.Join(dirs[4:], sep))
		if _, err := Find("auth", path); err != nil {
			b.Fatal(err)
		}
	}
}
