// Package pluginpath is where the suite's plugins are found and how one is started, shared by
// the ably dispatcher (`ably <group>` runs ably-<group>) and by every group built on
// pkg/plugin (`ably apps foo` runs ably-apps-foo when apps has no command foo).
//
// It only stats files and reads directories: finding a plugin never runs anything.
package pluginpath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/protocol"
)

// Prefix starts the file name of every plugin: `ably auth` runs ably-auth.
const Prefix = "ably-"

// ErrNotFound is Find's error when no file of that name exists anywhere in the search path.
var ErrNotFound = errors.New("no such plugin")

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

// Find returns the file `ably <name>` runs: the first executable ably-<name> in dirs.
// When only non-executable files of that name exist the error names the first one and the
// fix (exit 126); when none exists at all it is ErrNotFound.
func Find(name string, dirs []string) (string, error) {
	file := FileName(name)
	var notExec string
	for _, dir := range dirs {
		path := filepath.Join(dir, file)
		fi, err := os.Stat(path)
		if err != nil || fi.IsDir() {
			continue
		}
		if IsExecutable(fi) {
			return path, nil
		}
		if notExec == "" {
			notExec = path
		}
	}
	if notExec != "" {
		return "", exitcode.New(exitcode.NotExecutable, "plugin %s is not executable (fix: chmod +x %s)", notExec, notExec)
	}
	return "", ErrNotFound
}

// maxNameWords bounds the words FindLongest tries as part of a plugin name, so a long
// command line costs a few stats, not one per word.
const maxNameWords = 6

// FindLongest finds the plugin for the command words prefix followed by words, preferring the
// most words, as kubectl does: for prefix [apps] and words [foo bar baz] it tries
// ably-apps-foo-bar-baz, then ably-apps-foo-bar, then ably-apps-foo. Only the leading words
// that can be part of a plugin name are tried (a flag or "../x" ends them), at most
// maxNameWords of them. used is how many
// of words the plugin's name took; the rest are its arguments. When none is found the error
// is ErrNotFound; a file found but not executable is Find's exit-126 error.
func FindLongest(prefix, words []string, dirs []string) (path string, used int, err error) {
	n := 0
	for n < len(words) && n < maxNameWords && protocol.ValidGroupName(words[n]) {
		n++
	}
	for ; n > 0; n-- {
		name := strings.Join(append(append([]string(nil), prefix...), words[:n]...), "-")
		path, err := Find(name, dirs)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		return path, n, err
	}
	return "", 0, ErrNotFound
}

// FileName is the file name of the plugin called name ("auth", or "apps-foo" for a
// subcommand plugin of apps).
func FileName(name string) string {
	if runtime.GOOS == "windows" {
		return Prefix + name + ".exe"
	}
	return Prefix + name
}

// NameOf returns the plugin name a file name stands for: "auth" for ably-auth.
func NameOf(file string) (string, bool) {
	name, ok := strings.CutPrefix(file, Prefix)
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

// IsExecutable reports whether fi (from os.Stat, so symlinks are followed) can be run: a
// regular file with an execute bit. On Windows the .exe name is what makes it executable.
func IsExecutable(fi fs.FileInfo) bool {
	if !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

// WritableByOthers reports whether users other than the owner may write to fi: its group or
// everyone. A plugin in such a directory (or such a file) could have been put there, or
// replaced, by anyone with an account on the machine.
func WritableByOthers(fi fs.FileInfo) bool {
	return runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0
}

// OpenDirs returns the directories of dirs that other users can write to (see
// WritableByOthers).
func OpenDirs(dirs []string) []string {
	var open []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && WritableByOthers(fi) {
			open = append(open, d)
		}
	}
	return open
}

// OpenDirWarning is the warning for one directory of OpenDirs.
func OpenDirWarning(dir string) string {
	return "plugin directory " + dir + " is writable by other users: anyone could add or replace an ably-<group> plugin there (fix: chmod go-w " + dir + ", or remove it from ABLY_PLUGIN_PATH/PATH)"
}

// Dirs is SearchDirs for an environment: ABLY_PLUGIN_PATH, the directory of the ably binary
// (exe: the dispatcher's own path, or for a plugin the ABLY_BIN the dispatcher set), PATH.
func Dirs(getenv func(string) string, exe string) []string {
	exeDir := ""
	if exe != "" {
		exeDir = filepath.Dir(exe)
	}
	return SearchDirs(getenv("ABLY_PLUGIN_PATH"), exeDir, getenv("PATH"))
}
