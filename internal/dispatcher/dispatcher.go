// Package dispatcher is the `ably` command. `ably [global flags] <group> [args...]` finds the
// executable ably-<group> (see package pluginpath) and replaces itself with it; a few
// built-in words (help, version, plugin, completion) are handled here instead.
//
// The common path, running a plugin, must stay cheap: no config read, no metadata call, no
// network. Only `ably help`, `ably plugin list` and completion look at every plugin.
package dispatcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/pluginpath"
	"github.com/ably/ably-suite/pkg/protocol"
	"github.com/ably/ably-suite/pkg/suggest"
)

// Env is everything Run takes from the outside world. Main fills it from the process; tests
// fill it by hand.
type Env struct {
	Args           []string // the arguments after the program name
	Stdout, Stderr io.Writer
	Environ        []string // KEY=VALUE pairs, as os.Environ returns them
	Executable     string   // absolute path of this ably binary; "" when unknown
	CacheDir       string   // the user's cache directory; "" disables the metadata cache

	// Exec runs the plugin at path with argv (argv[0] its base name) and environment env. On
	// Unix it replaces the process and returns only on failure; elsewhere it runs the plugin
	// to completion and returns its exit code. Tests replace it to record the call.
	Exec func(path string, argv, env []string) (int, error)
}

// Main is the ably binary: it runs the command line of the process and exits.
func Main() {
	exe, err := os.Executable()
	if err == nil {
		// Plugins installed next to the real binary are found even when ably is reached
		// through a symlink (e.g. from /usr/local/bin).
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
	} else {
		exe = ""
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = ""
	}
	os.Exit(Run(&Env{
		Args:       os.Args[1:],
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Environ:    os.Environ(),
		Executable: exe,
		CacheDir:   cache,
		Exec:       pluginpath.Exec,
	}))
}

// Run runs one ably command line and returns the exit status. Errors are printed on Stderr as
// one "ably: " line (plus hints for an unknown group), or with --json or --pretty-json
// anywhere on the line as the suite's JSON error object (protocol.ErrorBody).
func Run(e *Env) int {
	code, err := run(e)
	if err != nil {
		printError(e.Stderr, err, wantsJSON(e.Args))
		return exitcode.Of(err)
	}
	return code
}

// printError writes err as one "ably: " line, or as the suite's JSON error object.
func printError(w io.Writer, err error, asJSON bool) {
	if asJSON {
		f := protocol.ErrorFields{Message: err.Error(), ExitCode: exitcode.Of(err)}
		var e *exitcode.Error
		if errors.As(err, &e) {
			f.Code, f.StatusCode, f.Href = e.AblyCode, e.StatusCode, e.Href
		}
		writeJSON(w, protocol.ErrorBody{Error: f}, false)
		return
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(w, "ably: %s\n", msg)
	}
}

// wantsJSON reports whether args ask for JSON output: --json or --pretty-json before any
// "--", as the plugins read them.
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--pretty-json":
			return true
		}
	}
	return false
}

func run(e *Env) (int, error) {
	g, args, err := parseGlobals(e.Args)
	if err != nil {
		return 0, err
	}
	args = officialSpelling(args)
	if len(args) == 0 {
		return 0, cmdHelp(e, g, nil)
	}
	word, rest := args[0], args[1:]
	if b, ok := builtinTable()[word]; ok {
		return b.run(e, g, rest)
	}
	if err := checkGroup(word); err != nil {
		return 0, err
	}
	code, err := dispatch(e, g, word, rest)
	var unknown *unknownGroupError
	if errors.As(err, &unknown) && suggest.RunClosest(func(k string) string { return getenv(e.Environ, k) }) {
		if closest, ok := suggest.Closest(word, unknown.known); ok {
			fmt.Fprintf(e.Stderr, "ably: %q is not a command group; running %q, its closest match (%s=true)\n", word, closest, suggest.EnvNonInteractive)
			if b, ok := builtinTable()[closest]; ok {
				return b.run(e, g, rest)
			}
			return dispatch(e, g, closest, rest)
		}
	}
	return code, err
}

// unknownGroupError is the error for a group no plugin provides, with the words that would
// have run.
type unknownGroupError struct {
	err   error
	known []string
}

