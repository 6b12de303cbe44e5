package dispatcher

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/pluginpath"
	"github.com/ably/ably-suite/pkg/termtext"
)

// builtin is a word ably handles itself. Built-ins win over plugins: a plugin file named
// ably-help is reported invalid and never run.
type builtin struct {
	usage  string // arguments, for help
	short  string // one line, for help; empty hides the built-in
	run    func(e *Env, g globals, args []string) (int, error)
	detail string // more help, for `ably help <builtin>`
}

// builtinTable is the table of built-ins. A function rather than a variable: the help
// built-in refers back to the table, which a package-level variable could only do through
// init-time assignment.
func builtinTable() map[string]builtin {
	return map[string]builtin{
		"help": {
			usage: "[group [args...]]",
			short: "show this help, or a group's help",
			run: func(e *Env, g globals, args []string) (int, error) {
				if len(args) == 0 {
					return 0, cmdHelp(e, g, nil)
				}
				return helpGroup(e, g, args)
			},
			detail: "'ably help' lists the global flags, every command group with its description, the\n" +
				"built-in commands and any plugin found that cannot be used, with the reason.\n" +
				"'ably help <group> [args...]' runs the group's plugin with --help.",
		},
		"version": {
			usage:  "[--json|--pretty-json]",
			short:  "show the suite's version",
			run:    cmdVersion,
			detail: "Prints the suite version, the Go version it was built with, and the OS and architecture.",
		},
		"plugin": {
			usage: "list [--json|--pretty-json] [GROUP]",
			short: "list every plugin found, with its status",
			run:   cmdPlugin,
			detail: "'ably plugin list' shows every file named ably-* in the plugin search path:\n" +
				"ABLY_PLUGIN_PATH, then the directory of the ably binary, then PATH (absolute entries only).\n" +
				"The first executable ably-<group> is the one 'ably <group>' runs; later ones are shadowed.\n" +
				"A plugin ably-<group>-<name> adds the subcommand 'ably <group> <name>' to an existing group\n" +
				"(listed as \"<group> <name>\"); the group's own commands win over it. With GROUP, only that\n" +
				"group's plugin and its subcommand plugins are listed.\n" +
				"Plugins are asked for their metadata without credentials in their environment, and those\n" +
				"in a file or directory other users can write are not asked at all.",
		},
		"completion": {
			usage:  "bash|zsh|fish",
			short:  "print a shell completion script",
			run:    cmdCompletion,
			detail: completionHelp,
		},
		"config": {
			usage: "path|show [--show-secret] [--json|--pretty-json]",
			short: "show where the config file is, or what it holds",
			run:   cmdConfig,
			detail: "'ably config path' prints the config file's path (--config-dir, ABLY_CLI_CONFIG_DIR, else\n" +
				"~/.ably/config), which it shares with Ably's official CLI. 'ably config show' prints the file\n" +
				"with access tokens, refresh tokens and API key secrets masked, unless --show-secret.",
		},
		"env": {
			usage:  "[NAME] [--json|--pretty-json]",
			short:  "list the environment variables the suite reads",
			run:    cmdEnv,
			detail: "Lists every environment variable the suite reads, with its meaning, and says which are set\n(never their values). With NAME, that one only.",
		},
		"__complete": {run: cmdComplete}, // hidden: the completion scripts call it
	}
}

// isBuiltin reports whether name is a built-in word (and so never a plugin).
func isBuiltin(name string) bool {
	_, ok := builtinTable()[name]
	return ok
}

// builtinNames lists the visible built-ins, sorted.
func builtinNames() []string {
	var names []string
	for name, b := range builtinTable() {
		if b.short != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// wantsHelp reports whether args is a request for a built-in's own help.
func wantsHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "--help" || args[0] == "-h")
}

