package plugin

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
)

// Shell completion, as the dispatcher delegates it (see internal/dispatcher/complete.go):
//
//	ably-<group> <words>... [<current>] --generate-bash-completion
//
// <words> are the complete words after the group; <current>, the word under the cursor, is
// passed only when it starts with "-". The plugin prints one candidate a line, and the
// dispatcher keeps those that start with <current>. This is urfave/cli's convention, but its
// own implementation reads os.Args and gives up after "--", so the framework answers itself,
// from the command tree and the config file:
//
//   - a word starting with "-" completes the flags of the command (long names with "--",
//     one-letter aliases with "-"), leaving out those already given;
//   - after a flag that takes a value, --profile completes the profile aliases and --app the
//     app IDs and names the selected profile knows; other values complete nothing;
//   - otherwise, the subcommands of a command that has them, or the first argument of a
//     command whose ArgsUsage is ALIAS or [ALIAS] (a profile alias).
//
// A command with its own urfave/cli BashComplete function is left to urfave/cli, which calls
// it.
//
// Since <current> is not passed when it is empty, "--app" as the last word is read as a
// finished word waiting for its value, not as a flag name being typed.
const completionFlag = "--generate-bash-completion"

// argProfileAlias is the ArgsUsage placeholder of an argument that is a profile alias.
const argProfileAlias = "ALIAS"

// completing reports whether args (args[0] is the program) ask for completion that the
// framework answers: not for a command with a BashComplete function of its own.
func completing(app *cli.App, args []string) bool {
	if len(args) < 2 || args[len(args)-1] != completionFlag {
		return false
	}
	cmds := app.Commands
	for _, w := range args[1 : len(args)-1] {
		c := findCommand(cmds, w)
		if c == nil {
			break
		}
		if c.BashComplete != nil {
			return false
		}
		cmds = c.Subcommands
	}
	return true
}

// complete prints the candidates for the command line args (program, words, completion flag).
func complete(app *cli.App, env Env, args []string) {
	for _, c := range completions(app, env, args[1:len(args)-1]) {
		fmt.Fprintln(env.Stdout, c)
	}
}

func completions(app *cli.App, env Env, words []string) []string {
	// Walk the command words.
	cmds, flags := app.Commands, app.Flags
	var cmd *cli.Command
	i := 0
	for ; i < len(words); i++ {
		next := findCommand(cmds, words[i])
		if next == nil {
			break
		}
		cmd, cmds, flags = next, next.Subcommands, next.Flags
	}
	if cmd != nil && len(cmd.Subcommands) == 0 {
		cmds = nil
	}
	if cli.HelpFlag != nil && !app.HideHelp {
		flags = append(slices.Clone(flags), cli.HelpFlag) // urfave/cli adds it when it runs
	}
	rest := words[i:]
	var cur string
	if n := len(rest); n > 0 && strings.HasPrefix(rest[n-1], "-") {
		cur = rest[n-1]
	}
	flagsEnded := slices.Contains(rest[:max(len(rest)-1, 0)], "--")

	if cur != "" && !flagsEnded {
		name, value, hasValue := strings.Cut(strings.TrimLeft(cur, "-"), "=")
		f := flagNamed(flags, name)
		exact := f != nil && cur == spelled(name)
		switch {
		case hasValue:
			if f == nil || !takesValueFlag(f) {
				return nil
			}
			var out []string
			for _, v := range flagValues(env, f, rest) {
				if strings.HasPrefix(v, value) {
					out = append(out, cur[:len(cur)-len(value)]+v)
				}
			}
			return out
		case exact && takesValueFlag(f):
			return flagValues(env, f, rest)
		case !exact:
			return flagNames(flags, cur, rest[:len(rest)-1])
		}
		// A boolean flag, written out: what follows it.
	}
	if cmds != nil {
		if positionalCount(flags, rest) > 0 {
			return nil // a word that names no subcommand: nothing follows it
		}
		var out []string
		for _, c := range cmds {
			if !c.Hidden {
				out = append(out, c.Names()...)
			}
		}
		return out
	}
	if cmd != nil && positionalCount(flags, rest) == 0 && strings.Trim(cmd.ArgsUsage, "[]") == argProfileAlias {
		return profileAliases(env)
	}
	return nil
}

