package dispatcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
