package dispatcher

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/protocol"
)

// pluginPrefix starts the file name of every plugin: `ably auth` runs ably-auth.
const pluginPrefix = "ably-"

// errNoPlugin is Find's error when no file of that name exists anywhere in the search path.
var errNoPlugin = errors.New("no such plugin")

// SearchDirs lists the directories searched for plugins, in order: each entry of pluginPath
// (ABLY_PLUGIN_PATH), then exeDir (where the running ably lives, so a suite unpacked anywhere
// finds its own plugins), then each entry of path (PATH).
//
// Empty and relative entries ("", ".", "bin") are dropped: they would make what `ably x` runs
// depend on the current directory, so a file in a cloned repository could take over a
// command. A directory listed twice keeps its first position.
func SearchDirs(pluginPath, exeDir, path string) []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(dir string) {
		if dir == "" || !filepath.IsAbs(dir) {
			return
		}
		dir = filepath.Clean(dir)
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	for _, d := range filepath.SplitList(pluginPath) {
		add(d)
	}
	add(exeDir)
	for _, d := range filepath.SplitList(path) {
		add(d)
	}
	return dirs
}

// Find returns the file `ably <group>` runs: the first executable ably-<group> in dirs.
// When only non-executable files of that name exist the error names the first one and the
// fix (exit 126); when none exists at all it is errNoPlugin. Find only stats: it never runs
// anything.
func Find(group string, dirs []string) (string, error) {
	file := pluginFile(group)
	var notExec string
	for _, dir := range dirs {
		path := filepath.Join(dir, file)
		fi, err := os.Stat(path)
		if err != nil || fi.IsDir() {
			continue
		}
		if isExecutable(fi) {
			return path, nil
		}
		if notExec == "" {
			notExec = path
		}
	}
	if notExec != "" {
		return "", exitcode.New(exitcode.NotExecutable, "plugin %s is not executable (fix: chmod +x %s)", notExec, notExec)
	}
	return "", errNoPlugin
}

// pluginFile is the file name of group's plugin.
func pluginFile(group string) string {
	if runtime.GOOS == "windows" {
		return pluginPrefix + group + ".exe"
	}
	return pluginPrefix + group
}

// isExecutable reports whether fi (from os.Stat, so symlinks are followed) can be run: a
// regular file with an execute bit. On Windows the .exe name is what makes it executable.
func isExecutable(fi fs.FileInfo) bool {
	if !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

// Plugin statuses, as `ably plugin list` shows them.
const (
	statusOK      = "ok"
	statusInvalid = "invalid"
)

// Candidate is one file named ably-* found in the search path, with what ably thinks of it.
type Candidate struct {
	Name   string // the group: the file name without "ably-" (and ".exe")
	Path   string
	Status string // statusOK or statusInvalid
	Reason string // why it is invalid

	Meta protocol.Metadata // filled in by fetchMetadata for a plugin that answered well

	info fs.FileInfo // from os.Stat: the metadata cache key is path, size and mtime
}

// runnable reports whether `ably <Name>` runs this file (whatever its metadata says).
func (c *Candidate) runnable() bool { return c.info != nil && c.Reason == "" }

// Discover lists every ably-* file in dirs, sorted by name and, for one name, in search
// order. A file is invalid when its name is not a group name or is a built-in, when it is
// not executable, or when an earlier file of the same name is the one that runs. Discover
// only reads directories and stats files; fetchMetadata runs the valid ones.
func Discover(dirs []string) []*Candidate {
	var all []*Candidate
	winner := map[string]string{} // name -> path of the file `ably <name>` runs
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // a PATH entry that does not exist is normal
		}
		for _, ent := range entries {
			name, ok := pluginName(ent.Name())
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
			case !isExecutable(fi):
				c.Reason = "not executable (fix: chmod +x " + path + ")"
			case winner[name] != "":
				c.Reason = "shadowed by " + winner[name]
			default:
				winner[name] = path
				c.Status = statusOK
				c.info = fi
			}
			all = append(all, c)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// pluginName returns the group a plugin file name stands for.
func pluginName(file string) (string, bool) {
	name, ok := strings.CutPrefix(file, pluginPrefix)
	if !ok {
		return "", false
	}
	if runtime.GOOS == "windows" {
		name, ok = strings.CutSuffix(strings.ToLower(name), ".exe")
		if !ok {
			return "", false
		}
	}
	return name, true
}

// OpenDirs returns the directories of dirs that other users can write to: anyone with an
// account on the machine could put an ably-<group> there, or replace one, and so run code as
// whoever runs ably. `ably help` and `ably plugin list` warn about them.
func OpenDirs(dirs []string) []string {
	var open []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && fi.Mode().Perm()&0o002 != 0 {
			open = append(open, d)
		}
	}
	return open
}

// openDirWarning is the warning for one directory of OpenDirs.
func openDirWarning(dir string) string {
	return "plugin directory " + dir + " is writable by other users: anyone could add or replace an ably-<group> plugin there (fix: chmod o-w " + dir + ", or remove it from ABLY_PLUGIN_PATH/PATH)"
}
