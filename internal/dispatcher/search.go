package dispatcher

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ably/ably-suite/pkg/pluginpath"
	"github.com/ably/ably-suite/pkg/protocol"
)

// Plugin statuses, as `ably plugin list` shows them.
const (
	statusOK      = "ok"
	statusInvalid = "invalid"
)

// Candidate is one file named ably-* found in the search path, with what ably thinks of it.
type Candidate struct {
	Name   string // the file name without "ably-" (and ".exe"): "auth", or "apps-foo"
	Path   string
	Status string // statusOK or statusInvalid
	Reason string // why it is invalid

	// Command is set for a subcommand plugin (ably-apps-foo when ably-apps exists): the words
	// that run it, ["apps", "foo"]; see placeSubcommands.
	Command []string

	Meta protocol.Metadata // filled in by fetchMetadata for a plugin that answered well

	info fs.FileInfo // from os.Stat: the metadata cache key is path, size and mtime
}

// runnable reports whether `ably <Name>` runs this file and ably may ask it for metadata.
func (c *Candidate) runnable() bool { return c.info != nil && c.Reason == "" }

// isSubcommand reports whether c adds a subcommand to another plugin's group.
func (c *Candidate) isSubcommand() bool { return len(c.Command) > 0 }

// displayName is how help and plugin list name c: "auth", or "apps foo".
func (c *Candidate) displayName() string {
	if c.isSubcommand() {
		return strings.Join(c.Command, " ")
	}
	return c.Name
}

// Discover lists every ably-* file in dirs, sorted by name and, for one name, in search
// order. A file is invalid when its name is not a group name or is a built-in, when it is
// not executable, when an earlier file of the same name is the one that runs, or when other
// users can write it or its directory (it still runs as `ably <name>`, but ably does not run
// it on its own for metadata). Discover only reads directories and stats files.
func Discover(dirs []string) []*Candidate {
	var all []*Candidate
	winner := map[string]string{} // name -> path of the file `ably <name>` runs
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // a PATH entry that does not exist is normal
		}
		dirOpen := false
		if fi, err := os.Stat(dir); err == nil {
			dirOpen = pluginpath.WritableByOthers(fi)
		}
		for _, ent := range entries {
			name, ok := pluginpath.NameOf(ent.Name())
			if !ok {
				continue
			}
			path := filepath.Join(dir, ent.Name())
			fi, err := os.Stat(path)
			if err != nil || fi.IsDir() {
				continue // a dangling symlink or a directory is not a plugin
			}
			c := &Candidate{Name: name, Path: path, Status: statusInvalid}
			switch {
			case !protocol.ValidGroupName(name):
				c.Reason = "bad name: the part after ably- must be lower-case letters, digits and '-', starting with a letter"
			case isBuiltin(name):
				c.Reason = "name is a built-in command: 'ably " + name + "' never runs it"
			case !pluginpath.IsExecutable(fi):
				c.Reason = "not executable (fix: chmod +x " + path + ")"
			case winner[name] != "":
				c.Reason = "shadowed by " + winner[name]
			default:
				winner[name] = path
				c.Status = statusOK
				c.info = fi
				switch {
				case dirOpen:
					c.Status, c.Reason = statusInvalid, "its directory is writable by other users, so ably does not run it for metadata (fix: chmod go-w "+dir+")"
				case pluginpath.WritableByOthers(fi):
					c.Status, c.Reason = statusInvalid, "the file is writable by other users, so ably does not run it for metadata (fix: chmod go-w "+path+")"
				}
			}
			all = append(all, c)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}
