package dispatcher

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

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
	writePlugin(t, b, "dir", "")
	os.WriteFile(filepath.Join(a, "ably-x"), []byte("#!/bin/sh\n"), 0o644)
	wantX := writePlugin(t, b, "x", "")
	writePlugin(t, c, "x", "")
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
	if _, err := Find("missing", dirs); !errors.Is(err, errNoPlugin) {
		t.Errorf("Find(missing) error = %v, want errNoPlugin", err)
	}
}

func TestDiscover(t *testing.T) {
	needShell(t)
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	os.Mkdir(a, 0o755)
	os.Mkdir(b, 0o755)
	first := writePlugin(t, a, "x", "")
	second := writePlugin(t, b, "x", "")
	writePlugin(t, a, "Foo", "")
	writePlugin(t, a, "help", "")
	writePlugin(t, b, "ok", "")
	os.WriteFile(filepath.Join(a, "ably-plain"), nil, 0o644)
	os.WriteFile(filepath.Join(a, "other"), nil, 0o755)
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(a, "ably-dangling"))

	type row struct{ name, path, status, reason string }
	var got []row
	for _, c := range Discover([]string{a, b, filepath.Join(root, "missing")}) {
		got = append(got, row{c.Name, c.Path, c.Status, c.Reason})
	}
	want := []row{
		{"Foo", filepath.Join(a, "ably-Foo"), statusInvalid, "bad name"},
		{"help", filepath.Join(a, "ably-help"), statusInvalid, "name is a built-in command"},
		{"ok", filepath.Join(b, "ably-ok"), statusOK, ""},
		{"plain", filepath.Join(a, "ably-plain"), statusInvalid, "not executable (fix: chmod +x"},
		{"x", first, statusOK, ""},
		{"x", second, statusInvalid, "shadowed by " + first},
	}
	if len(got) != len(want) {
		t.Fatalf("Discover found %v, want %v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.name != w.name || g.path != w.path || g.status != w.status || !strings.HasPrefix(g.reason, w.reason) || (w.reason == "") != (g.reason == "") {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
}

// BenchmarkFind measures the lookup `ably <group>` does before exec, with the plugin in the
// last of ten directories.
func BenchmarkFind(b *testing.B) {
	needShell(b)
	var dirs []string
	for i := 0; i < 10; i++ {
		d := b.TempDir()
		writePlugin(b, d, "other", "")
		dirs = append(dirs, d)
	}
	writePlugin(b, dirs[9], "auth", "")
	sep := string(filepath.ListSeparator)
	b.ResetTimer()
	for b.Loop() {
		path := SearchDirs(strings.Join(dirs[:3], sep), dirs[3], strings.Join(dirs[4:], sep))
		if _, err := Find("auth", path); err != nil {
			b.Fatal(err)
		}
	}
}
