package plugin

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// The errors Go's flag package (under urfave/cli) returns for a value its flag cannot take.
var badValueErrors = []*regexp.Regexp{
	regexp.MustCompile(`^invalid value (".*") for flag -+([^:\s]+): `),
	regexp.MustCompile(`^invalid boolean value (".*") for -+([^:\s]+): `),
}

// badFlagValue rewrites a flag parse error into the suite's own message, which names the
// flag with two dashes and says what it wants: `--limit "abc": want a whole number from 1 to
// 1000`. ok is false when err is not such an error.
func badFlagValue(flags []cli.Flag, msg string) (string, bool) {
	for _, re := range badValueErrors {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		quoted, name := m[1], m[2]
		f := flagNamed(flags, name)
		if f == nil {
			return fmt.Sprintf("--%s %s: not a value this flag takes", name, quoted), true
		}
		return fmt.Sprintf("--%s %s: want %s", f.Names()[0], quoted, wantedValue(f)), true
	}
	return "", false
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

// The ranges a flag's help states, by the suite's convention: "1 to 1000", "from 0 to 10",
// "above 0".
var (
	rangeInUsage = regexp.MustCompile(`(?:^|[^\w.-])(-?\d+) to (-?\d+)(?:[^\w.]|$)`)
	aboveInUsage = regexp.MustCompile(`\babove (-?\d+)\b`)
)

// statedRange is the range the usage text states, as " from A to B" or " above A", so that
// the error says what --help says; "" when it states none.
func statedRange(usage string) string {
	usage = strings.ReplaceAll(usage, "`", "")
	if m := rangeInUsage.FindStringSubmatch(usage); m != nil {
		return fmt.Sprintf(" from %s to %s", m[1], m[2])
	}
	if m := aboveInUsage.FindStringSubmatch(usage); m != nil {
		return " above " + m[1]
	}
	return ""
}
