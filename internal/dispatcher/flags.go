package dispatcher

import (
	"fmt"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/protocol"
)

// globalFlag is a flag accepted before the group: one that reaches the plugin as an
// environment variable (protocol.GlobalFlags, the one list plugins' help shows too), or
// --help and --version, which have no variable and stand for the built-ins.
type globalFlag = protocol.GlobalFlag

// globalFlags are every flag accepted before the group, in the order help lists them.
func globalFlags() []globalFlag {
	return append(protocol.GlobalFlags(),
		globalFlag{Name: "help", Short: "h", Usage: "show this help (same as 'ably help')"},
		globalFlag{Name: "version", Usage: "show the version (same as 'ably version')"},
	)
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
		case f.Name == "help":
			return g, append([]string{"help"}, args[i+1:]...), nil
		case f.Name == "version":
			return g, append([]string{"version"}, args[i+1:]...), nil
		case f.Arg == "":
			if hasValue {
				return g, nil, exitcode.Usagef("global flag --%s takes no value", f.Name)
			}
			g.env = append(g.env, f.Env+"=1")
		default:
			if !hasValue {
				if i+1 == len(args) {
					return g, nil, exitcode.Usagef("global flag --%s needs a value: --%s %s", f.Name, f.Name, f.Arg)
				}
				i++
				value = args[i]
			}
			if value == "" {
				return g, nil, exitcode.Usagef("global flag --%s needs a non-empty value", f.Name)
			}
			g.env = append(g.env, f.Env+"="+value)
		}
	}
	return g, nil, nil
}

// lookupGlobal finds the flag arg (name is arg without dashes and "=value"): long names take
// "--", one-letter aliases "-".
func lookupGlobal(arg, name string) *globalFlag {
	long := strings.HasPrefix(arg, "--")
	for _, f := range globalFlags() {
		if (long && name == f.Name) || (!long && f.Short != "" && name == f.Short) {
			return &f
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
	names := make([]string, 0, len(globalFlags()))
	for _, f := range globalFlags() {
		n := "--" + f.Name
		if f.Short != "" {
			n = "-" + f.Short + "/" + n
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// globalFlagsHelp is the global flags section of `ably help`.
func globalFlagsHelp() [][2]string {
	rows := make([][2]string, 0, len(globalFlags()))
	for _, f := range globalFlags() {
		left := "    --" + f.Name
		if f.Short != "" {
			left = "-" + f.Short + ", --" + f.Name
		}
		if f.Arg != "" {
			left += " " + f.Arg
		}
		usage := f.Usage
		switch {
		case f.Env != "" && f.Arg == "":
			usage += fmt.Sprintf(" (%s=1)", f.Env)
		case f.Env != "":
			usage += fmt.Sprintf(" (%s)", f.Env)
		}
		rows = append(rows, [2]string{left, usage})
	}
	return rows
}
