package dispatcher

import (
	"fmt"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// globalFlag is a flag accepted before the group. Flags with an env variable are handed to
// the plugin through the environment, so a plugin in any language sees them without parsing
// our command line.
type globalFlag struct {
	name  string // long name, without "--"
	short string // one-letter alias, without "-"; may be empty
	arg   string // the value's placeholder in help; empty for a boolean flag
	env   string // variable set for the plugin; empty for help and version
	usage string
}

var globalFlags = []globalFlag{
	{name: "profile", arg: "NAME", env: "ABLY_PROFILE", usage: "use this profile (account alias)"},
	{name: "config-dir", arg: "DIR", env: "ABLY_CLI_CONFIG_DIR", usage: "directory of the config file"},
	{name: "control-host", arg: "HOST", env: "ABLY_CONTROL_HOST", usage: "Control API host"},
	{name: "endpoint", arg: "URL", env: "ABLY_ENDPOINT", usage: "Ably endpoint for realtime and REST calls"},
	{name: "verbose", short: "v", env: "ABLY_VERBOSE", usage: "verbose output"},
	{name: "help", short: "h", usage: "show this help (same as 'ably help')"},
	{name: "version", usage: "show the version (same as 'ably version')"},
}

// globals is what the global flags asked for: KEY=VALUE pairs for the plugin's environment.
type globals struct {
	env []string
}

// parseGlobals consumes the flags before the first word. It returns the words left, with
// --help and --version rewritten to the built-ins they stand for.
func parseGlobals(args []string) (globals, []string, error) {
	var g globals
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return g, args[i+1:], nil
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			return g, args[i:], nil
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		f := lookupGlobal(arg, name)
		if f == nil {
			return g, nil, exitcode.Usagef("unknown global flag %s (global flags go before the group: %s)", flagName(arg), validGlobals())
		}
		switch {
		case f.name == "help":
			return g, append([]string{"help"}, args[i+1:]...), nil
		case f.name == "version":
			return g, append([]string{"version"}, args[i+1:]...), nil
		case f.arg == "":
			if hasValue {
				return g, nil, exitcode.Usagef("global flag --%s takes no value", f.name)
			}
			g.env = append(g.env, f.env+"=1")
		default:
			if !hasValue {
				if i+1 == len(args) {
					return g, nil, exitcode.Usagef("global flag --%s needs a value: --%s %s", f.name, f.name, f.arg)
				}
				i++
				value = args[i]
			}
			if value == "" {
				return g, nil, exitcode.Usagef("global flag --%s needs a non-empty value", f.name)
			}
			g.env = append(g.env, f.env+"="+value)
		}
	}
	return g, nil, nil
}

// lookupGlobal finds the flag arg (name is arg without dashes and "=value"): long names take
// "--", one-letter aliases "-".
func lookupGlobal(arg, name string) *globalFlag {
	long := strings.HasPrefix(arg, "--")
	for i := range globalFlags {
		f := &globalFlags[i]
		if (long && name == f.name) || (!long && f.short != "" && name == f.short) {
			return f
		}
	}
	return nil
}

// flagName is arg without any "=value", so a mistyped flag's value is not echoed back.
func flagName(arg string) string {
	name, _, _ := strings.Cut(arg, "=")
	return name
}

// validGlobals lists the global flags for an error message.
func validGlobals() string {
	names := make([]string, 0, len(globalFlags))
	for _, f := range globalFlags {
		n := "--" + f.name
		if f.short != "" {
			n = "-" + f.short + "/" + n
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// globalFlagsHelp is the global flags section of `ably help`.
func globalFlagsHelp() [][2]string {
	rows := make([][2]string, 0, len(globalFlags))
	for _, f := range globalFlags {
		left := "    --" + f.name
		if f.short != "" {
			left = "-" + f.short + ", --" + f.name
		}
		if f.arg != "" {
			left += " " + f.arg
		}
		usage := f.usage
		switch {
		case f.env != "" && f.arg == "":
			usage += fmt.Sprintf(" (%s=1)", f.env)
		case f.env != "":
			usage += fmt.Sprintf(" (%s)", f.env)
		}
		rows = append(rows, [2]string{left, usage})
	}
	return rows
}