func (u *unknownGroupError) Error() string { return u.err.Error() }
func (u *unknownGroupError) Unwrap() error { return u.err }

// dispatch runs ably-<group> with args: stat, then exec. Nothing else happens on this path.
// Only when there is no ably-<group> at all does it look for a plugin adding a subcommand to
// the missing group (`ably foo bar` runs ably-foo-bar, longest match first) before giving up.
func dispatch(e *Env, g globals, group string, args []string) (int, error) {
	dirs := searchDirs(e)
	path, err := pluginpath.Find(group, dirs)
	if errors.Is(err, pluginpath.ErrNotFound) {
		var used int
		path, used, err = pluginpath.FindLongest([]string{group}, args, dirs)
		if errors.Is(err, pluginpath.ErrNotFound) {
			return 0, unknownGroup(e, group)
		}
		args = args[used:]
	}
	if err != nil {
		return 0, err
	}
	argv := append([]string{filepath.Base(path)}, args...)
	return e.Exec(path, argv, childEnv(e, g))
}

// checkGroup refuses a word that cannot be a group name, so that `ably ../x` or
// `ably /bin/sh` never becomes a path to run.
func checkGroup(word string) error {
	if protocol.ValidGroupName(word) {
		return nil
	}
	return exitcode.Usagef("%q is not a command group: a group is lower-case letters, digits and '-', starting with a letter (run 'ably help')", word)
}

// unknownGroup is the error for a group no plugin provides, with suggestions from the
// plugins that do exist and the built-ins.
func unknownGroup(e *Env, group string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown command group %q: no executable ably-%s in the plugin search path", group, group)
	known := knownNames(e)
	if s := suggest.Candidates(group, known); len(s) > 0 {
		b.WriteString("\n\nDid you mean this?\n")
		for _, name := range s {
			fmt.Fprintf(&b, "\t%s\n", name)
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString("\nRun 'ably help' to list the command groups, or 'ably plugin list' to see every plugin found.")
	return &unknownGroupError{err: exitcode.New(exitcode.NoPlugin, "%s", b.String()), known: known}
}

// knownNames is every word `ably <word>` can run: the built-ins and the plugins found, but
// not plugins adding a subcommand to another (ably-apps-foo is `ably apps foo`).
func knownNames(e *Env) []string {
	found := map[string]bool{}
	for _, c := range Discover(searchDirs(e)) {
		if c.info != nil {
			found[c.Name] = true
		}
	}
	names := builtinNames()
	for name := range found {
		if !extendsOther(name, found) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// extendsOther reports whether a dash-separated proper prefix of name is in names.
func extendsOther(name string, names map[string]bool) bool {
	for i := range len(name) {
		if name[i] == '-' && names[name[:i]] {
			return true
		}
	}
	return false
}

// searchDirs is pluginpath.SearchDirs for this process.
func searchDirs(e *Env) []string {
	return pluginpath.Dirs(func(k string) string { return getenv(e.Environ, k) }, e.Executable)
}

// childEnv is the environment a plugin runs with: ours, with the global flags turned into
// variables and ABLY_BIN pointing back at this binary (so a plugin can call `ably` itself).
func childEnv(e *Env, g globals) []string {
	set := append([]string(nil), g.env...)
	if e.Executable != "" {
		set = append(set, "ABLY_BIN="+e.Executable)
	}
	return setenv(e.Environ, set)
}

// getenv is os.Getenv over an environment list; the last definition wins, as for exec.
func getenv(environ []string, key string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// setenv returns environ with each KEY=VALUE of set replacing any other definition of KEY
// (the last one in set wins). syscall.Exec does not remove duplicates, so this must.
func setenv(environ, set []string) []string {
	if len(set) == 0 {
		return environ
	}
	last := map[string]int{}
	for i, kv := range set {
		k, _, _ := strings.Cut(kv, "=")
		last[k] = i
	}
	out := make([]string, 0, len(environ)+len(set))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, replaced := last[k]; !replaced {
			out = append(out, kv)
		}
	}
	for i, kv := range set {
		if k, _, _ := strings.Cut(kv, "="); last[k] == i {
			out = append(out, kv)
		}
	}
	return out
}