// builtinHelp prints `ably help <name>` for a built-in.
func builtinHelp(w io.Writer, name string) {
	b := builtinTable()[name]
	fmt.Fprintf(w, "Usage: ably %s %s\n\n%s\n\n%s\n", name, b.usage, upperFirst(b.short)+".", b.detail)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// cmdHelp prints the overview: usage, global flags, plugins with descriptions, built-ins
// and invalid plugins. It is the only output besides `plugin list` that runs every plugin
// (for its metadata).
func cmdHelp(e *Env, g globals, _ []string) error {
	cands := discoverWithMetadata(e, g, "")
	for _, d := range pluginpath.OpenDirs(searchDirs(e)) {
		fmt.Fprintf(e.Stderr, "ably: warning: %s\n", pluginpath.OpenDirWarning(d))
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 0, 3, ' ', 0)
	fmt.Fprintf(w, "Usage: ably [global flags] <group> [args...]\n")
	fmt.Fprintf(w, "       ably <built-in command>\n\n")
	fmt.Fprintf(w, "Global flags (before the group; the plugin gets them as environment variables):\n")
	for _, row := range globalFlagsHelp() {
		fmt.Fprintf(w, "  %s\t%s\n", row[0], row[1])
	}
	fmt.Fprintf(w, "\nCommand groups:\n")
	n := 0
	subs := 0
	for _, c := range cands {
		if c.Status == statusOK && !c.isSubcommand() {
			fmt.Fprintf(w, "  %s\t%s\n", c.Name, termtext.Safe(c.Meta.ShortDescription))
			n++
		}
		if c.Status == statusOK && c.isSubcommand() {
			subs++
		}
	}
	if n == 0 {
		fmt.Fprintf(w, "  (none found: install plugins named ably-<group> in ABLY_PLUGIN_PATH or PATH)\n")
	}
	if subs > 0 {
		fmt.Fprintf(w, "\nSubcommands added by plugins:\n")
		for _, c := range cands {
			if c.Status == statusOK && c.isSubcommand() {
				fmt.Fprintf(w, "  %s\t%s\n", c.displayName(), termtext.Safe(c.Meta.ShortDescription))
			}
		}
	}
	fmt.Fprintf(w, "\nBuilt-in commands:\n")
	for _, name := range builtinNames() {
		b := builtinTable()[name]
		fmt.Fprintf(w, "  %s %s\t%s\n", name, b.usage, b.short)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	w = tabwriter.NewWriter(e.Stdout, 0, 0, 3, ' ', 0)
	first := true
	for _, c := range cands {
		if c.Status == statusOK {
			continue
		}
		if first {
			fmt.Fprintf(w, "\nInvalid plugins (not listed above; see 'ably plugin list'):\n")
			first = false
		}
		fmt.Fprintf(w, "  %s\t%s\n", termtext.Safe(c.Path), termtext.Safe(c.Reason))
	}
	fmt.Fprintf(w, "\nRun 'ably help <group>' for a group's commands.\n")
	return w.Flush()
}

// helpGroup shows a group's help: the built-in's own text, or the plugin run with --help
// (exec'd like a normal dispatch, so the plugin owns its help entirely).
func helpGroup(e *Env, g globals, args []string) (int, error) {
	group := args[0]
	if isBuiltin(group) && builtinTable()[group].short != "" {
		builtinHelp(e.Stdout, group)
		return 0, nil
	}
	if err := checkGroup(group); err != nil {
		return 0, err
	}
	return dispatch(e, g, group, append(args[1:len(args):len(args)], "--help"))
}

// versionInfo is what `ably version --json` prints:
//
//	{"version":"v1.2.3","commit":"0123abcd...","go":"go1.26.8","os":"linux","arch":"amd64"}
//
// version is the main module's version, "(devel)" for a build from a work tree; commit is
// present when the build recorded one.
type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	return v
}

func cmdVersion(e *Env, _ globals, args []string) (int, error) {
	if wantsHelp(args) {
		builtinHelp(e.Stdout, "version")
		return 0, nil
	}
	format, rest, err := jsonFlags("version", args)
	if err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		return 0, exitcode.Usagef("unexpected argument %q: usage: %s", rest[0], builtinUsage("version"))
	}
	v := buildVersion()
	if format != humanFormat {
		return 0, writeJSON(e.Stdout, v, format == prettyJSONFormat)
	}
	commit := ""
	if v.Commit != "" {
		commit = " (" + v.Commit[:min(12, len(v.Commit))] + ")"
	}
	_, err = fmt.Fprintf(e.Stdout, "ably %s%s %s %s/%s\n", v.Version, commit, v.Go, v.OS, v.Arch)
	return 0, err
}

// The output formats of the built-ins, chosen by --json and --pretty-json.
const (
	humanFormat = iota
	jsonFormat
	prettyJSONFormat
)

// jsonFlags takes --json and --pretty-json out of args (they exclude each other) and returns
// the format and the other arguments. Any other flag is a usage error.
func jsonFlags(cmd string, args []string) (format int, rest []string, err error) {
	for _, a := range args {
		switch {
		case a == "--json" || a == "--pretty-json":
			f := jsonFormat
			if a == "--pretty-json" {
				f = prettyJSONFormat
			}
			if format != humanFormat && format != f {
				return 0, nil, exitcode.Usagef("--json and --pretty-json cannot be used together: choose one")
			}
			format = f
		case strings.HasPrefix(a, "-"):
			return 0, nil, exitcode.Usagef("unknown flag %s: usage: %s", flagName(a), builtinUsage(cmd))
		default:
			rest = append(rest, a)
		}
	}
	return format, rest, nil
}

