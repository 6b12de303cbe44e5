package plugin

import "github.com/urfave/cli/v2"

// CLIApp returns the *cli.App that Run would run for p, for tools that read the command tree
// (such as documentation generators) rather than run it. The app is set up as Run sets it up:
// standard flags on every leaf command, the hidden metadata command, the process's
// environment. It works on a copy of p's command tree, so callers may change the app's
// commands (for documentation, say) without touching p.
func (p Plugin) CLIApp() *cli.App {
	return p.app(&state{env: SystemEnv()})
}
