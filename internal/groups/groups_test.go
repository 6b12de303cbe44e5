package groups

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/ably/ably-suite/pkg/protocol"
)

// TestRegistryMatchesTheTree fails when a cmd/ably-<group> binary exists that the registry
// does not list, or the other way round, and when a group's name disagrees with its plugin's.
func TestRegistryMatchesTheTree(t *testing.T) {
	dirs, err := filepath.Glob("../../cmd/ably-*")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, d := range dirs {
		onDisk = append(onDisk, filepath.Base(d))
	}
	var listed []string
	for _, g := range All() {
		listed = append(listed, g.Executable())
		if !protocol.ValidGroupName(g.Name) {
			t.Errorf("group name %q is not a valid group name", g.Name)
		}
		if got := g.Plugin().Metadata.Name; got != g.Name {
			t.Errorf("group %q: its plugin calls itself %q", g.Name, got)
		}
		if g.Main == nil {
			t.Errorf("group %q has no Main", g.Name)
		}
		if _, err := os.Stat(filepath.Join("../../cmd", g.Executable(), "main.go")); err != nil {
			t.Errorf("group %q has no binary: %v", g.Name, err)
		}
	}
	if !sort.StringsAreSorted(listed) {
		t.Errorf("groups are not sorted by name: %v", listed)
	}
	if !slices.Equal(listed, onDisk) {
		t.Errorf("registry lists %v; cmd/ holds %v", listed, onDisk)
	}
}
