// Package groups is the one list of the suite's command groups. The test binary's table of
// executables (main_test.go), the documentation generator (internal/docgen) and the secrets
// audit (secrets_audit_test.go) all read it, so adding a group is its package plus one line
// here.
package groups

import (
	"github.com/ably/ably-suite/internal/accountscli"
	"github.com/ably/ably-suite/internal/appscli"
	"github.com/ably/ably-suite/internal/authcli"
	"github.com/ably/ably-suite/internal/channelscli"
	"github.com/ably/ably-suite/internal/connectionscli"
	"github.com/ably/ably-suite/internal/emulatorcli"
	"github.com/ably/ably-suite/internal/integrationscli"
	"github.com/ably/ably-suite/internal/logscli"
	"github.com/ably/ably-suite/internal/pushcli"
	"github.com/ably/ably-suite/internal/queuescli"
	"github.com/ably/ably-suite/internal/statscli"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Group is one command group: `ably <Name> ...` runs the executable ably-<Name>.
type Group struct {
	Name   string
	Main   func()               // the executable's main, as cmd/ably-<Name> calls it
	Plugin func() plugin.Plugin // its metadata and commands, for tools that read them
}

// Executable is the file name of the group's binary.
func (g Group) Executable() string { return "ably-" + g.Name }

// All returns every group of the suite, sorted by name.
func All() []Group {
	return []Group{
		{Name: "accounts", Main: accountscli.Main, Plugin: accountscli.Plugin},
		{Name: "apps", Main: appscli.Main, Plugin: appscli.Plugin},
		{Name: "auth", Main: authcli.Main, Plugin: authcli.Plugin},
		{Name: "channels", Main: channelscli.Main, Plugin: channelscli.Plugin},
		{Name: "connections", Main: connectionscli.Main, Plugin: connectionscli.Plugin},
		{Name: "emulator", Main: emulatorcli.Main, Plugin: emulatorcli.Plugin},
		{Name: "integrations", Main: integrationscli.Main, Plugin: integrationscli.Plugin},
		{Name: "logs", Main: logscli.Main, Plugin: logscli.Plugin},
		{Name: "push", Main: pushcli.Main, Plugin: pushcli.Plugin},
		{Name: "queues", Main: queuescli.Main, Plugin: queuescli.Plugin},
		{Name: "stats", Main: statscli.Main, Plugin: statscli.Plugin},
	}
}

// Plugins returns the plugin of every group, in the order of All.
func Plugins() []plugin.Plugin {
	all := All()
	out := make([]plugin.Plugin, len(all))
	for i, g := range all {
		out[i] = g.Plugin()
	}
	return out
}
