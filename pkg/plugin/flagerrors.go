package plugin

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// badFlagValue rewrites a flag parse error into the suite's own message, which names the
// flag with two dashes and says what it wants: `--limit "abc": want a whole number from 1 to
// 1000`. ok is false when msg is not such an error.
func badFlagValue(flags []cli.Flag, msg string) (string, bool) {
	quoted, name, ok := parseBadValue(msg)
	if !ok {
		return "", false
	}
	f := flagNamed(flags, name)
	if f == nil {
		return fmt.Sprintf("--%s %s: not a value this flag takes", name, quoted), true
	}
	return fmt.Sprintf("--%s %s: want %s", f.Names()[0], quoted, wantedValue(f)), true
}

// parseBadValue reads the errors Go's flag package (under urfave/cli) returns for a value
// its flag cannot take: `invalid value "abc" for flag -limit: parse error`, and for a
// boolean `invalid boolean value "x" for -json: parse error`. quoted is the value as Go
// quoted it.
func parseBadValue(msg string) (quoted, name string, ok bool) {
	rest, found := strings.CutPrefix(msg, "invalid value ")
	sep := " for flag -"
	if !found {
		if rest, found = strings.CutPrefix(msg, "invalid boolean value "); !found {
			return "", "", false
		}
		sep = " for -"
	}
	// The value is quoted by %q, so the last separator ends it whatever it holds.
	i := strings.LastIndex(rest, sep)
	if i < 0 {
		return "", "", false
	}
	quoted, rest = rest[:i], rest[i+len(sep):]
	name, _, found = strings.Cut(rest, ": ")
	if !found || !strings.HasPrefix(quoted, `"`) {
		return "", "", false
	}
	return quoted, strings.TrimPrefix(name, "-"), true
}

func flagNamed(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// wantedValue describes the values flag f takes, from its type and the range its help
// states.
func wantedValue(f cli.Flag) string {
	usage := ""
	if d, ok := f.(cli.DocGenerationFlag); ok {
		usage = d.GetUsage()
	}
	switch f.(type) {
	case *cli.BoolFlag:
		return "true or false (the flag alone means true)"
	case *cli.IntFlag, *cli.Int64Flag:
		return "a whole number" + statedRange(usage)
	case *cli.UintFlag, *cli.Uint64Flag:
		if r := statedRange(usage); r != "" {
			return "a whole number" + r
		}
		return "a whole number, 0 or more"
	case *cli.Float64Flag:
		return "a number" + statedRange(usage)
	case *cli.DurationFlag:
		return "a duration such as 30s, 5m or 1h30m"
	case *cli.IntSliceFlag, *cli.Int64SliceFlag:
		return "whole numbers separated by commas"
	case *cli.Float64SliceFlag:
		return "numbers separated by commas"
	}
	return "a value of the form its help shows"
}

// statedRange is the range the usage text states, by the suite's convention "1 to 1000",
// "from 0 to 10" or "above 0", as " from A to B" or " above A", so that the error says what
// --help says; "" when it states none. The expressions are compiled here, on the error path,
// so that no run pays for them at start-up.
func statedRange(usage string) string {
	usage = strings.ReplaceAll(usage, "`", "")
	between := regexp.MustCompile(`(?:^|[^\w.-])(-?\d+) to (-?\d+)(?:[^\w.]|$)`)
	if m := between.FindStringSubmatch(usage); m != nil {
		return fmt.Sprintf(" from %s to %s", m[1], m[2])
	}
	if m := regexp.MustCompile(`\babove (-?\d+)\b`).FindStringSubmatch(usage); m != nil {
		return " above " + m[1]
	}
	return ""
}
