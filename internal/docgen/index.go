package docgen

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// group is one plugin as the index lists it.
type group struct {
	invocation string // "ably stats"
	file       string // "ably-stats"
	summary    string
	commands   [][2]string // full invocation and one-line usage of every visible command
}

func describe(app *cli.App, p plugin.Plugin) group {
	g := group{invocation: "ably " + p.Metadata.Name, file: app.Name, summary: p.Metadata.ShortDescription}
	var walk func(cmds []*cli.Command, parent string)
	walk = func(cmds []*cli.Command, parent string) {
		for _, c := range cmds {
			if c.Hidden {
				continue
			}
			full := parent + " " + c.Name
			g.commands = append(g.commands, [2]string{full, c.Usage})
			walk(c.Subcommands, full)
		}
	}
	walk(app.Commands, g.invocation)
	return g
}

// index is docs/reference/README.md: every group with its pages and commands.
func index(groups []group) string {
	var b strings.Builder
	b.WriteString(generatedNote("<!--", "-->"))
	b.WriteString("# Command reference\n\n")
	b.WriteString("One page per command group, generated from the commands' own help (the same text as\n")
	b.WriteString("`ably <group> <command> --help`), and a man page of each in [../man](../man)\n")
	b.WriteString("(`man ./docs/man/ably-stats.1`). To update them after changing a command, run\n")
	fmt.Fprintf(&b, "`%s` from the module root.\n\n", UpdateCommand)
	b.WriteString("| Group | What it does | Reference | Man page |\n| --- | --- | --- | --- |\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "| `%s` | %s | [%s.md](%s.md) | [%s.1](../man/%s.1) |\n", g.invocation, g.summary, g.file, g.file, g.file, g.file)
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n## %s\n\n", g.invocation)
		if len(g.commands) == 0 {
			b.WriteString("No commands yet.\n")
			continue
		}
		for _, c := range g.commands {
			fmt.Fprintf(&b, "- `%s`: %s\n", c[0], c[1])
		}
	}
	return b.String()
}
