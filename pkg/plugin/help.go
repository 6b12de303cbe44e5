package plugin

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/protocol"
)

// groupHelpTemplate is the help of the plugin itself, shown alike by `ably <group>` and
// `ably <group> --help`: its commands, then the dispatcher's global flags, which go before
// the group and reach the plugin as environment variables. Its data is the *cli.App.
func groupHelpTemplate(group string) string {
	return `NAME:
   {{template "helpNameTemplate" .}}

USAGE:
   ably [global options] ` + group + ` command [command options] [arguments...]{{if .Description}}

DESCRIPTION:
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

COMMANDS:{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

OPTIONS:{{template "visibleFlagTemplate" .}}{{end}}

GLOBAL OPTIONS (before the group: ably --profile work ` + group + ` ...):` + globalFlagLines() + `
`
}

// parentHelpTemplate is the help of a command that has subcommands (`ably auth keys`); its
// data is the *cli.Command.
const parentHelpTemplate = `NAME:
   {{template "helpNameTemplate" .}}

USAGE:
   {{.HelpName}} command [command options] [arguments...]{{if .Description}}

DESCRIPTION:
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

COMMANDS:{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

OPTIONS:{{template "visibleFlagTemplate" .}}{{end}}
`

// globalFlagLines lists protocol.GlobalFlags as the help templates list flags: a tab between
// the flag and its usage, which the help printer aligns.
func globalFlagLines() string {
	var b strings.Builder
	for _, f := range protocol.GlobalFlags() {
		left := "--" + f.Name
		if f.Short != "" {
			left += ", -" + f.Short
		}
		if f.Arg != "" {
			left += " " + f.Arg
		}
		fmt.Fprintf(&b, "\n   %s\t%s (%s)", left, f.Usage, f.EnvHelp())
	}
	return b.String()
}

// showHelp is the help of the command the context is in: the group's own at the top, the
// same text as --help gives.
func showHelp(c *cli.Context) error {
	if c.Command == nil || c.Command.HelpName == c.App.HelpName {
		return cli.ShowAppHelp(c)
	}
	return cli.ShowSubcommandHelp(c)
}
