package plugin

import (
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestInterspersed(t *testing.T) {
	p := Plugin{Metadata: Metadata{Name: "demo"}, Commands: []*cli.Command{
		{Name: "rules", Aliases: []string{"r"}, Subcommands: []*cli.Command{{
			Name:  "update",
			Flags: []cli.Flag{&cli.BoolFlag{Name: "persisted"}, &cli.IntFlag{Name: "interval", Aliases: []string{"i"}}, &cli.StringFlag{Name: "app"}},
		}}},
		{Name: "switch"},
	}}
	app := p.app(&state{})
	cases := map[string]string{
		"rules update chat --persisted":                   "rules update --persisted chat",
		"r update chat --interval 20 --app x":             "r update --interval 20 --app x chat",
		"rules update chat -i=20 --json":                  "rules update -i=20 --json chat",
		"rules update --persisted chat":                   "rules update --persisted chat",
		"rules update chat -- --not-a-flag":               "rules update -- chat --not-a-flag",
		"rules update chat --unknown value":               "rules update --unknown chat value",
		"switch work --json":                              "switch --json work",
		"switch work --profile p extra":                   "switch --profile p work extra",
		"nope a --b":                                      "nope a --b",
		"--help":                                          "--help",
		"rules update chat --help":                        "rules update --help",
		"rules update --app=x chat --verbose --persisted": "rules update --app=x --verbose --persisted chat",
	}
	for in, want := range cases {
		got, err := interspersed(app, append([]string{"ably-demo"}, strings.Fields(in)...))
		if err != nil || !slices.Equal(got[1:], strings.Fields(want)) {
			t.Errorf("%q -> %q, want %q", in, strings.Join(got[1:], " "), want)
		}
	}
}

func TestLateValueFlagWithoutValue(t *testing.T) {
	p := Plugin{Metadata: Metadata{Name: "demo"}, Commands: []*cli.Command{{Name: "update", Flags: []cli.Flag{&cli.StringFlag{Name: "app"}}}}}
	for _, args := range [][]string{{"update", "chat", "--app"}, {"update", "--app"}} {
		code, _, stderr := run(t, p, args...)
		if code != 2 || !strings.Contains(stderr, "flag --app needs a value (run 'ably demo update --help' for usage)") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

func TestLateFlagsReachTheCommand(t *testing.T) {
	var got []string
	var persisted bool
	p := Plugin{Metadata: Metadata{Name: "demo"}, Commands: []*cli.Command{{
		Name:  "update",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "persisted"}},
		Action: func(c *cli.Context) error {
			got, persisted = c.Args().Slice(), c.Bool("persisted")
			return Printer(c).JSON(got)
		},
	}}}
	code, stdout, _ := run(t, p, "update", "chat", "--persisted", "--json")
	if code != 0 || !persisted || !slices.Equal(got, []string{"chat"}) || stdout != "[\"chat\"]\n" {
		t.Fatalf("exit %d, args %v, persisted %v, stdout %q", code, got, persisted, stdout)
	}
}

func TestArgOrFlag(t *testing.T) {
	cases := []struct {
		args    string
		want    string
		set     bool
		wantErr string
	}{
		{"create", "", false, ""},
		{"create chat", "chat", true, ""},
		{"create --name chat", "chat", true, ""},
		{"create --name chat chat", "chat", true, ""},
		{"create --name=", "", true, ""},
		{"create --name other chat", "", false, `two rule names given to 'demo create': "chat" as the argument and "other" with --name; give one`},
		{"create chat extra", "", false, `unexpected argument "extra": 'demo create' takes one rule name, as an argument or with --name`},
	}
	for _, tc := range cases {
		var got string
		var set bool
		var err error
		app := &cli.App{Name: "demo", Commands: []*cli.Command{{
			Name:  "create",
			Flags: []cli.Flag{&cli.StringFlag{Name: "name"}},
			Action: func(c *cli.Context) error {
				got, set, err = ArgOrFlag(c, "name", "rule name")
				return nil
			},
		}}}
		if runErr := app.Run(append([]string{"demo"}, strings.Fields(tc.args)...)); runErr != nil {
			t.Fatalf("%q: %v", tc.args, runErr)
		}
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%q: error %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want || set != tc.set {
			t.Errorf("%q: %q, %v, %v; want %q, %v", tc.args, got, set, err, tc.want, tc.set)
		}
	}
}