// builtinUsage is the usage line of a built-in, for error messages: "ably version [--json]".
func builtinUsage(name string) string {
	return "ably " + name + " " + builtinTable()[name].usage
}

// writeJSON writes v as one JSON document, compact or indented.
func writeJSON(w io.Writer, v any, pretty bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// pluginList is what `ably plugin list --json` prints, one compact document (indented with
// --pretty-json):
//
//	{"searchPath":["/home/me/.ably/plugins","/usr/local/bin"],
//	 "plugins":[{"name":"auth","path":"/usr/local/bin/ably-auth","status":"ok","reason":"",
//	             "version":"1.0.0","vendor":"Ably","description":"Issue and revoke tokens"},
//	            {"name":"apps foo","path":"/usr/local/bin/ably-apps-foo",...,"group":"apps"}],
//	 "warnings":[]}
//
// Plugins are sorted by file name and, for one name, in search order. name is the words that
// run the plugin after `ably`. status is "ok" or "invalid"; reason says why a plugin is
// invalid. version, vendor and description come from the plugin's metadata and are empty when
// it gave none. Every field is always present but group, which only a plugin adding a
// subcommand to a group has: that group.
type pluginList struct {
	SearchPath []string          `json:"searchPath"`
	Plugins    []pluginListEntry `json:"plugins"`
	Warnings   []string          `json:"warnings"`
}

type pluginListEntry struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
	Version     string `json:"version"`
	Vendor      string `json:"vendor"`
	Description string `json:"description"`
	Group       string `json:"group,omitempty"`
}

func cmdPlugin(e *Env, g globals, args []string) (int, error) {
	if len(args) == 0 {
		return 0, exitcode.Usagef("missing subcommand: usage: %s", builtinUsage("plugin"))
	}
	if wantsHelp(args) {
		builtinHelp(e.Stdout, "plugin")
		return 0, nil
	}
	if args[0] != "list" {
		return 0, exitcode.Usagef("unknown subcommand %q: usage: %s", args[0], builtinUsage("plugin"))
	}
	if wantsHelp(args[1:]) {
		builtinHelp(e.Stdout, "plugin")
		return 0, nil
	}
	format, rest, err := jsonFlags("plugin", args[1:])
	if err != nil {
		return 0, err
	}
	group := ""
	switch {
	case len(rest) > 1:
		return 0, exitcode.Usagef("unexpected argument %q: usage: %s", rest[1], builtinUsage("plugin"))
	case len(rest) == 1:
		if err := checkGroup(rest[0]); err != nil {
			return 0, err
		}
		group = rest[0]
	}
	list := pluginList{SearchPath: searchDirs(e), Plugins: []pluginListEntry{}, Warnings: []string{}}
	if list.SearchPath == nil {
		list.SearchPath = []string{}
	}
	for _, d := range pluginpath.OpenDirs(list.SearchPath) {
		list.Warnings = append(list.Warnings, pluginpath.OpenDirWarning(d))
	}
	for _, c := range discoverWithMetadata(e, g, group) {
		entry := pluginListEntry{Name: c.displayName(), Path: c.Path, Status: c.Status, Reason: c.Reason}
		if c.isSubcommand() {
			entry.Group = c.Command[0]
		}
		if c.Status == statusOK {
			entry.Version, entry.Vendor, entry.Description = c.Meta.Version, c.Meta.Vendor, c.Meta.ShortDescription
		}
		list.Plugins = append(list.Plugins, entry)
	}
	if format != humanFormat {
		return 0, writeJSON(e.Stdout, list, format == prettyJSONFormat)
	}
	for _, w := range list.Warnings {
		fmt.Fprintf(e.Stderr, "ably: warning: %s\n", w)
	}
	if len(list.Plugins) == 0 {
		_, err := fmt.Fprintf(e.Stdout, "No plugins found. Searched: %s\n", strings.Join(list.SearchPath, string(filepath.ListSeparator)))
		return 0, err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "NAME\tSTATUS\tVERSION\tVENDOR\tPATH\tDESCRIPTION / REASON\n")
	for _, p := range list.Plugins {
		detail := p.Description
		if p.Status != statusOK {
			detail = p.Reason
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Status, termtext.Safe(dash(p.Version)), termtext.Safe(dash(p.Vendor)), termtext.Safe(p.Path), termtext.Safe(detail))
	}
	return 0, w.Flush()
}

// dash stands in for an empty table cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
