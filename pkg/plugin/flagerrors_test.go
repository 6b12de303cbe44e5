package plugin

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestBadFlagValues(t *testing.T) {
	p := Plugin{
		Metadata: Metadata{Name: "demo", Vendor: "Test", ShortDescription: "Demo plugin"},
		Commands: []*cli.Command{{
			Name:   "do",
			Action: func(*cli.Context) error { return nil },
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "limit", Usage: "show at most `N` (1 to 1000)"},
				&cli.IntFlag{Name: "retries", Usage: "maximum retries, `N` from 0 to 10"},
				&cli.IntFlag{Name: "max-length", Usage: "the most messages, `N` above 0"},
				&cli.IntFlag{Name: "count", Usage: "how many (say 5 or 6 to 7.5 apples)"},
				&cli.UintFlag{Name: "size"},
				&cli.Float64Flag{Name: "ratio", Usage: "a ratio"},
				&cli.DurationFlag{Name: "wait"},
				&cli.BoolFlag{Name: "details", Aliases: []string{"l"}},
			},
		}},
	}
	cases := []struct{ args, want string }{
		{"--limit abc", `--limit "abc": want a whole number from 1 to 1000 (run 'ably demo do --help' for usage)`},
		{"--limit=99999999999999999999", `--limit "99999999999999999999": want a whole number from 1 to 1000`},
		{"-limit 1.5", `--limit "1.5": want a whole number from 1 to 1000`},
		{"--retries x", `--retries "x": want a whole number from 0 to 10`},
		{"--max-length abc", `--max-length "abc": want a whole number above 0`},
		{"--count x", `--count "x": want a whole number (run`},
		{"--size -1", `--size "-1": want a whole number, 0 or more`},
		{"--ratio half", `--ratio "half": want a number (run`},
		{"--wait soon", `--wait "soon": want a duration such as 30s, 5m or 1h30m`},
		{"--details=maybe", `--details "maybe": want true or false (the flag alone means true)`},
		{"-l=3", `--details "3": want true or false`},
	}
	for _, c := range cases {
		code, _, stderr := run(t, p, append([]string{"do"}, strings.Fields(c.args)...)...)
		if code != 2 || !strings.Contains(stderr, "ably demo: "+c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
		if strings.Contains(stderr, "parse error") || strings.Contains(stderr, "out of range") {
			t.Errorf("%s: urfave/cli's message leaked: %q", c.args, stderr)
		}
	}
}

func TestParseBadValueTakesTheLastSeparator(t *testing.T) {
	quoted, name, ok := parseBadValue(`invalid value "x for flag -y: z" for flag -limit: parse error`)
	if !ok || quoted != `"x for flag -y: z"` || name != "limit" {
		t.Errorf("got %q %q %v", quoted, name, ok)
	}
	if _, _, ok := parseBadValue("flag provided but not defined: -nope"); ok {
		t.Error("an unknown flag was read as a bad value")
	}
}
