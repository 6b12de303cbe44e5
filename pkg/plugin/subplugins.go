package plugin

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/pluginpath"
	"github.com/ably/ably-suite/pkg/protocol"
)

// Subcommand plugins: third parties add `ably apps foo` by installing an executable
// ably-apps-foo in the plugin search path (package pluginpath), as kubectl plugins do.
//
//   - When a group has no command of that name, Main runs the plugin in place of the group,
//     with the arguments after the words of its name. The longest name wins: `ably apps foo
//     bar` prefers ably-apps-foo-bar to ably-apps-foo. The group's own commands (aliases and
//     `help` included) always win, so no plugin can replace `ably apps list`. Inside a command
//     group the words continue: `ably apps channel-rules foo` runs
//     ably-apps-channel-rules-foo.
//   - A subcommand plugin answers the metadata call (protocol.MetadataCommand) like any
//     plugin, with its name after ably- ("apps-foo"). `ably apps --help`, bare `ably apps` and
//     completion list it with its shortDescription; the dispatcher (`ably plugin list --json
//     apps`) finds and asks them, without credentials and never from a directory other users
//     can write.
//   - The group's metadata lists its own commands (protocol.Metadata.Commands), so the
//     dispatcher can show where each subcommand plugin goes and which never runs.

// reservedWords are command words the framework or urfave/cli answers at every level of a
// group, so no plugin may take them.
var reservedWords = []string{"help", "h", MetadataCommand}

// findSubcommandPlugin returns the plugin that args (args[0] the program name) should run
// instead of the group, and the argv to run it with, or "" when the group handles args
// itself. It walks the command words through the group's own commands and looks a plugin up
// only at the first word that names none; a flag or a leaf command ends the walk.
func findSubcommandPlugin(p Plugin, args []string, dirs func() []string) (path string, argv []string, err error) {
	if len(args) < 2 {
		return "", nil, nil
	}
	prefix, cmds, words := []string{p.Metadata.Name}, p.Commands, args[1:]
	for i, w := range words {
		if strings.HasPrefix(w, "-") || isReservedWord(w) {
			return "", nil, nil
		}
		cmd := findCommand(cmds, w)
		if cmd == nil {
			path, used, err := pluginpath.FindLongest(prefix, words[i:], dirs())
			if errors.Is(err, pluginpath.ErrNotFound) {
				return "", nil, nil // urfave/cli reports the unknown command
			}
			if err != nil {
				return "", nil, err
			}
			return path, append([]string{filepath.Base(path)}, words[i+used:]...), nil
		}
		if len(cmd.Subcommands) == 0 {
			return "", nil, nil
		}
		prefix, cmds = append(prefix, cmd.Name), cmd.Subcommands
	}
	return "", nil, nil
}

func isReservedWord(w string) bool {
	for _, r := range reservedWords {
		if w == r {
			return true
		}
	}
	return false
}

// searchDirs is the plugin search path a group uses: the dispatcher's (package
// pluginpath), with the directory of the ably binary taken from ABLY_BIN.
func searchDirs(getenv func(string) string) []string {
	return pluginpath.Dirs(getenv, getenv("ABLY_BIN"))
}

// execSubcommandPlugin is Main's first step: when args name a subcommand plugin, the process
// becomes that plugin (its exit status passes through) and this returns only if it could not
// be started, with the exit code to leave with. ok is false when the group runs args itself;
// that costs a walk over the command words and nothing more.
func execSubcommandPlugin(p Plugin, env Env, args, environ []string) (code int, ok bool) {
	path, argv, err := findSubcommandPlugin(p, args, func() []string { return searchDirs(env.Getenv) })
	if err == nil && path == "" {
		return 0, false
	}
	if err == nil {
		code, err = pluginpath.Exec(path, argv, environ)
	}
	if err != nil {
		printer := newPrinter(env, jsonFormatIn(args), false, "ably "+p.Metadata.Name)
		printer.Error(err)
		return exitcode.Of(err), true
	}
	return code, true
}

// commandPaths lists cmds and their subcommands as protocol.Metadata.Commands does: every
// name and alias, after the words of its parents.
func commandPaths(cmds []*cli.Command, parent string) []string {
	var paths []string
	for _, c := range cmds {
		if c.Name == MetadataCommand {
			continue
		}
		for _, name := range c.Names() {
			path := strings.TrimSpace(parent + " " + name)
			paths = append(paths, path)
			paths = append(paths, commandPaths(c.Subcommands, path)...)
		}
	}
	return paths
}

// listingTimeout bounds asking the dispatcher for the subcommand plugins: it runs their
// metadata calls (each bounded by its own timeout, in parallel) unless they are cached.
const listingTimeout = 5 * time.Second