// flagNames lists the spellings of flags that start with cur, leaving out the flags already
// given in done (a flag given twice is an error unless it takes a list).
func flagNames(flags []cli.Flag, cur string, done []string) []string {
	var out []string
	for _, f := range flags {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		names := f.Names()
		if givenIn(names, done) && !isListFlag(f) {
			continue
		}
		for _, n := range names {
			if strings.HasPrefix(spelled(n), cur) {
				out = append(out, spelled(n))
			}
		}
	}
	return out
}

// spelled is a flag name as typed: "--" before a long name, "-" before a letter.
func spelled(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func givenIn(names, words []string) bool {
	for _, w := range words {
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if strings.HasPrefix(w, "-") && slices.Contains(names, name) {
			return true
		}
	}
	return false
}

func isListFlag(f cli.Flag) bool {
	switch f.(type) {
	case *cli.StringSliceFlag, *cli.IntSliceFlag, *cli.Int64SliceFlag, *cli.Float64SliceFlag:
		return true
	}
	return false
}

func takesValueFlag(f cli.Flag) bool {
	_, isBool := f.(*cli.BoolFlag)
	return !isBool
}

// positionalCount counts the arguments in words that are not flags or their values.
func positionalCount(flags []cli.Flag, words []string) int {
	n := 0
	for j := 0; j < len(words); j++ {
		w := words[j]
		if w == "--" {
			return n + len(words) - j - 1
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			n++
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if f := flagNamed(flags, name); f != nil && takesValueFlag(f) && !hasValue {
			j++
		}
	}
	return n
}

// flagValues are the candidates for the value of f: names from the config file for
// --profile and --app. words are the command's words so far, which may select a profile.
func flagValues(env Env, f cli.Flag, words []string) []string {
	switch f.Names()[0] {
	case FlagProfile:
		return profileAliases(env)
	case "app":
		return appNames(env, profileIn(words, env))
	}
	return nil
}

// profileIn is the profile the command line selects: --profile, else ABLY_PROFILE.
func profileIn(words []string, env Env) string {
	for j, w := range words {
		if v, ok := strings.CutPrefix(w, "--"+FlagProfile+"="); ok {
			return v
		}
		if w == "--"+FlagProfile && j+1 < len(words) {
			return words[j+1]
		}
	}
	return env.Getenv("ABLY_PROFILE")
}

// loadConfigForCompletion reads the config file, or nothing: completion never complains.
func loadConfigForCompletion(env Env) *config.File {
	dir, err := config.Dir(env.Getenv)
	if err != nil {
		return nil
	}
	f, err := config.Load(config.PathIn(dir))
	if err != nil {
		return nil
	}
	return f
}

func profileAliases(env Env) []string {
	f := loadConfigForCompletion(env)
	if f == nil {
		return nil
	}
	return completable(f.Aliases())
}

// appNames are the IDs and names of the apps the profile knows, IDs first.
func appNames(env Env, profile string) []string {
	f := loadConfigForCompletion(env)
	if f == nil {
		return nil
	}
	_, acct, found, err := f.Select(profile)
	if err != nil || !found {
		return nil
	}
	var ids, names []string
	for id, app := range acct.Apps {
		ids = append(ids, id)
		if app.AppName != "" {
			names = append(names, app.AppName)
		}
	}
	if acct.CurrentAppID != "" && !slices.Contains(ids, acct.CurrentAppID) {
		ids = append(ids, acct.CurrentAppID)
	}
	slices.Sort(ids)
	slices.Sort(names)
	return completable(append(ids, slices.Compact(names)...))
}

// completable keeps the words a shell can take as one candidate: no spaces, which the shell
// would split, and no control characters, which would reach the terminal.
func completable(words []string) []string {
	var out []string
	for _, w := range words {
		if w != "" && !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			out = append(out, w)
		}
	}
	return out
}