// addSubcommandPlugins adds the group's subcommand plugins to app as commands, so that the
// group's help and completion list them, when args ask for a list of commands: no command
// words after a command group (its help), --help, `help`, or completion. Any other args cost
// nothing. The plugins come from the dispatcher at ABLY_BIN (`ably plugin list --json
// <group>`), which applies the suite's rules for running plugins; without ABLY_BIN (the group
// run directly) none are listed.
func addSubcommandPlugins(app *cli.App, name string, args []string, env Env) {
	if !listsCommands(app, args) {
		return
	}
	ably := env.Getenv("ABLY_BIN")
	if ably == "" || !filepath.IsAbs(ably) {
		return
	}
	for _, sub := range askDispatcher(ably, name, env.Getenv) {
		words := strings.Fields(sub.Name)
		if len(words) < 2 || words[0] != name {
			continue
		}
		parent := &app.Commands
		for _, w := range words[1 : len(words)-1] {
			cmd := findCommand(*parent, w)
			if cmd == nil || len(cmd.Subcommands) == 0 {
				parent = nil
				break
			}
			parent = &cmd.Subcommands
		}
		last := words[len(words)-1]
		if parent == nil || findCommand(*parent, last) != nil {
			continue
		}
		*parent = append(*parent, &cli.Command{
			Name:            last,
			Usage:           sub.Description,
			Category:        "Commands added by plugins",
			SkipFlagParsing: true,
		})
	}
}

// listsCommands reports whether args ask the group, or one of its command groups, for its
// list of commands.
func listsCommands(app *cli.App, args []string) bool {
	rest := args[1:]
	if n := len(rest); n > 0 && rest[n-1] == "--generate-bash-completion" {
		rest = rest[:n-1]
	}
	cmds := app.Commands
	for len(rest) > 0 {
		cmd := findCommand(cmds, rest[0])
		if cmd == nil || len(cmd.Subcommands) == 0 {
			break
		}
		cmds, rest = cmd.Subcommands, rest[1:]
	}
	switch {
	case len(rest) == 0:
		return true
	case len(rest) == 1:
		return rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help" || rest[0] == "h"
	}
	return false
}

// listedPlugin is the part of an entry of `ably plugin list --json` that a group reads.
type listedPlugin struct {
	Name        string `json:"name"` // "apps foo"
	Group       string `json:"group"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

// askDispatcher runs `ably plugin list --json <group>` and returns the valid subcommand
// plugins of group. Any failure lists none: help still works without them. It starts the
// process itself rather than through os/exec, which would add its weight to every group's
// binary for this one call.
func askDispatcher(ably, group string, getenv func(string) string) []listedPlugin {
	out, err := runForOutput(ably, []string{"ably", "plugin", "list", "--json", group}, listingEnv(getenv), listingTimeout)
	if err != nil {
		return nil
	}
	var list struct {
		Plugins []listedPlugin `json:"plugins"`
	}
	if json.Unmarshal(out, &list) != nil {
		return nil
	}
	var subs []listedPlugin
	for _, p := range list.Plugins {
		if p.Group == group && p.Status == "ok" {
			subs = append(subs, p)
		}
	}
	return subs
}

// maxListing caps what askDispatcher reads.
const maxListing = 1 << 20

// runForOutput runs path with argv and env, stdin and stderr /dev/null, and returns its
// stdout. A process still writing after timeout, or writing more than maxListing, is killed.
func runForOutput(path string, argv, env []string, timeout time.Duration) ([]byte, error) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	proc, err := os.StartProcess(path, argv, &os.ProcAttr{Env: env, Files: []*os.File{null, w, null}})
	w.Close()
	if err != nil {
		return nil, err
	}
	r.SetReadDeadline(time.Now().Add(timeout))
	out, readErr := io.ReadAll(io.LimitReader(r, maxListing+1))
	if readErr != nil || len(out) > maxListing {
		proc.Kill()
	}
	state, waitErr := proc.Wait()
	switch {
	case readErr != nil:
		return nil, readErr
	case len(out) > maxListing:
		return nil, errors.New("too much output")
	case waitErr != nil:
		return nil, waitErr
	case !state.Success():
		return nil, errors.New(state.String())
	}
	return out, nil
}

// listingVariables are what the dispatcher needs to find and ask the plugins as `ably help`
// would: the search path, its cache, the metadata timeout, and what programs need to start.
// Nothing else of the group's environment is passed on, credentials least of all.
var listingVariables = []string{
	"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "XDG_CACHE_HOME", "ABLY_PLUGIN_PATH",
	"ABLY_PLUGIN_METADATA_TIMEOUT", "SYSTEMROOT", "LOCALAPPDATA",
}

func listingEnv(getenv func(string) string) []string {
	var env []string
	for _, k := range listingVariables {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return protocol.WithoutSecrets(env)
}
